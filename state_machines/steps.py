"""The analysis workflow's steps, in one table: the single source of every name and limit.

For each step: the state students read in the Step Functions console, the step's key in the job
row, the function folder in `functions/` (also how ALEX_FAULTS names it), the payload it writes,
the SPA's label, the task timeout and the Lambda's memory. The state machine, the stacks, the
handlers, job-events, the CLI, fault injection and the SPA (through a generated file) read them
from here. Plain data, no CDK: Lambdas import it too.
"""

from dataclasses import dataclass

from shared.schemas import PayloadKind, StepName


@dataclass(frozen=True)
class Step:
    key: StepName
    """The step in the job row (`jobs.steps`), the API and the SPA."""
    state: str
    """The state in the Step Functions console."""
    function: str
    """The Lambda's folder in `functions/`."""
    label: str
    """The SPA's name for it in the progress graph."""
    task_timeout_s: int
    memory_mb: int
    uses_model: bool
    payload: PayloadKind | None = None
    """The job column the step writes its result to (`<payload>_payload`)."""
    task: str | None = None
    """The Task state that invokes the function, when it is not `state` itself (a Map's)."""

    @property
    def task_state(self) -> str:
        return self.task or self.state

    @property
    def payload_kind(self) -> PayloadKind:
        """The payload of a step that stores a result."""
        if self.payload is None:
            raise ValueError(f"the step {self.key!r} stores no payload")
        return self.payload

    @property
    def lambda_timeout_s(self) -> int:
        """As long as the task may run: a shorter Lambda would be cut off while the workflow still
        waits for it; a longer one would keep running after the workflow gave up on it."""
        return self.task_timeout_s


# fmt: off
STEPS: tuple[Step, ...] = (
    #    key           console state          function        SPA label            task s  MB    model  payload        Map's task
    Step("start",      "Start job",           "start_job",    "Prepare",           60,     512,  False),
    Step("tagging",    "Tag instruments",     "tagger",       "Classify holdings", 180,    1024, True,  None,          "Tag instrument"),
    Step("report",     "Write report",        "reporter",     "Report",            360,    1024, True,  "report"),
    Step("charts",     "Build charts",        "charter",      "Charts",            240,    1024, True,  "charts"),
    Step("retirement", "Project retirement",  "retirement",   "Retirement",        240,    1536, True,  "retirement"),
    Step("finalize",   "Finalize job",        "finalize_job", "Save results",      60,     1024, False, "summary"),
)
# fmt: on
START, TAGGING, REPORT, CHARTS, RETIREMENT, FINALIZE = STEPS
BRANCHES = (REPORT, CHARTS, RETIREMENT)
"""The steps of "Analyze portfolio", which run in parallel."""
ANALYZE_PORTFOLIO = "Analyze portfolio"
"""The Parallel state of the three branches: a state with no step of its own."""

STEP_OF_KEY: dict[str, Step] = {step.key: step for step in STEPS}
STEP_OF_STATE: dict[str, Step] = {
    **{step.task_state: step for step in STEPS},
    **{step.state: step for step in STEPS},
}
STEP_OF_FUNCTION: dict[str, Step] = {step.function: step for step in STEPS}
