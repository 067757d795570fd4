"""The analysis: its Lambdas (least privilege each), the workflow, the job-events rule (with a
dead-letter queue) and the sweep that ends jobs whose status event was lost."""

from dataclasses import dataclass

from aws_cdk import CfnOutput, Duration, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from runtime.faults import NO_FAULTS
from stacks import nag
from stacks.config import DeploySettings
from stacks.database import DatabaseStack
from stacks.packaging import ARCHITECTURE, RUNTIME, dependency_layer, source_code
from state_machines.analysis import AnalysisWorkflow
from state_machines.steps import START, STEPS


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    memory: int
    timeout: Duration
    uses_model: bool


# The workflow's functions take their sizes from the step table; job-events is not a step.
FUNCTIONS = [
    *(
        FunctionSpec(
            step.function, step.memory_mb, Duration.seconds(step.lambda_timeout_s), step.uses_model
        )
        for step in STEPS
    ),
    FunctionSpec("job_events", 512, Duration.seconds(60), uses_model=False),
    FunctionSpec("reconcile_jobs", 512, Duration.minutes(5), uses_model=False),
]
LIVE = "live"
"""The alias of each step's function that the workflow invokes."""
# Steps stuck behind a lost status event are found by the sweep this often.
SWEEP_EVERY = Duration.minutes(15)


class AnalysisStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        database: DatabaseStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        code = source_code()
        layer = dependency_layer(self, "Dependencies")
        model = settings.model
        # Langfuse's keys: empty (tracing off) until the operator puts theirs in the secret.
        self.langfuse_keys = secretsmanager.Secret(
            self,
            "LangfuseKeys",
            description="Langfuse keys of the agents' traces: {public_key, secret_key, host};"
            " empty keys switch tracing off",
            secret_object_value={
                "public_key": SecretValue.unsafe_plain_text(""),
                "secret_key": SecretValue.unsafe_plain_text(""),
                "host": SecretValue.unsafe_plain_text("https://cloud.langfuse.com"),
            },
        )
        nag.acknowledge(
            self.langfuse_keys,
            "AwsSolutions-SMG4",
            "Langfuse issues these keys; the operator replaces them in Langfuse and here",
        )
        # Massive's API key: empty (the stored prices are used) until the operator puts theirs
        # in the secret. Only "Start job" refreshes prices, so only it may read the key.
        self.massive_key = secretsmanager.Secret(
            self,
            "MassiveApiKey",
            description="API key of Massive (formerly Polygon.io), the market-data source of the"
            " analysis' prices: {api_key}; empty: the stored prices are used",
            secret_object_value={"api_key": SecretValue.unsafe_plain_text("")},
        )
        nag.acknowledge(
            self.massive_key,
            "AwsSolutions-SMG4",
            "Massive issues this key; the operator rotates it at Massive and here",
        )
        model_environment = {
            "BEDROCK_MODEL_ID": model.bedrock_model_id,
            "BEDROCK_REGION": model.bedrock_region,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "LANGFUSE_SECRET_ARN": self.langfuse_keys.secret_arn,
        }
        bedrock = iam.PolicyStatement(
            actions=["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            resources=[
                f"arn:aws:bedrock:{model.bedrock_region}::foundation-model/{model.bedrock_model_id}"
            ],
        )
        self.faults = (
            ssm.StringParameter(
                self,
                "Faults",
                parameter_name=settings.parameter_name("faults"),
                description="Steps made to fail on purpose (ALEX_FAULTS syntax, e.g."
                f" charter=fail); {NO_FAULTS!r}: none",
                string_value=NO_FAULTS,
            )
            if settings.teaching.fault_injection
            else None
        )
        step_functions = {step.function for step in STEPS}

        self.functions: dict[str, lambda_.Function] = {}
        # What the workflow invokes: each step's published version, through an alias. The agents'
        # versions start from a SnapStart snapshot taken after their heavy init
        # (runtime/snapstart.py); SnapStart applies to published versions only.
        self.aliases: dict[str, lambda_.Alias] = {}
        for spec in FUNCTIONS:
            construct_id = spec.name.replace("_", " ").title().replace(" ", "")
            function = lambda_.Function(
                self,
                construct_id,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler=f"functions.{spec.name}.handler.handler",
                code=code,
                layers=[layer],
                memory_size=spec.memory,
                timeout=spec.timeout,
                tracing=lambda_.Tracing.ACTIVE,
                snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if spec.uses_model else None,
                environment={
                    **database.data_api_environment(spec.timeout),
                    "POWERTOOLS_SERVICE_NAME": spec.name,
                    **(model_environment if spec.uses_model else {}),
                    **(
                        {"MASSIVE_SECRET_ARN": self.massive_key.secret_arn}
                        if spec.name == START.function
                        else {}
                    ),
                    **(
                        {"ALEX_FAULTS_PARAMETER": self.faults.parameter_name}
                        if self.faults and spec.name in step_functions
                        else {}
                    ),
                },
                log_group=logs.LogGroup(
                    self, f"{spec.name}-logs", retention=logs.RetentionDays.ONE_MONTH
                ),
            )
            database.grant_data_access(function)
            if spec.uses_model:
                function.add_to_role_policy(bedrock)
                self.langfuse_keys.grant_read(function)
            if spec.name == START.function:
                self.massive_key.grant_read(function)
            if self.faults and spec.name in step_functions:
                self.faults.grant_read(function)
            nag.acknowledge_function(function)
            self.functions[spec.name] = function
            if spec.name in step_functions:
                self.aliases[spec.name] = lambda_.Alias(
                    self,
                    f"{construct_id}Live",
                    alias_name=LIVE,
                    version=function.current_version,
                )

        workflow = AnalysisWorkflow(
            self,
            "Workflow",
            functions=self.aliases,
        )
        self.state_machine = workflow.state_machine
        nag.acknowledge(
            self.state_machine,
            "AwsSolutions-IAM5[Resource::*]",
            nag.XRAY + "; CloudWatch Logs delivery actions likewise",
        )

        # Job events read the failed execution's history to name the failed state; the sweep
        # also describes a stale job's execution, then reads its history the same way.
        for name, actions in (
            ("job_events", ["states:GetExecutionHistory"]),
            ("reconcile_jobs", ["states:DescribeExecution", "states:GetExecutionHistory"]),
        ):
            self.functions[name].add_to_role_policy(
                iam.PolicyStatement(
                    actions=actions,
                    resources=[
                        f"arn:aws:states:{self.region}:{self.account}:execution:"
                        f"{self.state_machine.state_machine_name}:*"
                    ],
                )
            )
            nag.acknowledge(
                self.functions[name],
                f"AwsSolutions-IAM5[Resource::arn:aws:states:{self.region}:<AWS::AccountId>:"
                f"execution:<{self.get_logical_id(self.state_machine.node.default_child)}.Name>:*]",  # type: ignore[arg-type]
                "Each job is a new execution of this one state machine: it is read by name",
            )
        # What EventBridge could not deliver after its retries: the sweep ends those jobs,
        # and the queue keeps the events for the operator to read.
        self.undelivered = sqs.Queue(
            self,
            "UndeliveredStatusChanges",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.undelivered,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the job-events rule",
        )
        # EventBridge's retries and queue cover delivery to Lambda; once Lambda has accepted an
        # event, its own retries and failure destination cover the handler's errors.
        self.functions["job_events"].configure_async_invoke(
            retry_attempts=2,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(self.undelivered),
        )
        events.Rule(
            self,
            "ExecutionStatusChanges",
            description="Marks a job failed when its execution fails, running when redriven",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "stateMachineArn": [self.state_machine.state_machine_arn],
                    "status": ["FAILED", "TIMED_OUT", "ABORTED", "RUNNING"],
                },
            ),
            targets=[
                targets.LambdaFunction(
                    self.functions["job_events"],
                    retry_attempts=8,
                    dead_letter_queue=self.undelivered,
                )
            ],
        )
        events.Rule(
            self,
            "SweepStaleJobs",
            description="Ends jobs whose execution stopped without a status event reaching them",
            schedule=events.Schedule.rate(SWEEP_EVERY),
            targets=[targets.LambdaFunction(self.functions["reconcile_jobs"], retry_attempts=0)],
        )
        CfnOutput(self, "StateMachineArn", value=self.state_machine.state_machine_arn)
        CfnOutput(
            self,
            "StateMachineConsole",
            description="The analysis state machine in the Step Functions console",
            value=f"https://{self.region}.console.aws.amazon.com/states/home?region={self.region}"
            f"#/statemachines/view/{self.state_machine.state_machine_arn}",
        )
        CfnOutput(self, "LangfuseKeysSecret", value=self.langfuse_keys.secret_name)
        CfnOutput(self, "MassiveApiKeySecret", value=self.massive_key.secret_name)
        if self.faults:
            CfnOutput(self, "FaultsParameter", value=self.faults.parameter_name)
