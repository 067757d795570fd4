"""What operators watch and what warns them: one CloudWatch dashboard and the alarms
(cdk-monitoring-constructs), one SNS topic they go to (e-mailed to the deploy settings' address),
the monthly budget, and the audit trail of the account's management events.

docs/operate.md says what each alarm means and what to do.
"""

from typing import Any

import cdk_monitoring_constructs as monitoring
from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from stacks import nag
from stacks.analysis import AnalysisStack
from stacks.api import ApiStack
from stacks.config import DeploySettings
from stacks.frontend import FrontendStack

ALARM_PREFIX = "Alex"
# An alarm for a Lambda whose errors exceed this share of its invocations (per cent).
LAMBDA_ERROR_RATE = 5
BUDGET_ALERTS = (80, 100)
# Metrics the functions emit through Powertools (namespace Alex, dimension `service`: the
# function's folder): the Data API driver's calls and the agents' model usage.
CUSTOM_NAMESPACE = "Alex"
PERIOD = Duration.minutes(5)
# Lambda's REPORT lines carry the init duration of a cold start; Logs Insights parses them.
INIT_DURATION_QUERY = [
    'filter @type = "REPORT" and ispresent(@initDuration)',
    "stats count() as coldStarts, avg(@initDuration) as avgInitMs,"
    " max(@initDuration) as maxInitMs by @log",
]
TRAIL_RETENTION = Duration.days(365)


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        analysis: AnalysisStack,
        api: ApiStack,
        frontend: FrontendStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.alarms = self._alarm_topic(settings)
        facade = monitoring.MonitoringFacade(
            self,
            "Monitoring",
            alarm_factory_defaults=monitoring.AlarmFactoryDefaults(
                alarm_name_prefix=ALARM_PREFIX,
                actions_enabled=True,
                action=monitoring.SnsAlarmActionStrategy(on_alarm_topic=self.alarms),
                runbook_link="docs/operate.md in the repository",
            ),
            metric_factory_defaults=monitoring.MetricFactoryDefaults(),
            dashboard_factory=monitoring.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=ALARM_PREFIX,
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        functions = [*analysis.functions.values(), api.function]

        facade.add_large_header("The analysis workflow")
        facade.monitor_step_function(
            state_machine=analysis.state_machine,
            human_readable_name="Analysis state machine",
            add_failed_execution_count_alarm={
                "Failed": monitoring.ErrorCountThreshold(max_error_count=0)
            },
            add_timed_out_execution_count_alarm={
                "TimedOut": monitoring.ErrorCountThreshold(max_error_count=0)
            },
        )
        facade.monitor_custom(
            human_readable_name="Redrives",
            alarm_friendly_name="Redrives",
            metric_groups=[
                monitoring.CustomMetricGroup(
                    title="Executions redriven",
                    metrics=[
                        analysis.state_machine.metric(
                            "ExecutionsRedriven", statistic="Sum", period=PERIOD
                        ),
                        analysis.state_machine.metric(
                            "RedrivenExecutionsSucceeded", statistic="Sum", period=PERIOD
                        ),
                    ],
                )
            ],
        )
        facade.monitor_sqs_queue(
            queue=analysis.undelivered,
            human_readable_name="Status changes EventBridge could not deliver",
            alarm_friendly_name="UndeliveredStatusChanges",
            add_queue_max_size_alarm={
                "NotEmpty": monitoring.MaxMessageCountThreshold(max_message_count=0)
            },
        )

        facade.add_large_header("Functions")
        for function in functions:
            facade.monitor_lambda_function(
                lambda_function=function,
                add_throttles_count_alarm={
                    "Throttled": monitoring.ErrorCountThreshold(max_error_count=0)
                },
            )
        facade.monitor_custom(
            human_readable_name="Lambda error rates",
            alarm_friendly_name="LambdaErrorRate",
            metric_groups=[
                monitoring.CustomMetricGroup(
                    title="Errors, % of invocations",
                    metrics=[
                        _error_rate_alarm(function, n) for n, function in enumerate(functions)
                    ],
                )
            ],
        )
        facade.add_widget(
            cloudwatch.LogQueryWidget(
                title="Cold starts: init duration (ms) by function",
                log_group_names=[function.log_group.log_group_name for function in functions],
                query_lines=INIT_DURATION_QUERY,
                width=24,
                height=6,
            )
        )
        facade.monitor_custom(
            human_readable_name="Database (RDS Data API) and models",
            alarm_friendly_name="DataApiAndModels",
            metric_groups=[
                monitoring.CustomMetricGroup(
                    title="Data API latency (ms)",
                    metrics=[
                        _search("DataApiLatency", "p50"),
                        _search("DataApiLatency", "p99"),
                    ],
                ),
                monitoring.CustomMetricGroup(
                    title="Data API errors", metrics=[_search("DataApiErrors", "Sum")]
                ),
                monitoring.CustomMetricGroup(
                    title="Model tokens by agent",
                    metrics=[
                        _search("ModelInputTokens", "Sum"),
                        _search("ModelOutputTokens", "Sum"),
                    ],
                ),
                monitoring.CustomMetricGroup(
                    title="Model cost by agent (USD, estimated)",
                    metrics=[_search("ModelCostUSD", "Sum")],
                ),
            ],
        )

        facade.add_large_header("API and CDN")
        facade.monitor_api_gateway_v2_http_api(
            api=api.http_api,
            human_readable_name="HTTP API",
            alarm_friendly_name="HttpApi",
            add5xx_count_alarm={"ServerErrors": monitoring.ErrorCountThreshold(max_error_count=0)},
        )
        # CloudFront's metrics live in us-east-1, whatever region this stack is in: shown, and
        # its 5xx reach the API's alarm above; no alarm can watch another region's metrics.
        facade.monitor_cloud_front_distribution(
            distribution=frontend.distribution, human_readable_name="CloudFront"
        )

        self.budget = self._budget(settings)
        self.trail = self._trail(settings)
        assert facade.created_dashboard() is not None
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic_arn)
        CfnOutput(
            self,
            "DashboardUrl",
            description="The operators' CloudWatch dashboard",
            value=f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region="
            f"{self.region}#dashboards:name={ALARM_PREFIX}",
        )

    def _alarm_topic(self, settings: DeploySettings) -> sns.Topic:
        topic = sns.Topic(self, "Alarms", display_name="Alex alarms", enforce_ssl=True)
        if settings.operations.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(settings.operations.alarm_email))
        # AWS Budgets publishes its alerts here too (the budget's SNS subscriber).
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="BudgetAlerts",
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )
        return topic

    def _budget(self, settings: DeploySettings) -> budgets.CfnBudget:
        """A monthly cost budget on the resources tagged Project=alex. The tag must be activated
        once as a cost-allocation tag (Billing console); docs/operate.md says how."""
        return budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(
                    amount=settings.operations.monthly_budget_usd, unit="USD"
                ),
                cost_filters={"TagKeyValue": ["user:Project$alex"]},
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type="ACTUAL",
                        comparison_operator="GREATER_THAN",
                        threshold=percent,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=[
                        budgets.CfnBudget.SubscriberProperty(
                            subscription_type="SNS", address=self.alarms.topic_arn
                        )
                    ],
                )
                for percent in BUDGET_ALERTS
            ],
        )

    def _trail(self, settings: DeploySettings) -> cloudtrail.Trail:
        """Every management event of the account, in every region, kept a year in an
        encrypted, versioned bucket (kept on teardown in production)."""
        keep = settings.deletion_protection
        bucket = s3.Bucket(
            self,
            "AuditTrail",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=TRAIL_RETENTION,
                    noncurrent_version_expiration=Duration.days(30),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN if keep else RemovalPolicy.DESTROY,
            auto_delete_objects=not keep,
        )
        nag.acknowledge(
            bucket, "AwsSolutions-S1", "The trail's bucket: logging its reads would log the log"
        )
        return cloudtrail.Trail(
            self,
            "Trail",
            bucket=bucket,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_file_validation=True,
        )


