"""The portfolio analysis as a Step Functions workflow (Standard, JSONata), read top to bottom:

"Start job" -> "Tag instruments" (a map of "Tag instrument") -> "Analyze portfolio" (in parallel:
"Write report" | "Build charts" | "Project retirement") -> "Finalize job".

Only ids and counts pass between states; every step writes its results to the job row. There is
no catch-all Catch: a task that fails after its retries fails the execution at that state, so a
redrive resumes exactly there (and in the map and the parallel, reruns only what failed).
"""

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from state_machines.names import (
    ANALYZE_PORTFOLIO,
    BUILD_CHARTS,
    FINALIZE_JOB,
    PROJECT_RETIREMENT,
    START_JOB,
    TAG_INSTRUMENT,
    TAG_INSTRUMENTS,
    WRITE_REPORT,
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


@dataclass(frozen=True)
class AnalysisFunctions:
    start_job: lambda_.IFunction
    tagger: lambda_.IFunction
    reporter: lambda_.IFunction
    charter: lambda_.IFunction
    retirement: lambda_.IFunction
    finalize_job: lambda_.IFunction


class AnalysisWorkflow(Construct):
    def __init__(self, scope: Construct, id: str, *, functions: AnalysisFunctions) -> None:
        super().__init__(scope, id)

        start = self._task(
            START_JOB,
            functions.start_job,
            payload={
                "job_id": "{% $states.input.job_id %}",
                "user_id": "{% $states.input.user_id %}",
            },
            timeout=Duration.seconds(60),
            assign={
                "job_id": "{% $states.input.job_id %}",
                "user_id": "{% $states.input.user_id %}",
            },
        )
        tag_instrument = self._task(
            TAG_INSTRUMENT,
            functions.tagger,
            payload={**IDS, "symbol": "{% $states.input %}"},
            timeout=Duration.minutes(3),
        )
        tag_instruments = sfn.Map.jsonata(
            self,
            TAG_INSTRUMENTS,
            items=sfn.ProvideItems.jsonata("{% $states.input.symbols %}"),
            max_concurrency=TAGGING_CONCURRENCY,
            outputs={"tagged": "{% $count($states.result) %}"},
        ).item_processor(tag_instrument)
        analyze = (
            sfn.Parallel.jsonata(self, ANALYZE_PORTFOLIO, outputs={"branches": 3})
            .branch(self._task(WRITE_REPORT, functions.reporter, timeout=Duration.minutes(6)))
            .branch(self._task(BUILD_CHARTS, functions.charter, timeout=Duration.minutes(4)))
            .branch(
                self._task(PROJECT_RETIREMENT, functions.retirement, timeout=Duration.minutes(4))
            )
        )
        finalize = self._task(FINALIZE_JOB, functions.finalize_job, timeout=Duration.seconds(60))

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
        name: str,
        function: lambda_.IFunction,
        *,
        timeout: Duration,
        payload: dict[str, str] | None = None,
        assign: dict[str, str] | None = None,
    ) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke.jsonata(
            self,
            name,
            lambda_function=function,
            payload=sfn.TaskInput.from_object(payload or IDS),
            outputs="{% $states.result.Payload %}",
            assign=assign,
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(timeout),
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
        # Aurora Serverless waking from 0 ACU takes up to about a minute.
        task.add_retry(
            errors=["DatabaseResuming"],
            interval=Duration.seconds(20),
            backoff_rate=1.5,
            max_attempts=4,
        )
        task.add_retry(errors=["States.Timeout"], interval=Duration.seconds(5), max_attempts=1)
        return task
