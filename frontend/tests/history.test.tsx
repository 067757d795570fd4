import { screen } from "@testing-library/react";

import HistoryPage from "@/pages/history";

import { renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/history", asPath: "/history/", query: {}, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

function answering(status: number, message: string) {
  return async () => new Response(JSON.stringify({ error: { code: "x", message, details: null } }), { status });
}

describe("history page", () => {
  afterEach(() => vi.unstubAllGlobals());

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
