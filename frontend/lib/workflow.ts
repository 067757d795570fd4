/**
 * The analysis workflow as the progress graph draws it: one node per job step, named as in the
 * state machine (`state_machines/names.py`), with its status read from the job row.
 */

import type { Job, StepName, StepState, StepStatus } from "./types";

export interface WorkflowNode {
  step: StepName;
  /** Short name in the graph ("Charts"). */
  label: string;
  /** The state's name in the Step Functions console ("Build charts"). */
  state: string;
}

export const START: WorkflowNode = { step: "start", label: "Start", state: "Start job" };
export const TAGGING: WorkflowNode = { step: "tagging", label: "Tagging", state: "Tag instruments" };
/** The three branches of "Analyze portfolio", which run in parallel. */
export const BRANCHES: WorkflowNode[] = [
  { step: "report", label: "Report", state: "Write report" },
  { step: "charts", label: "Charts", state: "Build charts" },
  { step: "retirement", label: "Retirement", state: "Project retirement" },
];
export const FINALIZE: WorkflowNode = { step: "finalize", label: "Finalize", state: "Finalize job" };
export const NODES: WorkflowNode[] = [START, TAGGING, ...BRANCHES, FINALIZE];

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

export function isFinished(job: Job): boolean {
  return job.status === "completed" || job.status === "failed";
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
