import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";

import { AuthContext } from "@/lib/auth";
import type { Job } from "@/lib/types";
import { useJob } from "@/lib/useJob";
import { FIRST_POLL_MS, MAX_POLL_MS, nextPollDelay } from "@/lib/workflow";

import { fakeFetch, job, signedIn, steps } from "./fixtures";

describe("polling", () => {
  it("backs off while nothing changes and speeds up when the job moves", () => {
    expect(nextPollDelay(FIRST_POLL_MS, false)).toBe(1500);
    expect(nextPollDelay(9000, false)).toBe(MAX_POLL_MS);
    expect(nextPollDelay(MAX_POLL_MS, true)).toBe(FIRST_POLL_MS);
  });

  it("polls a running job and stops when it ends", async () => {
    vi.useFakeTimers();
    const answers: Job[] = [
      job({ status: "running", updated_at: "1" }),
      job({ status: "running", updated_at: "2" }),
      job({ status: "completed", updated_at: "3" }),
    ];
    const api = fakeFetch(() => ({ body: answers.shift() ?? job({ status: "completed" }) }));
    vi.stubGlobal("fetch", api.fetcher);
    const auth = signedIn();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    );

    const { result } = renderHook(() => useJob("j1"), { wrapper });
    for (let i = 0; i < 5; i++) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(MAX_POLL_MS);
      });
    }

    expect(result.current.job?.status).toBe("completed");
    expect(api.calls).toHaveLength(3);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("keeps polling a failed job until the branches under way have stored their results", async () => {
    vi.useFakeTimers();
    const failing = { status: "failed" as const, failed_step: "charts" as const };
    const answers: Job[] = [
      job({ ...failing, updated_at: "1", steps: steps({ charts: { status: "failed" }, report: { status: "running" } }) }),
      job({ ...failing, updated_at: "2", steps: steps({ charts: { status: "failed" }, report: { status: "succeeded" } }), report_payload: { markdown: "# Report" } }),
    ];
    const api = fakeFetch(() => ({ body: answers.shift() ?? job({ status: "failed" }) }));
    vi.stubGlobal("fetch", api.fetcher);
    const auth = signedIn();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    );

    const { result } = renderHook(() => useJob("j1"), { wrapper });
    for (let i = 0; i < 5; i++) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(MAX_POLL_MS);
      });
    }

    expect(result.current.job?.report_payload?.markdown).toBe("# Report");
    expect(api.calls).toHaveLength(2);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
});
