import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import AccountPage from "@/pages/account";

import { fakeFetch, renderSignedIn } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/account", asPath: "/account/?id=a1", query: { id: "a1" }, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

const VTI = { symbol: "VTI", name: "Vanguard Total Stock Market ETF", current_price: 300, instrument_type: "etf", allocation_asset_class: { equity: 100 }, allocation_regions: null, allocation_sectors: null };
const VXUS = { ...VTI, symbol: "VXUS", name: "Vanguard Total International Stock ETF", current_price: 60 };

function accountApi() {
  const positions = [{ id: "p1", account_id: "a1", symbol: "VTI", quantity: 10, as_of_date: "2026-11-22" }];
  return fakeFetch((url, init) => {
    const method = init.method ?? "GET";
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

  it("accepts a symbol it does not know, to be classified by the next analysis", async () => {
    vi.stubGlobal("fetch", accountApi().fetcher);
    renderSignedIn(<AccountPage />);

    await userEvent.type(await screen.findByRole("combobox", { name: "Symbol" }), "ZZZ");
    expect(await screen.findByText(/Not a known symbol yet: it will be added and classified/)).toBeInTheDocument();
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
