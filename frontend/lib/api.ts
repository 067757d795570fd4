/** The API client: the session token on every call, typed answers, and the API's own error text. */

import { API_URL } from "./config";
import type {
  Account,
  AccountFields,
  Instrument,
  Job,
  PortfolioValue,
  Position,
  PositionCreate,
  User,
  UserPrice,
  UserUpdate,
} from "./types";

/** An API call that did not succeed; `message` is the API's text, written for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type TokenSource = () => Promise<string | null>;

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The fields a 422 names (`details` may be a list of `{field}` or a map keyed by field). */
export function fieldsNamed(details: unknown): string[] {
  if (Array.isArray(details)) {
    return details.flatMap((item) =>
      item && typeof item === "object" && "field" in item ? [String(item.field)] : [],
    );
  }
  if (details && typeof details === "object" && "field" in details) {
    return [String((details as { field: unknown }).field)];
  }
  return [];
}

async function failure(response: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy's error page): fall through to a message of our own.
  }
  const error = body?.error;
  if (error?.message) {
    return new ApiError(response.status, error.code ?? "error", error.message, error.details);
  }
  const hint =
    response.status >= 500
      ? "The server had a problem: try again in a moment."
      : "The request was refused.";
  return new ApiError(response.status, "http_error", `${hint} (HTTP ${response.status})`);
}

/** One page of a list route: pass `next_cursor` as `cursor` for the next page (null: the last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The most a list route sends in one page. */
export const MAX_PAGE_SIZE = 100;

export function createApi(
  getToken: TokenSource,
  baseUrl: string = API_URL,
  fetcher: typeof fetch = (...args) => fetch(...args),
) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await getToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetcher(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(
        0,
        "network_error",
        "Could not reach the Alex API: check your connection (locally, that `./alex dev` is running) and try again.",
      );
    }
    if (!response.ok) throw await failure(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const enc = encodeURIComponent;

  function page<T>(path: string, limit: number, cursor: string | null = null): Promise<Page<T>> {
    const after = cursor ? `&cursor=${enc(cursor)}` : "";
    return call<Page<T>>("GET", `${path}?limit=${limit}${after}`);
  }

  /** Every item of a list route, following its cursor page after page. */
  async function everything<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const next: Page<T> = await page<T>(path, MAX_PAGE_SIZE, cursor);
      items.push(...next.items);
      cursor = next.next_cursor;
      if (cursor !== null && seen.has(cursor)) break; // a cursor never repeats; if it did, stop
      if (cursor !== null) seen.add(cursor);
    } while (cursor !== null);
    return items;
  }

  return {
    user: () => call<User>("GET", "/api/user"),
    updateUser: (changes: UserUpdate) => call<User>("PUT", "/api/user", changes),

    accounts: () => everything<Account>("/api/accounts"),
    createAccount: (fields: AccountFields) => call<Account>("POST", "/api/accounts", fields),
    updateAccount: (id: string, fields: Partial<AccountFields>) =>
      call<Account>("PUT", `/api/accounts/${enc(id)}`, fields),
    deleteAccount: (id: string) => call<void>("DELETE", `/api/accounts/${enc(id)}`),

    positions: (accountId: string) => everything<Position>(`/api/accounts/${enc(accountId)}/positions`),
    createPosition: (position: PositionCreate) =>
      call<Position>("POST", "/api/positions", position),
    updatePosition: (id: string, quantity: number) =>
      call<Position>("PUT", `/api/positions/${enc(id)}`, { quantity }),
    deletePosition: (id: string) => call<void>("DELETE", `/api/positions/${enc(id)}`),

    instruments: (query = "") => call<Instrument[]>("GET", `/api/instruments?q=${enc(query)}`),

    portfolio: () => call<PortfolioValue>("GET", "/api/portfolio"),
    setPrice: (symbol: string, price: number, asOfDate: string) =>
      call<UserPrice>("PUT", `/api/prices/${enc(symbol)}`, { price, as_of_date: asOfDate }),
    deletePrice: (symbol: string) => call<void>("DELETE", `/api/prices/${enc(symbol)}`),

    analyze: () => call<{ job_id: string }>("POST", "/api/analyze"),
    jobs: (limit = 20, cursor: string | null = null) => page<Job>("/api/jobs", limit, cursor),
    job: (id: string) => call<Job>("GET", `/api/jobs/${enc(id)}`),
    redrive: (id: string) => call<unknown>("POST", `/api/jobs/${enc(id)}/redrive`),
  };
}

export type Api = ReturnType<typeof createApi>;

/** Sign in locally: the dev issuer mints a token of Clerk's shape for any user id. */
export async function devToken(
  userId: string,
  name: string,
  baseUrl: string = API_URL,
  fetcher: typeof fetch = (...args) => fetch(...args),
): Promise<string> {
  let response: Response;
  try {
    response = await fetcher(`${baseUrl}/dev/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ user_id: userId, name }),
    });
  } catch {
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the local sign-in: start the stack with `./alex dev` and try again.",
    );
  }
  if (!response.ok) throw await failure(response);
  const { token } = (await response.json()) as { token: string };
  return token;
}

/** Whether calling again can succeed: no answer, a server fault, a timeout or a rate limit; any other
 * refusal (a bad link, a missing or foreign record, invalid input) would be refused again. */
export function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;
}

/** What to show for any error thrown by a call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = fieldsNamed(error.details);
    const named = fields.filter((field) => !error.message.includes(field));
    return named.length ? `${error.message} (${named.join(", ")})` : error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong: try again.";
}
