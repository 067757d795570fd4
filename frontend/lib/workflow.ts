/**
 * The analysis workflow as the progress graph draws it: one node per job step, with the names
 * of the step table (`state_machines/steps.py`, generated into `steps.generated.ts`), and its
 * status read from the job row.
 */

import { STEPS } from "./steps.generated";
import type { Job, StepName, StepState, StepStatus } from "./types";

export interface WorkflowNode {
  step: StepName;
  /** Short name in the graph ("Charts"). */
  label: string;
  /** The state's name in the Step Functions console ("Build charts"). */
  state: string;
}

export const NODES: WorkflowNode[] = STEPS.map(({ step, label, state }) => ({ step, label, state }));
const node = (step: StepName): WorkflowNode => NODES.find((n) => n.step === step) as WorkflowNode;
export const START = node("start");
export const TAGGING = node("tagging");
/** The three branches of "Analyze portfolio", which run in parallel. */
export const BRANCHES: WorkflowNode[] = [node("report"), node("charts"), node("retirement")];
export const FINALIZE = node("finalize");

export function nodeOf(step: StepName): WorkflowNode {
  return NODES.find((node) => node.step === step) ?? START;
}

/** A step's status; the job's own `failed_step` wins, as the job-events handler may set only that. */
export function stepStatus(job: Job, step: StepName): StepStatus {
  if (job.status === "failed" && job.failed_step === step) return "failed";
  return job.steps[step]?.status ?? "pending";
}

export function stepState(job: Job, step: StepName): StepState | undefined {
  return job.steps[step];
}

/** What each step does, in words that can follow "while": "The analysis stopped while drawing the charts." */
export const STEP_WORK: Record<StepName, string> = {
  start: "preparing your portfolio's figures",
  tagging: "classifying your holdings",
  report: "writing the report",
  charts: "drawing the charts",
  retirement: "projecting your retirement",
  finalize: "saving the results",
};

/** Why a finished job has no result from `step`, in plain words; null when the step succeeded. */
export function whyMissing(job: Job, step: StepName): string | null {
  const status = stepStatus(job, step);
  if (status === "succeeded" || status === "skipped") return null;
  if (status === "failed") return `Not available: the analysis failed while ${STEP_WORK[step]}.`;
  if (status === "running") return `Still ${STEP_WORK[step]}: it was under way when the analysis stopped.`;
  const failed = failedNode(job);
  if (status === "aborted" && failed) return `Not available: stopped when ${failed.label} failed. A retry runs it again.`;
  return "Not available: the analysis stopped before this step. A retry runs it.";
}

/** A failed analysis in one line, where analyses are listed: where it stopped, and what to do. */
export function failedAt(job: Pick<Job, "failed_step">): string {
  const where = job.failed_step ? ` while ${STEP_WORK[job.failed_step]}` : "";
  return `The analysis failed${where}. Open it to retry from where it stopped.`;
}

/** A step's status in words, as the graph and its summary say it. */
export const STATUS_WORDS: Record<StepStatus, string> = {
  pending: "Waiting",
  running: "Running",
  succeeded: "Done",
  failed: "Failed",
  aborted: "Stopped",
  skipped: "Skipped",
};

function since(start: string | null | undefined, end: string | null | undefined, now: number): number | null {
  if (!start) return null;
  return (end ? Date.parse(end) : now) - Date.parse(start);
}

/** How long a step ran, in ms: to `now` while it runs; null before it starts. */
export function stepElapsed(state: StepState | undefined, now: number): number | null {
  if (!state?.started_at) return null;
  return since(state.started_at, state.status === "running" ? null : (state.completed_at ?? null), now);
}

/** How long the whole analysis ran, in ms: from its start to its end, or to `now` while it runs. */
export function jobElapsed(job: Job, now: number): number | null {
  const start = job.started_at ?? job.created_at;
  const end = isFinished(job) ? (job.completed_at ?? job.updated_at) : null;
  return since(start, end, now);
}

export function isFinished(job: Job): boolean {
  return job.status === "completed" || job.status === "failed";
}

/** Finished, and nothing left to land: a branch under way when a sibling failed runs to its end
 * and stores its result after the job is marked failed. */
export function isSettled(job: Job): boolean {
  return isFinished(job) && !NODES.some((node) => job.steps[node.step]?.status === "running");
}

/** The failed step: the job's own word, else the first step marked failed. */
export function failedNode(job: Job): WorkflowNode | null {
  if (job.failed_step) return nodeOf(job.failed_step);
  const failed = NODES.find((node) => job.steps[node.step]?.status === "failed");
  return failed ?? null;
}

/** Polling backoff: quick while the job moves, slower while it does not, capped. */
export const FIRST_POLL_MS = 1000;
export const MAX_POLL_MS = 10_000;

export function nextPollDelay(previous: number, changed: boolean): number {
  return changed ? FIRST_POLL_MS : Math.min(Math.round(previous * 1.5), MAX_POLL_MS);
}
