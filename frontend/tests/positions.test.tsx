import { screen, waitFor, within } from "@testing-library/react";
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
    if (method === "DELETE" && url.startsWith("/api/positions/")) {
      positions.splice(positions.findIndex((position) => url.endsWith(`/${position.id}`)), 1);
      return { status: 204 };
    }
    if (method === "PUT" && url === "/api/positions/p1") {
      positions[0] = { ...positions[0]!, ...JSON.parse(String(init.body)) };
      return { body: positions[0] };
    }
    return { status: 404, body: { error: { code: "not_found", message: "Not found", details: null } } };
  });
}

function row(symbol: string) {
  return screen.getByRole("rowheader", { name: symbol }).closest("tr")!;
}

describe("account page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("suggests symbols as you type, adds the one picked with the keyboard and says so", async () => {
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
    expect(await screen.findByRole("status")).toHaveTextContent("Added 2.5 shares of VXUS.");
    expect(await screen.findByRole("rowheader", { name: "VXUS" })).toBeInTheDocument();
  });

  it("shows positions as a table: headed columns, the price with its source and date, and each share of the account", async () => {
    vi.stubGlobal("fetch", accountApi([{ symbol: "VTI", quantity: 10 }, { symbol: "VXUS", quantity: 50 }]).fetcher);
    renderSignedIn(<AccountPage />);

    const table = await screen.findByRole("table", { name: /Positions in 401k/ });
    expect(within(table).getAllByRole("columnheader").map((header) => header.textContent)).toEqual([
      "Symbol", "Name", "Shares", "Price", "Value", "Share of account", "Actions",
    ]);
    expect(within(row("VTI")).getAllByRole("cell").map((cell) => cell.textContent)).toEqual([
      "Vanguard Total Stock Market ETF",
      "", // the shares field
      "$300.00sample price, not a quote · as of Dec 1, 2026",
      "$3,000.00", // to the cent, so the values add up to the total exactly
      "50.0%",
      "SaveDelete",
    ]);
    expect(screen.getByTestId("share-VXUS")).toHaveTextContent("50.0%");
    expect(screen.getByRole("rowheader", { name: "Account total" }).closest("tr")).toHaveTextContent("$6,000.00100.0%");
    // Figures line up on the right, digits of equal width; on a phone, each under its column's name.
    expect(screen.getByTestId("value-VTI")).toHaveClass("text-right", "tabular-nums");
    expect(screen.getByTestId("value-VTI")).toHaveAttribute("data-label", "Value");
  });

  it("prices a symbol no source prices with the user's own price, labelled as theirs", async () => {
    const api = accountApi([{ symbol: "TSLA", quantity: 4 }]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    expect(await screen.findByTestId("price-TSLA")).toHaveTextContent("no price");
    expect(screen.getByTestId("value-TSLA")).toHaveTextContent("—");
    expect(screen.getByText(/Not classified \(no language model is configured\)/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Price of TSLA"), "250");
    await userEvent.click(screen.getByRole("button", { name: "Save price" }));

    await waitFor(() => expect(screen.getByTestId("value-TSLA")).toHaveTextContent("$1,000"));
    expect(screen.getByTestId("price-TSLA")).toHaveTextContent(/\$250\.00your price · as of/);
    expect(screen.getByRole("status")).toHaveTextContent("TSLA is now valued at your price of $250.00.");
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

  it("edits a position's quantity with a Save that was there all along, and says so", async () => {
    const api = accountApi();
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    const shares = await screen.findByLabelText("Shares of VTI");
    expect(row("VTI")).toHaveTextContent("$3,000");
    // Save keeps its place while hidden, so showing it moves no column.
    const save = within(row("VTI")).getByText("Save");
    expect(save).toHaveClass("invisible");
    await userEvent.clear(shares);
    await userEvent.type(shares, "12");
    expect(save).not.toHaveClass("invisible");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(row("VTI")).toHaveTextContent("$3,600"));
    expect(screen.getByRole("status")).toHaveTextContent("VTI: now 12 shares.");
    const put = api.calls.find((call) => call.init.method === "PUT")!;
    expect(JSON.parse(String(put.init.body))).toEqual({ quantity: 12 });
  });

  it("asks before deleting in a row of its own, then removes the position and says so", async () => {
    const api = accountApi([{ symbol: "VTI", quantity: 10 }, { symbol: "VXUS", quantity: 50 }]);
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.click(await screen.findByRole("button", { name: "Delete VTI" }));
    const question = screen.getByRole("alertdialog", { name: "Delete VTI?" });
    // The question sits below the row, not inside it: the row's cells keep their places.
    expect(row("VTI")).not.toContainElement(question);
    expect(question).toHaveTextContent("Remove VTI (10 shares) from this account?");
    await userEvent.click(within(question).getByRole("button", { name: "Yes, delete" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Removed VTI from this account.");
    await waitFor(() => expect(screen.queryByRole("rowheader", { name: "VTI" })).not.toBeInTheDocument());
    expect(api.calls.some((call) => call.init.method === "DELETE" && call.url === "/api/positions/p1")).toBe(true);
  });
});

describe("account page for an address that names no account of the user's", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("says what was not found and links back, without asking the API for it or offering a retry", async () => {
    // The address names "a1" (as mistyped "o", or another user's id): not among this user's accounts.
    const api = fakeFetch((url) =>
      url.startsWith("/api/accounts?")
        ? { body: { items: [], next_cursor: null } }
        : url === "/api/portfolio"
          ? { body: { valuation: { holdings: [], accounts: [], cash: 0, invested: 0, total: 0, unpriced: [], unclassified: [], user_priced: [], stale: [], stale_after_days: 5 }, gaps: [], analyzable: false, reason: null, classifies: false } }
          : { status: 422, body: { error: { code: "invalid_input", message: "Invalid request: account_id: Input should be a valid UUID, invalid character: found `o` at 1", details: null } } },
    );
    vi.stubGlobal("fetch", api.fetcher);
    renderSignedIn(<AccountPage />);

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No account of yours has this address.");
    expect(alert).not.toHaveTextContent("Invalid request");
    expect(within(alert).getByRole("link", { name: "Choose one of your accounts" })).toHaveAttribute("href", expect.stringMatching(/^\/accounts\/?$/));
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    // Nothing was asked that the API would refuse (a refusal shows as an error in the console).
    expect(api.calls.map((call) => call.url)).toEqual(["/api/accounts?limit=100", "/api/portfolio"]);
  });

  it("offers a retry only when the server failed, which a retry can mend", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ error: { code: "internal", message: "The server had a problem.", details: null } }), { status: 503 }));
    renderSignedIn(<AccountPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("The server had a problem.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("offers no retry for a refusal a retry would meet again", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ error: { code: "forbidden", message: "Not allowed.", details: null } }), { status: 403 }));
    renderSignedIn(<AccountPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Not allowed.");
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });
});
