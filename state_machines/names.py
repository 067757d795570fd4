"""The analysis workflow's state names: what students read in the Step Functions console.

One source for the state machine, the local engine and the job-events handler; each state maps to
the job step it updates (STYLE.md: "Build charts" is the `charts` step).
"""

from shared.schemas import StepName

START_JOB = "Start job"
TAG_INSTRUMENTS = "Tag instruments"
TAG_INSTRUMENT = "Tag instrument"
ANALYZE_PORTFOLIO = "Analyze portfolio"
WRITE_REPORT = "Write report"
BUILD_CHARTS = "Build charts"
PROJECT_RETIREMENT = "Project retirement"
FINALIZE_JOB = "Finalize job"

STEP_OF_STATE: dict[str, StepName] = {
    START_JOB: "start",
    TAG_INSTRUMENTS: "tagging",
    TAG_INSTRUMENT: "tagging",
    WRITE_REPORT: "report",
    BUILD_CHARTS: "charts",
    PROJECT_RETIREMENT: "retirement",
    FINALIZE_JOB: "finalize",
}
