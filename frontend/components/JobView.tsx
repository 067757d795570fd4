/**
 * One analysis: while it runs, its progress graph with live times; once finished, a one-line
 * summary of the run (the graph one click away), where it failed (with a retry), and every result
 * it produced, a failed run's included.
 */

import { lazy, Suspense, useState } from "react";

import { errorMessage } from "@/lib/api";
import { dateTime, duration } from "@/lib/format";
import type { Job } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { useNow } from "@/lib/useJob";
import { failedNode, isFinished, isSettled, jobElapsed, NODES, STEP_WORK, stepStatus } from "@/lib/workflow";

import { Button, Card, ErrorNotice, Loading } from "./ui";
import { WorkflowGraph } from "./WorkflowGraph";

// Charts and markdown are most of the page's JavaScript: fetched only for an analysis, while its
// job is fetched (preloadResults), not after it.
const loadResults = () => import("./JobResults");
const JobResults = lazy(loadResults);

export function preloadResults(): void {
  void loadResults();
}

function hasResults(job: Job): boolean {
  return !!(job.report_payload || job.charts_payload || job.retirement_payload);
}

export function FailurePanel({ job, onRedriven }: { job: Job; onRedriven: () => void }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const node = failedNode(job);

  async function retry() {
    setBusy(true);
    setError(null);
    try {
      await api.redrive(job.id);
      onRedriven();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const stepError = node ? job.steps[node.step]?.error : null;
  const technical = [node && `Step: ${node.state}`, job.error_message ?? stepError, job.error_cause].filter(Boolean);
  return (
    <div role="alert" className="rounded-xl border border-red-300 bg-red-50 p-4 text-red-950">
      <h2 className="font-semibold">
        {node ? `The analysis stopped while ${STEP_WORK[node.step]}.` : "The analysis stopped."}
      </h2>
      <p className="mt-1 text-sm">
        {hasResults(job) && "What finished is shown below and kept. "}A retry runs only what did not finish.
      </p>
      <Button className="mt-3" onClick={retry} disabled={busy}>
        {busy ? "Retrying…" : "Retry from where it stopped"}
      </Button>
      {error && (
        <div className="mt-3">
          <ErrorNotice message={error} />
        </div>
      )}
      {technical.length > 0 && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer">Technical details</summary>
          <pre className="mt-1 whitespace-pre-wrap break-words text-xs">{technical.join("\n")}</pre>
        </details>
      )}
    </div>
  );
}

/** The run in one line: "Finished in 1.5 s · 6 steps", "Stopped after 1.2 s · 4 of 6 steps done". */
function runSummary(job: Job, now: number): string {
  const elapsed = jobElapsed(job, now);
  const time = elapsed === null ? "" : ` ${duration(elapsed)}`;
  const done = NODES.filter((node) => ["succeeded", "skipped"].includes(stepStatus(job, node.step))).length;
  if (job.status === "completed") return `Finished in${time} · ${NODES.length} steps`;
  if (job.status === "failed") return `Stopped after${time} · ${done} of ${NODES.length} steps done`;
  return `Running for${time} · ${done} of ${NODES.length} steps done`;
}

/** The finished run: one line, the graph one click away. */
function FinishedRun({ job }: { job: Job }) {
  const now = useNow(!isSettled(job));
  return (
    <details className="group rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <summary className="cursor-pointer text-sm text-slate-700">
        <span className="tabular-nums">
          {runSummary(job, now)}
          <span className="hidden sm:inline"> · {dateTime(job.created_at)}</span>
        </span>
        <span className="ml-2 text-sky-800 underline group-open:hidden">Show steps</span>
        <span className="ml-2 hidden text-sky-800 underline group-open:inline">Hide steps</span>
      </summary>
      <div className="mt-4">
        <WorkflowGraph job={job} now={now} />
      </div>
    </details>
  );
}

function RunningJob({ job }: { job: Job }) {
  const now = useNow(true);
  return (
    <Card title="Progress">
      <p role="status" className="mb-4 text-sm text-slate-700 tabular-nums">
        {runSummary(job, now)}. This page updates by itself.
      </p>
      <WorkflowGraph job={job} now={now} />
    </Card>
  );
}

export function JobView({ job, onRedriven }: { job: Job; onRedriven: () => void }) {
  if (!isFinished(job)) return <RunningJob job={job} />;
  return (
    <div className="space-y-4">
      {job.status === "failed" && <FailurePanel job={job} onRedriven={onRedriven} />}
      <FinishedRun job={job} />
      {hasResults(job) && (
        <Suspense fallback={<Loading what="the results" />}>
          <JobResults job={job} />
        </Suspense>
      )}
    </div>
  );
}
