/** Jobs, charts and an auth context for component tests. */

import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import { AuthContext, type Auth } from "@/lib/auth";
import type { Chart, Job, StepName, StepState } from "@/lib/types";

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: "6f1c7f9e-0000-4000-8000-000000000001",
    job_type: "portfolio_analysis",
    status: "pending",
    steps: {},
    report_payload: null,
    charts_payload: null,
    retirement_payload: null,
    summary_payload: null,
    failed_step: null,
    error_message: null,
    error_cause: null,
    redrive_count: 0,
    created_at: "2026-11-22T06:00:00Z",
    started_at: null,
    completed_at: null,
    updated_at: "2026-11-22T06:00:00Z",
    ...overrides,
  };
}

export function steps(states: Partial<Record<StepName, Partial<StepState>>>): Job["steps"] {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => [name, { status: "pending", ...state }]),
  ) as Job["steps"];
}

export const ASSET_ALLOCATION: Chart = {
  title: "Asset allocation",
  description: "Where the money is, by asset class.",
  type: "pie",
  data: [
    { name: "Equity", value: 70000, percentage: 70, color: "#0072B2" },
    { name: "Fixed income", value: 25000, percentage: 25, color: "#E69F00" },
    { name: "Cash", value: 5000, percentage: 5, color: "#009E73" },
  ],
};

export function signedIn(token = "token-123"): Auth {
  return {
    mode: "local",
    status: "signed-in",
    getToken: async () => token,
    signOut: async () => {},
    SignIn: () => null,
  };
}

export function renderSignedIn(ui: ReactElement, auth: Auth = signedIn()) {
  return render(<AuthContext.Provider value={auth}>{ui}</AuthContext.Provider>);
}

/** A fetch stand-in answering JSON; records every request. */
export function fakeFetch(answer: (url: string, init: RequestInit) => { status?: number; body?: unknown }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    const { status = 200, body } = answer(url, init);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  };
  return { fetcher: fetcher as typeof fetch, calls };
}
