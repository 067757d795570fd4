/** One analysis: its progress graph, where it failed (with a retry), and, once done, its results. */

import { lazy, Suspense, useState } from "react";

import { errorMessage } from "@/lib/api";
import { dateTime } from "@/lib/format";
import type { Job } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { failedNode } from "@/lib/workflow";

import { Button, Card, ErrorNotice, Loading, StatusBadge } from "./ui";
import { WorkflowGraph } from "./WorkflowGraph";

// Charts and markdown are most of the page's JavaScript: fetched only once there are results.
const JobResults = lazy(() => import("./JobResults"));

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
  return (
    <div role="alert" className="rounded-xl border border-red-300 bg-red-50 p-4 text-red-900">
      <h3 className="font-semibold">
        The analysis failed{node ? ` at ${node.label} (${node.state})` : ""}.
      </h3>
      <p className="mt-1 text-sm">{job.error_message ?? stepError ?? "No error was recorded."}</p>
      {job.error_cause && (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer">Cause</summary>
          <pre className="mt-1 whitespace-pre-wrap break-words text-xs">{job.error_cause}</pre>
        </details>
      )}
      <p className="mt-2 text-sm">Steps that succeeded are kept; a retry runs only what failed.</p>
      <Button tone="danger" className="mt-3" onClick={retry} disabled={busy}>
        {busy ? "Retrying…" : "Retry from failed step"}
      </Button>
      {error && (
        <div className="mt-3">
          <ErrorNotice message={error} />
        </div>
      )}
    </div>
  );
}

export function JobView({ job, onRedriven }: { job: Job; onRedriven: () => void }) {
  return (
    <div className="space-y-6">
      <Card
        title="Progress"
        actions={
          <span className="flex items-center gap-2 text-sm text-slate-600">
            Started {dateTime(job.created_at)} <StatusBadge status={job.status} />
          </span>
        }
      >
        <WorkflowGraph job={job} />
        {job.steps.start?.notice && (
          <p className="mt-3 text-center text-xs text-slate-600" data-testid="prices-notice">
            Prices: {job.steps.start.notice}
          </p>
        )}
        {job.status === "failed" && (
          <div className="mt-4">
            <FailurePanel job={job} onRedriven={onRedriven} />
          </div>
        )}
        {(job.status === "pending" || job.status === "running") && (
          <p role="status" className="mt-4 text-center text-sm text-slate-600">
            Working… this page updates by itself.
          </p>
        )}
      </Card>
      {job.status === "completed" && (
        <Suspense fallback={<Loading what="the results" />}>
          <JobResults job={job} />
        </Suspense>
      )}
    </div>
  );
}
