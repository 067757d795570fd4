/**
 * The analysis workflow drawn as its state graph: Prepare → Classify holdings → the three parallel
 * branches → Save results, each node coloured by its step's status in the job row, with its time.
 */

import { countOf, duration } from "@/lib/format";
import type { Job, StepStatus } from "@/lib/types";
import {
  BRANCHES,
  FINALIZE,
  START,
  STATUS_WORDS,
  TAGGING,
  stepElapsed,
  stepState,
  stepStatus,
  type WorkflowNode,
} from "@/lib/workflow";

const NODE_STYLE: Record<StepStatus, string> = {
  pending: "border-slate-300 bg-white text-slate-600",
  running: "border-sky-500 bg-sky-50 text-sky-900 ring-2 ring-sky-200 motion-safe:animate-pulse",
  succeeded: "border-emerald-500 bg-emerald-50 text-emerald-900",
  failed: "border-red-500 bg-red-50 text-red-900",
  // Stopped because another branch failed; a retry runs it again.
  aborted: "border-amber-500 border-dashed bg-amber-50 text-amber-900",
  // Ran, but could not do its work (tagging without a language model); its notice says why.
  skipped: "border-slate-500 border-dotted bg-slate-100 text-slate-800",
};

const STATUS_MARK: Record<StepStatus, string> = {
  pending: "○",
  running: "◐",
  succeeded: "✓",
  failed: "✕",
  aborted: "⊘",
  skipped: "↷",
};

function Node({ job, node, now }: { job: Job; node: WorkflowNode; now: number }) {
  const status = stepStatus(job, node.step);
  const state = stepState(job, node.step);
  const counted = node.step === "tagging" && state?.total != null;
  // Skipped: how many were left unclassified, so "2 of 2" never reads as done.
  const progress = !counted
    ? null
    : status === "skipped"
      ? `${countOf(state?.skipped?.length ?? 0, state?.total ?? 0, "holding")} not classified`
      : countOf(state?.done ?? 0, state?.total ?? 0, "holding");
  // Every call of the step is an attempt, retried throttles included: more than one says so.
  const attempts = state?.attempts ?? 0;
  const retried = attempts > 1 ? `${attempts} attempts` : null;
  const elapsed = stepElapsed(state, now);
  const time = elapsed === null ? null : duration(elapsed);
  const line = [STATUS_WORDS[status], time, progress, retried].filter(Boolean).join(" · ");
  return (
    <li
      data-step={node.step}
      data-status={status}
      aria-label={`${node.label}: ${line}`}
      title={`${node.state} in the Step Functions console`}
      className={`rounded-lg border-2 px-3 py-2 text-center text-sm ${NODE_STYLE[status]}`}
    >
      <div className="font-semibold">
        <span aria-hidden className="mr-1">
          {STATUS_MARK[status]}
        </span>
        {node.label}
      </div>
      <div className="text-xs font-medium tabular-nums">{line}</div>
      {status === "skipped" && state?.notice && <div className="mt-1 text-xs">{state.notice}</div>}
    </li>
  );
}

function Arrow() {
  return (
    <div aria-hidden className="flex justify-center text-slate-400">
      ↓
    </div>
  );
}

/** `now`: the clock the running steps' times are counted to (ms since the epoch). */
export function WorkflowGraph({ job, now }: { job: Job; now: number }) {
  return (
    <div aria-label="Analysis progress" role="group" className="mx-auto max-w-2xl">
      <ol className="mx-auto grid max-w-xs gap-0">
        <Node job={job} node={START} now={now} />
      </ol>
      <Arrow />
      <ol className="mx-auto grid max-w-xs">
        <Node job={job} node={TAGGING} now={now} />
      </ol>
      <Arrow />
      <div className="rounded-xl border border-dashed border-slate-300 p-2">
        <p className="mb-2 text-center text-xs text-slate-500">Analyze portfolio (in parallel)</p>
        <ol className="grid grid-cols-1 gap-2 min-[420px]:grid-cols-3">
          {BRANCHES.map((node) => (
            <Node key={node.step} job={job} node={node} now={now} />
          ))}
        </ol>
      </div>
      <Arrow />
      <ol className="mx-auto grid max-w-xs">
        <Node job={job} node={FINALIZE} now={now} />
      </ol>
    </div>
  );
}
