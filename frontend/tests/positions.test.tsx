import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import AccountPage from "@/pages/account";

import { fakeFetch, renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/account", asPath: "/account/?id=a1", query: { id: "a1" }, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

const VTI = { symbol: "VTI", name: "Vanguard Total Stock Market ETF", current_price: 300, instrument_type: "etf", allocation_asset_class: { equity: 100 }, allocation_regions: null, allocation_sectors: null };
const VXUS = { ...VTI, symbol: "VXUS", name: "Vanguard Total International Stock ETF", current_price: 60 };

const PRICES: Record<string, number> = { VTI: 300, VXUS: 60 };

function accountApi(held: { symbol: string; quantity: number }[] = [{ symbol: "VTI", quantity: 10 }], classifies = false) {
  const positions = held.map((h, i) => ({ id: `p${i + 1}`, account_id: "a1", as_of_date: "2026-11-22", ...h }));
  const own: Record<string, { price: number; as_of_date: string }> = {};
  // The valuation GET /api/portfolio answers: a source's price first, then the user's own.
  const portfolio = () => {
    const holdings = positions.map((position) => {
      const source = PRICES[position.symbol];
      const price = source ?? own[position.symbol]?.price ?? null;
      return {
        account_id: "a1",
        symbol: position.symbol,
        name: position.symbol,
        quantity: position.quantity,
        price,
        value: price === null ? null : price * position.quantity,
        price_source: source !== undefined ? "seed" : own[position.symbol] ? "user" : null,
        price_as_of: source !== undefined ? "2026-12-01T00:00:00Z" : own[position.symbol] ? `${own[position.symbol]!.as_of_date}T00:00:00Z` : null,
        stale: false,
        superseded_user_price: null,
        asset_classes: null,
      };
    });
    const total = holdings.reduce((sum, h) => sum + (h.value ?? 0), 0);
    return {
      valuation: { holdings, accounts: [{ account_id: "a1", account_name: "401k", cash: 0, holdings: total, total }], cash: 0, invested: total, total, unpriced: [], unclassified: [], user_priced: [], stale: [], stale_after_days: 5 },
      gaps: [],
      analyzable: total > 0,
      reason: total > 0 ? null : "Nothing in your portfolio has a value.",
      classifies,
    };
  };
  return fakeFetch((url, init) => {
    const method = init.method ?? "GET";
    if (url === "/api/portfolio") return { body: portfolio() };
    if (method === "PUT" && url.startsWith("/api/prices/")) {
      const symbol = decodeURIComponent(url.split("/").pop()!);
      own[symbol] = JSON.parse(String(init.body));
      return { body: { symbol, ...own[symbol] } };
    }
    if (url === "/api/accounts?limit=100") {
      return { body: { items: [{ id: "a1", account_name: "401k", account_type: "401k", account_purpose: "", cash_balance: 0, cash_interest: 0, created_at: "", updated_at: "" }], next_cursor: null } };
    }
    if (url === "/api/accounts/a1/positions?limit=100") return { body: { items: positions, next_cursor: null } };
    if (url.startsWith("/api/instruments")) {
      const q = decodeURIComponent(url.split("q=")[1] ?? "").toUpperCase();
      return { body: [VTI, VXUS].filter((instrument) => instrument.symbol.startsWith(q)) };
    }
    if (method === "POST" && url === "/api/positions") {
      const created = { id: `p${positions.length + 1}`, as_of_date: "2026-11-22", ...JSON.parse(String(init.body)) };
      positions.push(created);
      return { status: 201, body: created };
    }
    if (method === "PUT" && url === "/api/positions/p1") {
      positions[0] = { ...positions[0]!, ...JSON.parse(String(init.body)) };
      return { body: positions[0] };
    }
    return { status: 404, body: { error: { code: "not_found", message: "Not found", details: null } } };
  });
}

describe("account page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("suggests symbols as you type and adds the one picked with the keyboard", async () => {
    const api = accountApi();
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    const symbol = await screen.findByRole("combobox", { name: "Symbol" });
    await userEvent.type(symbol, "vx");
    const option = await screen.findByRole("option", { name: /VXUS Vanguard Total International Stock ETF/ });
    expect(option).toBeVisible();
    await userEvent.keyboard("{ArrowDown}{Enter}");
    expect(symbol).toHaveValue("VXUS");

    await userEvent.type(screen.getByLabelText("Quantity (shares)"), "2.5");
    await userEvent.click(screen.getByRole("button", { name: "Add position" }));

    const post = api.calls.find((call) => call.init.method === "POST")!;
    expect(JSON.parse(String(post.init.body))).toEqual({ account_id: "a1", symbol: "VXUS", quantity: 2.5 });
    expect(await screen.findByText("VXUS", { selector: "p" })).toBeInTheDocument();
  });

  it("prices a symbol no source prices with the user's own price, labelled as theirs", async () => {
    const api = accountApi([{ symbol: "TSLA", quantity: 4 }]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    expect(await screen.findByTestId("value-TSLA")).toHaveTextContent("no price");
    expect(screen.getByText(/not classified \(no language model is configured\)/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Price of TSLA"), "250");
    await userEvent.click(screen.getByRole("button", { name: "Save price" }));

    await waitFor(() => expect(screen.getByTestId("value-TSLA")).toHaveTextContent("$1,000.00"));
    expect(screen.getByTestId("price-TSLA")).toHaveTextContent(/\$250\.00 · your price · as of/);
    const put = api.calls.find((call) => call.init.method === "PUT")!;
    expect(put.url).toBe("/api/prices/TSLA");
    expect(JSON.parse(String(put.init.body))).toMatchObject({ price: 250 });
  });

  it("refuses a price that is not above 0 without calling the API", async () => {
    const api = accountApi([{ symbol: "TSLA", quantity: 4 }]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.type(await screen.findByLabelText("Price of TSLA"), "-3");
    await userEvent.click(screen.getByRole("button", { name: "Save price" }));
    expect(screen.getByRole("alert")).toHaveTextContent("above 0");
    expect(api.calls.some((call) => call.init.method === "PUT")).toBe(false);
  });

  it("accepts a symbol it does not know, to be classified by the next analysis", async () => {
    vi.stubGlobal("fetch", accountApi(undefined, true).fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.type(await screen.findByRole("combobox", { name: "Symbol" }), "ZZZ");
    expect(await screen.findByText(/Not a known symbol yet: it will be added and classified/)).toBeInTheDocument();
  });

  it("promises no classification of a symbol it does not know when no language model is configured", async () => {
    vi.stubGlobal("fetch", accountApi().fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.type(await screen.findByRole("combobox", { name: "Symbol" }), "ZZZ");
    expect(await screen.findByText(/it will be added, but not classified \(no language model is configured\)/)).toBeInTheDocument();
    expect(screen.queryByText(/classified by the next analysis/)).not.toBeInTheDocument();
  });

  it("refuses a quantity that is not above 0 without calling the API", async () => {
    const api = accountApi();
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.type(await screen.findByRole("combobox", { name: "Symbol" }), "VTI");
    await userEvent.type(screen.getByLabelText("Quantity (shares)"), "0");
    await userEvent.click(screen.getByRole("button", { name: "Add position" }));

    expect(screen.getByRole("alert")).toHaveTextContent("Enter a number of shares above 0");
    expect(api.calls.some((call) => call.init.method === "POST")).toBe(false);
  });

  it("edits a position's quantity", async () => {
    const api = accountApi();
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    const shares = await screen.findByLabelText("Shares of VTI");
    const row = () => screen.getByLabelText("Shares of VTI").closest("li")!;
    expect(row()).toHaveTextContent("$3,000");
    await userEvent.clear(shares);
    await userEvent.type(shares, "12");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(row()).toHaveTextContent("$3,600"));
    const put = api.calls.find((call) => call.init.method === "PUT")!;
    expect(JSON.parse(String(put.init.body))).toEqual({ quantity: 12 });
  });
});
