import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import AccountsPage from "@/pages/accounts";
import type { Account } from "@/lib/types";

import { fakeFetch, renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/accounts", asPath: "/accounts/", query: {}, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

function account(overrides: Partial<Account>): Account {
  return {
    id: "a1",
    account_name: "401k",
    account_type: "401k",
    account_purpose: "Retirement",
    cash_balance: 1000,
    cash_interest: 0.045,
    created_at: "2026-11-22T06:00:00Z",
    updated_at: "2026-11-22T06:00:00Z",
    ...overrides,
  };
}

/** An in-memory API with accounts, one VTI position and its price. */
function accountsApi(accounts: Account[]) {
  return fakeFetch((url, init) => {
    const method = init.method ?? "GET";
    const path = url.replace(/\?.*/, "");
    if (method === "GET" && path === "/api/accounts") return { body: { items: accounts, next_cursor: null } };
    if (method === "GET" && path.endsWith("/positions")) {
      const items = path.includes("/a1/") ? [{ id: "p1", account_id: "a1", symbol: "VTI", quantity: 10, as_of_date: "2026-11-22" }] : [];
      return { body: { items, next_cursor: null } };
    }
    if (method === "GET" && path === "/api/portfolio") {
      // As the API values it: a1 holds 10 VTI at $300, every account its cash.
      const valued = accounts.map((a) => ({ account_id: a.id, account_name: a.account_name, cash: a.cash_balance, holdings: a.id === "a1" ? 3000 : 0, total: a.cash_balance + (a.id === "a1" ? 3000 : 0) }));
      const total = valued.reduce((sum, a) => sum + a.total, 0);
      return { body: { valuation: { holdings: [], accounts: valued, cash: 0, invested: 0, total, unpriced: [], unclassified: [], user_priced: [], stale: [], stale_after_days: 5 }, gaps: [], analyzable: total > 0, reason: null, classifies: true } };
    }
    if (method === "GET" && path === "/api/instruments") {
      return { body: [{ symbol: "VTI", name: "Vanguard Total Stock Market ETF", current_price: 300, instrument_type: "etf", allocation_asset_class: { equity: 100 }, allocation_regions: null, allocation_sectors: null }] };
    }
    if (method === "POST" && path === "/api/accounts") {
      const created = account({ id: "a2", ...JSON.parse(String(init.body)) });
      accounts.push(created);
      return { status: 201, body: created };
    }
    if (method === "PUT") {
      const changed = { ...accounts[0]!, ...JSON.parse(String(init.body)) };
      accounts[0] = changed;
      return { body: changed };
    }
    if (method === "DELETE") {
      accounts.splice(0, 1);
      return { status: 204 };
    }
    return { status: 404, body: { error: { code: "not_found", message: "No such thing", details: null } } };
  });
}

describe("accounts page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("lists accounts with their value: cash plus positions at their prices", async () => {
    vi.stubGlobal("fetch", accountsApi([account({})]).fetcher);
    renderSignedIn(<AccountsPage />);
    const item = (await screen.findByRole("link", { name: "401k" })).closest("li")!;
    expect(item).toHaveTextContent("$4,000");
    expect(item).toHaveTextContent("1 position · cash $1,000 earning 4.50% a year");
  });

  it("says what to do when there are no accounts", async () => {
    vi.stubGlobal("fetch", accountsApi([]).fetcher);
    renderSignedIn(<AccountsPage />);
    expect(await screen.findByText(/No accounts yet: choose “New account”/)).toBeInTheDocument();
  });

  it("creates an account from the form, cash interest given in percent", async () => {
    const api = accountsApi([]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountsPage />);

    await userEvent.click(await screen.findByRole("button", { name: "New account" }));
    await userEvent.type(screen.getByLabelText("Account name"), "Roth IRA");
    await userEvent.selectOptions(screen.getByLabelText("Account type"), "roth_ira");
    await userEvent.clear(screen.getByLabelText("Cash balance ($)"));
    await userEvent.type(screen.getByLabelText("Cash balance ($)"), "250");
    await userEvent.clear(screen.getByLabelText("Interest on cash (% a year)"));
    await userEvent.type(screen.getByLabelText("Interest on cash (% a year)"), "4.5");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const post = api.calls.find((call) => call.init.method === "POST")!;
    expect(JSON.parse(String(post.init.body))).toEqual({
      account_name: "Roth IRA",
      account_type: "roth_ira",
      account_purpose: "",
      cash_balance: 250,
      cash_interest: 0.045,
    });
    expect(await screen.findByRole("link", { name: "Roth IRA" })).toBeInTheDocument();
  });

  it("edits an account in place", async () => {
    const api = accountsApi([account({})]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountsPage />);

    await userEvent.click(await screen.findByRole("button", { name: "Edit 401k" }));
    const name = screen.getByLabelText("Account name");
    await userEvent.clear(name);
    await userEvent.type(name, "Old 401k");
    await userEvent.click(screen.getByRole("button", { name: "Save 401k" }));

    expect(await screen.findByRole("link", { name: "Old 401k" })).toBeInTheDocument();
    expect(api.calls.some((call) => call.init.method === "PUT" && call.url === "/api/accounts/a1")).toBe(true);
  });

  it("deletes an account only after confirmation", async () => {
    const api = accountsApi([account({})]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountsPage />);

    await userEvent.click(await screen.findByRole("button", { name: "Delete 401k" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete 401k?" });
    expect(dialog).toHaveTextContent("Delete 401k and its 1 position? This cannot be undone.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(api.calls.some((call) => call.init.method === "DELETE")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Delete 401k" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(await screen.findByText(/No accounts yet/)).toBeInTheDocument();
    expect(api.calls.filter((call) => call.init.method === "DELETE").map((call) => call.url)).toEqual(["/api/accounts/a1"]);
  });

  it("shows the API's message when a save is refused", async () => {
    const api = fakeFetch((url, init) =>
      init.method === "POST"
        ? { status: 422, body: { error: { code: "invalid_input", message: "account_name: must not be empty", details: [{ field: "account_name" }] } } }
        : { body: { items: [], next_cursor: null } },
    );
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountsPage />);

    await userEvent.click(await screen.findByRole("button", { name: "New account" }));
    await userEvent.type(screen.getByLabelText("Account name"), " x");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("account_name: must not be empty");
  });
});
