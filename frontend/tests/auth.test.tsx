import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { LocalAuthProvider, useAuth } from "@/lib/auth";

import { fakeFetch } from "./fixtures";

function Probe() {
  const { status, name, SignIn } = useAuth();
  return status === "signed-in" ? <p>Signed in as {name}</p> : <SignIn />;
}

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

    expect(screen.getByLabelText("User id")).toHaveValue("test_user_001");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Signed in as Demo Investor")).toBeInTheDocument();
    expect(sessionStorage.getItem("alex.token")).toBe("dev-token");
    expect(api.calls[0]?.url).toBe("/dev/token");
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