def _error_rate_alarm(function: lambda_.Function, n: int) -> monitoring.CustomMetricWithAlarm:
    """Errors as a share of invocations, alarmed above LAMBDA_ERROR_RATE (the library's own
    "fault rate" is errors per second, not a share). `n` numbers the function's metric ids,
    which must differ between the lines of one graph."""
    rate = cloudwatch.MathExpression(
        expression=f"IF(invocations{n} > 0, 100 * errors{n} / invocations{n}, 0)",
        using_metrics={
            f"errors{n}": function.metric_errors(statistic="Sum", period=PERIOD),
            f"invocations{n}": function.metric_invocations(statistic="Sum", period=PERIOD),
        },
        label=function.node.id,
        period=PERIOD,
    )
    return monitoring.CustomMetricWithAlarm(
        metric=rate,
        alarm_friendly_name=f"{function.node.id}ErrorRate",
        add_alarm={
            "Errors": monitoring.CustomThreshold(
                threshold=LAMBDA_ERROR_RATE,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                dedupe_string=f"{function.node.id}ErrorRate",
            )
        },
    )


def _search(metric: str, statistic: str) -> cloudwatch.MathExpression:
    """One line per function that emits `metric` (its `service` dimension)."""
    return cloudwatch.MathExpression(
        expression=f"SEARCH('{{{CUSTOM_NAMESPACE},service}} MetricName=\"{metric}\"',"
        f" '{statistic}', {PERIOD.to_seconds()})",
        using_metrics={},
        label=f"{metric} {statistic}",
        period=PERIOD,
    )
