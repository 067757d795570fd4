/**
 * Follow one job: poll with backoff while it runs, stop when it ends, resume after a redrive; and
 * the clock its elapsed times count to.
 */

import { useCallback, useEffect, useRef, useState } from "react";

import { errorMessage } from "./api";
import type { Job } from "./types";
import { useApi } from "./useApi";
import { FIRST_POLL_MS, isSettled, nextPollDelay } from "./workflow";

const REDRIVE_GRACE_MS = 30_000;

export interface FollowedJob {
  job: Job | null;
  error: string | null;
  /** Poll again after a redrive, until the job leaves the failed state it was redriven from. */
  follow: () => void;
}

export function useJob(jobId: string | null): FollowedJob {
  const api = useApi();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const lastUpdate = useRef<string | null>(null);
  // After a redrive the row stays "failed" until the execution runs again; wait that out, briefly.
  const redrivenAt = useRef<number | null>(null);

  useEffect(() => {
    if (!jobId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    let delay = FIRST_POLL_MS;

    async function poll() {
      try {
        const latest = await api.job(jobId!);
        if (!live) return;
        const changed = latest.updated_at !== lastUpdate.current;
        lastUpdate.current = latest.updated_at;
        setJob(latest);
        setError(null);
        const stillOld =
          latest.status === "failed" &&
          redrivenAt.current !== null &&
          Date.now() - redrivenAt.current < REDRIVE_GRACE_MS;
        if (latest.status !== "failed") redrivenAt.current = null;
        if (isSettled(latest) && !stillOld) return;
        delay = nextPollDelay(delay, changed);
      } catch (failure) {
        if (!live) return;
        setError(errorMessage(failure));
        delay = nextPollDelay(delay, false);
      }
      timer = setTimeout(poll, delay);
    }

    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, jobId, round]);

  const follow = useCallback(() => {
    redrivenAt.current = Date.now();
    setRound((n) => n + 1);
  }, []);
  return { job, error, follow };
}

/** The clock, ticking every second while `running`, so elapsed times count up live. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
