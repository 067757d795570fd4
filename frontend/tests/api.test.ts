import { ApiError, createApi, devToken, errorMessage, retryable } from "@/lib/api";

import { fakeFetch } from "./fixtures";

describe("api client", () => {
  it("sends the token on every call and returns the typed answer", async () => {
    const { fetcher, calls } = fakeFetch(() => ({
      body: { items: [{ id: "a1", account_name: "401k" }], next_cursor: null },
    }));
    const api = createApi(async () => "token-123", "http://127.0.0.1:8000", fetcher);

    const accounts = await api.accounts();

    expect(accounts[0]?.account_name).toBe("401k");
    expect(calls[0]?.url).toBe("http://127.0.0.1:8000/api/accounts?limit=100");
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBe("Bearer token-123");
  });

  it("follows a list's cursor to its last page", async () => {
    const pages: Record<string, unknown> = {
      "/api/accounts?limit=100": { items: [{ id: "a1" }, { id: "a2" }], next_cursor: "c/1" },
      "/api/accounts?limit=100&cursor=c%2F1": { items: [{ id: "a3" }], next_cursor: null },
    };
    const { fetcher, calls } = fakeFetch((url) => ({ body: pages[url] }));
    const accounts = await createApi(async () => "t", "", fetcher).accounts();
    expect(accounts.map((a) => a.id)).toEqual(["a1", "a2", "a3"]);
    expect(calls).toHaveLength(2);
  });

  it("asks for one page of jobs after a cursor", async () => {
    const { fetcher, calls } = fakeFetch(() => ({ body: { items: [{ id: "j1" }], next_cursor: "n" } }));
    const page = await createApi(async () => "t", "", fetcher).jobs(20, "before");
    expect(page.items.map((j) => j.id)).toEqual(["j1"]);
    expect(page.next_cursor).toBe("n");
    expect(calls[0]?.url).toBe("/api/jobs?limit=20&cursor=before");
  });

  it("surfaces the API's error message, code and the field it names", async () => {
    const { fetcher } = fakeFetch(() => ({
      status: 422,
      body: {
        error: {
          code: "invalid_input",
          message: "quantity must be greater than 0",
          details: [{ field: "quantity", message: "must be greater than 0" }],
        },
      },
    }));
    const api = createApi(async () => "t", "", fetcher);

    const failure = await api.createPosition({ account_id: "a1", symbol: "VTI", quantity: 0 }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 422, code: "invalid_input", message: "quantity must be greater than 0" });
    expect(errorMessage(failure)).toBe("quantity must be greater than 0");
  });

  it("names a field the message leaves out", () => {
    const failure = new ApiError(422, "invalid_input", "Percentages must sum to 100", [{ field: "region_targets" }]);
    expect(errorMessage(failure)).toBe("Percentages must sum to 100 (region_targets)");
  });

  it("says what to do when the answer is not the API's JSON", async () => {
    const fetcher = (async () => new Response("<html>Bad gateway</html>", { status: 502 })) as typeof fetch;
    const failure = await createApi(async () => "t", "", fetcher).user().catch((e: unknown) => e);
    expect(errorMessage(failure)).toBe("The server had a problem: try again in a moment. (HTTP 502)");
  });

  it("says what to do when the API cannot be reached", async () => {
    const fetcher = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    const failure = await createApi(async () => "t", "", fetcher).user().catch((e: unknown) => e);
    expect(errorMessage(failure)).toMatch(/^Could not reach the Alex API/);
  });

  it("gets a local token from the dev issuer", async () => {
    const { fetcher, calls } = fakeFetch(() => ({ body: { token: "dev-token" } }));
    expect(await devToken("test_user_001", "Demo", "", fetcher)).toBe("dev-token");
    expect(calls[0]?.url).toBe("/dev/token");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ user_id: "test_user_001", name: "Demo" });
  });
});

describe("retryable", () => {
  it("is true only where calling again can succeed", () => {
    expect(retryable(new ApiError(0, "network_error", "offline"))).toBe(true);
    expect(retryable(new ApiError(503, "unavailable", "down"))).toBe(true);
    expect(retryable(new ApiError(408, "timeout", "slow"))).toBe(true);
    expect(retryable(new ApiError(429, "rate_limited", "later"))).toBe(true);
    for (const status of [400, 403, 404, 409, 422]) expect(retryable(new ApiError(status, "x", "no"))).toBe(false);
  });
});
