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
