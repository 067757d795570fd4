import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import Dashboard from "@/pages/dashboard";
import { UserProvider } from "@/lib/user";

import { fakeFetch, renderSignedIn } from "./fixtures";

const push = vi.fn();
vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/dashboard", asPath: "/dashboard/", query: {}, isReady: true, replace: vi.fn(), push }),
}));

const USER = { clerk_user_id: "test_user_001", display_name: "Test User", years_until_retirement: 25, target_retirement_income: 80000, current_age: 40, annual_contribution: 20000, asset_class_targets: { equity: 70, fixed_income: 30 }, region_targets: { north_america: 100 } };
const ACCOUNT = { id: "a1", account_name: "401k", account_type: "401k", account_purpose: "", cash_balance: 1000, cash_interest: 0, created_at: "", updated_at: "" };
const HOLDING = { account_id: "a1", symbol: "VTI", name: "VTI", quantity: 10, price: 300, value: 3000, price_source: "seed", price_as_of: null, stale: false, superseded_user_price: null, asset_classes: { equity: 100 } };

const LAST = {
  id: "j1", job_type: "portfolio_analysis", status: "completed", failed_step: null, error_message: null, redrive_count: 0, cost_usd: 0,
  created_at: "2026-12-06T02:31:00Z", started_at: null, completed_at: null,
  summary_payload: { text: "Portfolio value: $4,000.", verdict: { level: "at_risk", success_probability: 0.62, chance_words: "about 3 in 5" }, helps_most: "Retire 2 years later, at 67" },
};

function dashboardApi({ analyzable = true, jobs = [] as object[] } = {}) {
  let user = { ...USER };
  return fakeFetch((url, init) => {
    const method = init.method ?? "GET";
    if (url === "/api/user" && method === "PUT") {
      user = { ...user, ...JSON.parse(String(init.body)) };
      return { body: user };
    }
    if (url === "/api/user") return { body: user };
    if (url.startsWith("/api/accounts?")) return { body: { items: analyzable ? [ACCOUNT] : [], next_cursor: null } };
    if (url.startsWith("/api/accounts/a1/positions")) return { body: { items: [{ id: "p1", account_id: "a1", symbol: "VTI", quantity: 10, as_of_date: "" }], next_cursor: null } };
    if (url === "/api/portfolio") {
      const valuation = analyzable
        ? { holdings: [HOLDING], accounts: [{ account_id: "a1", account_name: "401k", cash: 1000, holdings: 3000, total: 4000 }], cash: 1000, invested: 3000, total: 4000 }
        : { holdings: [], accounts: [], cash: 0, invested: 0, total: 0 };
      return { body: { valuation: { ...valuation, unpriced: [], unclassified: [], user_priced: [], stale: [], stale_after_days: 5 }, gaps: [], analyzable, reason: analyzable ? null : "You have no accounts yet: add one first.", classifies: false } };
    }
    if (url.startsWith("/api/jobs?")) return { body: { items: jobs, next_cursor: null } };
    if (url === "/api/analyze" && method === "POST") return { status: 202, body: { job_id: "job-1" } };
    return { status: 404, body: { error: { code: "not_found", message: "Not found", details: null } } };
  });
}

function renderDashboard() {
  return renderSignedIn(
    <UserProvider>
      <Dashboard />
    </UserProvider>,
  );
}

describe("dashboard", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    push.mockReset();
  });

  it("starts an analysis from its primary button and opens it on the analysis page", async () => {
    const api = dashboardApi();
    vi.stubGlobal("fetch", api.fetcher);
    renderDashboard();

    const start = await screen.findByRole("button", { name: "Start a new analysis" });
    await waitFor(() => expect(start).toBeEnabled());
    await userEvent.click(start);

    expect(api.calls.filter((call) => call.init.method === "POST").map((call) => call.url)).toEqual(["/api/analyze"]);
    expect(push).toHaveBeenCalledWith({ pathname: "/analysis/", query: { job: "job-1" } });
  });

  it("says the last analysis's verdict and what would help most", async () => {
    vi.stubGlobal("fetch", dashboardApi({ jobs: [LAST] }).fetcher);
    renderDashboard();

    const outcome = await screen.findByText(/Your target income lasts/);
    expect(outcome).toHaveAttribute("data-verdict", "at_risk");
    expect(outcome).toHaveTextContent("At risk Your target income lasts in about 3 in 5 simulated markets (62.0%). What would help most: retire 2 years later, at 67.");
    expect(screen.getByRole("link", { name: "Open this analysis" })).toHaveAttribute("href", expect.stringContaining("job=j1"));
  });

  it("says when the settings or the portfolio's value have changed since the last analysis", async () => {
    const { years_until_retirement, target_retirement_income, current_age, annual_contribution, asset_class_targets, region_targets } = USER;
    const settings = { years_until_retirement, target_retirement_income, current_age, annual_contribution, asset_class_targets, region_targets };
    const same = { ...LAST, summary_payload: { ...LAST.summary_payload, total_value: 4000, settings } };
    vi.stubGlobal("fetch", dashboardApi({ jobs: [same] }).fetcher);
    const { unmount } = renderDashboard();
    await screen.findByText(/Your target income lasts/);
    await screen.findByText("$4,000");
    await screen.findByDisplayValue("80000"); // the user's settings have loaded: compared, and equal
    expect(screen.queryByText(/changed since this analysis/)).toBeNull();
    unmount();

    const older = { ...same, summary_payload: { ...same.summary_payload, total_value: 3500, settings: { ...settings, target_retirement_income: 90000 } } };
    vi.stubGlobal("fetch", dashboardApi({ jobs: [older] }).fetcher);
    renderDashboard();
    expect(await screen.findByText(/changed since this analysis/)).toHaveTextContent(
      /^Your target income and portfolio's value have changed since this analysis, whose figures are those of .+: start a new analysis to see where you stand now\.$/,
    );
  });

  it("keeps Start disabled, with the reason, while there is nothing to analyse", async () => {
    vi.stubGlobal("fetch", dashboardApi({ analyzable: false }).fetcher);
    renderDashboard();

    expect(await screen.findByText("You have no accounts yet: add one first.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start a new analysis" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Start a new analysis" })).toHaveAccessibleDescription("You have no accounts yet: add one first.");
  });

  it("colours each asset class as the charts do: cash the same grey", async () => {
    vi.stubGlobal("fetch", dashboardApi().fetcher);
    renderDashboard();

    const legend = await screen.findByRole("list", { name: "Allocation by asset class" });
    const swatch = (name: string) => within(legend).getByText(name).closest("li")!.querySelector("span")!;
    expect(swatch("Equity")).toHaveStyle({ background: "#0072B2" });
    expect(swatch("Cash")).toHaveStyle({ background: "#BBBBBB" });
  });

  it("shows the user's display name in the header and changes it there when settings save a new one", async () => {
    vi.stubGlobal("fetch", dashboardApi().fetcher);
    renderDashboard();

    const banner = screen.getByRole("banner");
    expect(await within(banner).findByText("Test User")).toBeInTheDocument();
    const name = await screen.findByLabelText("Name");
    await userEvent.clear(name);
    await userEvent.type(name, "Ada Lovelace");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(await within(banner).findByText("Ada Lovelace")).toBeInTheDocument();
  });
});
