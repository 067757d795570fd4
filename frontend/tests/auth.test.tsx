import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { Header } from "@/components/Layout";
import { LocalAuthProvider, useAuth } from "@/lib/auth";
import { UserProvider } from "@/lib/user";

import { fakeFetch } from "./fixtures";

vi.mock("next/router", () => ({
  useRouter: () => ({ pathname: "/dashboard", asPath: "/dashboard/", query: {}, isReady: true, replace: vi.fn(), push: vi.fn() }),
}));

function Probe() {
  const { status, SignIn } = useAuth();
  return status === "signed-in" ? <p>Signed in</p> : <SignIn />;
}

const SEEDED = { clerk_user_id: "test_user_001", display_name: "Test User", years_until_retirement: 25, target_retirement_income: 80000, current_age: 40, annual_contribution: 20000, asset_class_targets: { equity: 100 }, region_targets: { north_america: 100 } };

describe("local sign-in", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it("gets a token for the demo user from the dev issuer and keeps it for the tab", async () => {
    const api = fakeFetch(() => ({ body: { token: "dev-token" } }));
    vi.stubGlobal("fetch", api.fetcher);
    render(
      <LocalAuthProvider>
        <Probe />
      </LocalAuthProvider>,
    );

    expect(screen.getByLabelText(/^User id/)).toHaveValue("test_user_001");
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Test User");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Signed in")).toBeInTheDocument();
    expect(sessionStorage.getItem("alex.token")).toBe("dev-token");
    expect(api.calls[0]?.url).toBe("/dev/token");
  });

  it("shows the user's own name in the header, not the name typed at sign-in", async () => {
    // An existing user signs in under another name: the API keeps the name they chose in Settings.
    const api = fakeFetch((url) => (url === "/dev/token" ? { body: { token: "dev-token" } } : { body: SEEDED }));
    vi.stubGlobal("fetch", api.fetcher);
    render(
      <LocalAuthProvider>
        <UserProvider>
          <Header />
          <Probe />
        </UserProvider>
      </LocalAuthProvider>,
    );

    const name = screen.getByLabelText(/^Name/);
    await userEvent.clear(name);
    await userEvent.type(name, "Demo Investor");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Test User")).toBeInTheDocument();
    expect(screen.queryByText("Demo Investor")).not.toBeInTheDocument();
    expect(api.calls.map((call) => call.url)).toEqual(["/dev/token", "/api/user"]);
  });

  it("says what to do when the dev issuer cannot be reached", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    render(
      <LocalAuthProvider>
        <Probe />
      </LocalAuthProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("start the stack with `./alex dev`");
  });
});
