"""The analysis: its Lambdas (least privilege each), the workflow, and the job-events rule."""

from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks import nag
from stacks.config import DeployConfig
from stacks.database import DatabaseStack
from stacks.packaging import ARCHITECTURE, RUNTIME, dependency_layer, source_code
from state_machines.analysis import AnalysisWorkflow
from state_machines.steps import STEPS


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
]


class AnalysisStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: DeployConfig,
        database: DatabaseStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        code = source_code()
        layer = dependency_layer(self, "Dependencies")
        model_environment = {
            "BEDROCK_MODEL_ID": config.bedrock_model_id,
            "BEDROCK_REGION": config.bedrock_region,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }
        bedrock = iam.PolicyStatement(
            actions=["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            resources=[
                f"arn:aws:bedrock:{config.bedrock_region}::foundation-model/{config.bedrock_model_id}"
            ],
        )

        self.functions: dict[str, lambda_.Function] = {}
        for spec in FUNCTIONS:
            function = lambda_.Function(
                self,
                spec.name.replace("_", " ").title().replace(" ", ""),
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler=f"functions.{spec.name}.handler.handler",
                code=code,
                layers=[layer],
                memory_size=spec.memory,
                timeout=spec.timeout,
                tracing=lambda_.Tracing.ACTIVE,
                environment={
                    **database.data_api_environment(),
                    "POWERTOOLS_SERVICE_NAME": spec.name,
                    **(model_environment if spec.uses_model else {}),
                },
                log_group=logs.LogGroup(
                    self, f"{spec.name}-logs", retention=logs.RetentionDays.ONE_MONTH
                ),
            )
            database.cluster.grant_data_api_access(function)
            if spec.uses_model:
                function.add_to_role_policy(bedrock)
            nag.acknowledge_function(function)
            self.functions[spec.name] = function

        workflow = AnalysisWorkflow(
            self,
            "Workflow",
            functions={step.function: self.functions[step.function] for step in STEPS},
        )
        self.state_machine = workflow.state_machine
        nag.acknowledge(
            self.state_machine,
            "AwsSolutions-IAM5[Resource::*]",
            nag.XRAY + "; CloudWatch Logs delivery actions likewise",
        )
        for step in STEPS:
            logical_id = self.get_logical_id(self.functions[step.function].node.default_child)  # type: ignore[arg-type]
            nag.acknowledge(
                self.state_machine,
                f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>:*]",
                "The workflow invokes its functions' versions and aliases",
            )

        # The job-events handler reads the failed execution's history to name the failed state.
        self.functions["job_events"].add_to_role_policy(
            iam.PolicyStatement(
                actions=["states:GetExecutionHistory"],
                resources=[
                    f"arn:aws:states:{self.region}:{self.account}:execution:"
                    f"{self.state_machine.state_machine_name}:*"
                ],
            )
        )
        nag.acknowledge(
            self.functions["job_events"],
            "AwsSolutions-IAM5[Resource::arn:aws:states:<AWS::Region>:<AWS::AccountId>:execution:"
            f"<{self.get_logical_id(self.state_machine.node.default_child)}.Name>:*]",  # type: ignore[arg-type]
            "Each job is a new execution of this one state machine: its history is read by name",
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
            targets=[targets.LambdaFunction(self.functions["job_events"], retry_attempts=8)],
        )
