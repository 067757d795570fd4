"""The portfolio analysis as a Step Functions workflow (Standard, JSONata), read top to bottom:

"Start job" -> "Tag instruments" (a map of "Tag instrument") -> "Analyze portfolio" (in parallel:
"Write report" | "Build charts" | "Project retirement") -> "Finalize job".

Only ids and counts pass between states; every step writes its results to the job row. There is
no catch-all Catch: a task that fails after its retries fails the execution at that state, so a
redrive resumes exactly there (and in the map and the parallel, reruns only what failed).
"""

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from state_machines.steps import (
    ANALYZE_PORTFOLIO,
    BRANCHES,
    FINALIZE,
    START,
    STEPS,
    TAGGING,
    Step,
)

TAGGING_CONCURRENCY = 4
EXECUTION_TIMEOUT = Duration.minutes(30)
LAMBDA_SERVICE_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
IDS = {"job_id": "{% $job_id %}", "user_id": "{% $user_id %}"}


class AnalysisWorkflow(Construct):
    def __init__(
        self, scope: Construct, id: str, *, functions: Mapping[str, lambda_.IFunction]
    ) -> None:
        """`functions`: the function (an alias, in the stacks) of every step, by its folder in
        `functions/`."""
        super().__init__(scope, id)
        missing = {step.function for step in STEPS} - set(functions)
        if missing:
            raise ValueError(f"no function given for the steps of {sorted(missing)}")
        self._functions = functions

        start = self._task(
            START,
            payload={
                "job_id": "{% $states.input.job_id %}",
                "user_id": "{% $states.input.user_id %}",
            },
            assign={
                "job_id": "{% $states.input.job_id %}",
                "user_id": "{% $states.input.user_id %}",
            },
        )
        tag_instrument = self._task(TAGGING, payload={**IDS, "symbol": "{% $states.input %}"})
        tag_instruments = sfn.Map.jsonata(
            self,
            TAGGING.state,
            items=sfn.ProvideItems.jsonata("{% $states.input.symbols %}"),
            max_concurrency=TAGGING_CONCURRENCY,
            outputs={"tagged": "{% $count($states.result) %}"},
        ).item_processor(tag_instrument)
        analyze = sfn.Parallel.jsonata(self, ANALYZE_PORTFOLIO, outputs={"branches": len(BRANCHES)})
        for branch in BRANCHES:
            analyze.branch(self._task(branch))
        finalize = self._task(FINALIZE)

        self.log_group = logs.LogGroup(self, "Logs", retention=logs.RetentionDays.ONE_MONTH)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(
                start.next(tag_instruments).next(analyze).next(finalize)
            ),
            query_language=sfn.QueryLanguage.JSONATA,
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=EXECUTION_TIMEOUT,
            tracing_enabled=True,
            # ALL with execution data: students follow each state's input and output in the logs
            # as in the console; payloads are only ids and counts, so this stays small and private.
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
        )

    def _task(
        self,
        step: Step,
        *,
        payload: dict[str, str] | None = None,
        assign: dict[str, str] | None = None,
    ) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke.jsonata(
            self,
            step.task_state,
            lambda_function=self._functions[step.function],
            payload=sfn.TaskInput.from_object(payload or IDS),
            outputs="{% $states.result.Payload %}",
            assign=assign,
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(Duration.seconds(step.task_timeout_s)),
        )
        task.add_retry(
            errors=LAMBDA_SERVICE_ERRORS,
            interval=Duration.seconds(2),
            backoff_rate=2,
            max_attempts=6,
            jitter_strategy=sfn.JitterType.FULL,
        )
        # The model provider's rate limits: back off exponentially, with full jitter, so many
        # tagging iterations do not retry in step.
        task.add_retry(
            errors=["ModelThrottled"],
            interval=Duration.seconds(5),
            backoff_rate=2,
            max_attempts=6,
            max_delay=Duration.seconds(60),
            jitter_strategy=sfn.JitterType.FULL,
        )
        if step is START:
            # The market-data provider's rate limit (Massive's free tier allows a few calls a
            # minute): wait long enough for its window to pass.
            task.add_retry(
                errors=["PricesThrottled"],
                interval=Duration.seconds(15),
                backoff_rate=2,
                max_attempts=4,
                max_delay=Duration.seconds(120),
                jitter_strategy=sfn.JitterType.FULL,
            )
        if step.uses_model:
            # A SnapStart version not invoked for 14 days goes Inactive: invoking it fails with
            # SnapStartNotReadyException while Lambda initializes it and snapshots it again.
            task.add_retry(
                errors=["Lambda.SnapStartNotReadyException"],
                interval=Duration.seconds(10),
                backoff_rate=2,
                max_attempts=6,
                max_delay=Duration.seconds(60),
                jitter_strategy=sfn.JitterType.FULL,
            )
        # Aurora Serverless waking from 0 ACU takes up to about a minute.
        task.add_retry(
            errors=["DatabaseResuming"],
            interval=Duration.seconds(20),
            backoff_rate=1.5,
            max_attempts=4,
        )
        task.add_retry(errors=["States.Timeout"], interval=Duration.seconds(5), max_attempts=1)
        return task
