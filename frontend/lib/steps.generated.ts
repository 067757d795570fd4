// Generated from state_machines/steps.py by `./alex steps --write`: do not edit.
// A test holds this file equal to the table.

export const STEPS = [
  {
    "step": "start",
    "label": "Prepare",
    "state": "Start job",
    "function": "start_job"
  },
  {
    "step": "tagging",
    "label": "Classify holdings",
    "state": "Tag instruments",
    "function": "tagger"
  },
  {
    "step": "report",
    "label": "Report",
    "state": "Write report",
    "function": "reporter"
  },
  {
    "step": "charts",
    "label": "Charts",
    "state": "Build charts",
    "function": "charter"
  },
  {
    "step": "retirement",
    "label": "Retirement",
    "state": "Project retirement",
    "function": "retirement"
  },
  {
    "step": "finalize",
    "label": "Save results",
    "state": "Finalize job",
    "function": "finalize_job"
  }
] as const;

export type StepName = (typeof STEPS)[number]["step"];
