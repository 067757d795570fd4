import { screen, waitFor } from "@testing-library/react";

import AnalysisPage from "@/pages/analysis";
import Landing from "@/pages/index";

import { fakeFetch, renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/analysis", asPath: "/analysis/", query: {}, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

function portfolioApi(answer: Record<string, unknown>) {
  return fakeFetch((url) => (url === "/api/portfolio" ? { body: answer } : { status: 404, body: {} }));
}

const VALUATION = { holdings: [], accounts: [], cash: 0, invested: 0, total: 0, unpriced: [], unclassified: [], user_priced: [], stale: [], stale_after_days: 5 };

describe("starting an analysis", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("disables Start with the reason when nothing is valued", async () => {
    const reason = "You have no accounts yet: add an account with its cash or positions on the Accounts page, then start the analysis.";
    vi.stubGlobal("fetch", portfolioApi({ valuation: VALUATION, gaps: [], analyzable: false, reason, classifies: false }).fetcher);
    renderSignedIn(<AnalysisPage />);

    expect(await screen.findByText(reason, { exact: false })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start analysis" })).toBeDisabled();
  });

  it("says what the analysis will not see before it starts", async () => {
    const gap = "1 of 2 holdings (50.0% by count) have no price (TSLA): enter a price for them.";
    vi.stubGlobal("fetch", portfolioApi({ valuation: { ...VALUATION, total: 100 }, gaps: [gap], analyzable: true, reason: null, classifies: true }).fetcher);
    renderSignedIn(<AnalysisPage />);

    expect(await screen.findByText(gap)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start analysis" })).toBeEnabled();
    expect(screen.getByText(/Alex classifies any holdings it does not know yet/)).toBeInTheDocument();
  });

  it("promises no classification when no language model is configured", async () => {
    vi.stubGlobal("fetch", portfolioApi({ valuation: { ...VALUATION, total: 100 }, gaps: [], analyzable: true, reason: null, classifies: false }).fetcher);
    renderSignedIn(<AnalysisPage />);

    expect(await screen.findByText(/stay unclassified: classifying them needs a language model, and none is configured/)).toBeInTheDocument();
    expect(screen.queryByText(/Alex classifies/)).not.toBeInTheDocument();
  });

  it("the landing page promises classification only with a language model", () => {
    renderSignedIn(<Landing />);

    expect(screen.getByText(/with a language model configured, AI agents also classify holdings/)).toBeInTheDocument();
    expect(screen.queryByText(/AI agents classify your holdings/)).not.toBeInTheDocument();
  });

  it("promises no duration it cannot keep: seconds offline, step times otherwise", async () => {
    vi.stubGlobal("fetch", portfolioApi({ valuation: { ...VALUATION, total: 100 }, gaps: [], analyzable: true, reason: null, classifies: false }).fetcher);
    renderSignedIn(<AnalysisPage />);

    const card = (await screen.findByText(/Without a language model it takes a few seconds/)).closest("section")!;
    expect(card).toHaveTextContent("every step here, with its time, as it runs");
    expect(card).not.toHaveTextContent("a few minutes");
  });

  it("says nothing of seconds when a language model will write", async () => {
    vi.stubGlobal("fetch", portfolioApi({ valuation: { ...VALUATION, total: 100 }, gaps: [], analyzable: true, reason: null, classifies: true }).fetcher);
    renderSignedIn(<AnalysisPage />);

    await waitFor(() => expect(screen.getByRole("button", { name: "Start analysis" })).toBeEnabled());
    expect(screen.queryByText(/few seconds|few minutes/)).toBeNull();
  });
});
