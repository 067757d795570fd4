import { screen, within } from "@testing-library/react";

import HistoryPage from "@/pages/history";

import { renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/history", asPath: "/history/", query: {}, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

function answering(status: number, message: string) {
  return async () => new Response(JSON.stringify({ error: { code: "x", message, details: null } }), { status });
}

function listing(items: object[]) {
  return async () => new Response(JSON.stringify({ items, next_cursor: null }), { status: 200 });
}

const BASE = { job_type: "portfolio_analysis", error_message: null, redrive_count: 0, cost_usd: 0, started_at: null, completed_at: null };
const COMPLETED = {
  ...BASE,
  id: "j1",
  status: "completed",
  failed_step: null,
  created_at: "2026-12-06T02:31:00Z",
  summary_payload: {
    text: "Portfolio value: $135,907. Chance the target retirement income lasts: 19.4% (about 1 in 5).",
    total_value: 135907.15,
    verdict: { level: "off_track", success_probability: 0.194, chance_words: "about 1 in 5" },
    helps_most: "Contribute $20,000 more a year",
  },
};

describe("history page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("says each analysis's verdict and what helps most, in full, and a failure in plain words", async () => {
    const failed = { ...BASE, id: "j2", status: "failed", failed_step: "charts", error_message: "ValueError: boom", created_at: "2026-12-05T10:00:00Z", summary_payload: null };
    const older = { ...COMPLETED, id: "j3", summary_payload: { text: "Portfolio value: $1,000." } };
    vi.stubGlobal("fetch", listing([COMPLETED, failed, older]));
    renderSignedIn(<HistoryPage />);

    const items = within(await screen.findByRole("list", { name: "Past analyses" })).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    const [done, stopped, before] = items as [HTMLElement, HTMLElement, HTMLElement];
    expect(done).toHaveTextContent(
      "Off track Your target income lasts in about 1 in 5 simulated markets (19.4%). What would help most: contribute $20,000 more a year. Portfolio value then: $135,907.",
    );
    expect(done.querySelector(".truncate")).toBeNull();
    expect(stopped).toHaveTextContent("The analysis failed while drawing the charts. Open it to retry from where it stopped.");
    expect(stopped).not.toHaveTextContent("ValueError");
    // An analysis stored before verdicts keeps its summary.
    expect(before).toHaveTextContent("Portfolio value: $1,000.");
  });

  it("offers Try again when the server failed", async () => {
    vi.stubGlobal("fetch", answering(503, "The server had a problem."));
    renderSignedIn(<HistoryPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("The server had a problem.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("offers no Try again for a refusal that would only repeat", async () => {
    vi.stubGlobal("fetch", answering(422, "Invalid request: cursor: not a cursor this API gave"));
    renderSignedIn(<HistoryPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("not a cursor");
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });
});
