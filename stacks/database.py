"""Aurora Serverless v2 PostgreSQL with the Data API: pauses at 0 ACU, no VPC for Lambdas."""

import hashlib

from aws_cdk import CfnOutput, CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import custom_resources as cr
from constructs import Construct

from runtime.data_api import resume_wait_for
from shared.db.migrate import MIGRATIONS_DIR
from shared.db.roles import APP_ROLE
from stacks import nag
from stacks.config import DeploySettings
from stacks.packaging import ARCHITECTURE, RUNTIME, dependency_layer, source_code

DATABASE_NAME = "alex"
DATA_API_ACTIONS = (
    "BatchExecuteStatement",
    "BeginTransaction",
    "CommitTransaction",
    "ExecuteStatement",
    "RollbackTransaction",
)
# Characters a generated password never holds: CDK's defaults for a database secret, and the
# ones a SQL string literal cannot take as they are (shared/db/roles.py writes it into one).
PASSWORD_EXCLUDES = " %+~`#$&*()|[]{}:;<>?!'/@\"\\"  # noqa: S105 (characters, not a password)
MIGRATE_TIMEOUT = Duration.minutes(5)


class DatabaseStack(Stack):
    def __init__(
        self, scope: Construct, id: str, *, settings: DeploySettings, **kwargs: object
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]

        # The cluster needs a VPC, though nothing connects into it: Lambdas use the Data API.
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="database", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED
                )
            ],
        )
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.VER_16_9
            ),
            writer=rds.ClusterInstance.serverless_v2("writer"),
            serverless_v2_min_capacity=0,
            serverless_v2_max_capacity=2,
            serverless_v2_auto_pause_duration=Duration.minutes(10),
            enable_data_api=True,
            default_database_name=DATABASE_NAME,
            credentials=rds.Credentials.from_generated_secret("alex_admin"),
            storage_encrypted=True,
            deletion_protection=settings.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT
            if settings.deletion_protection
            else RemovalPolicy.DESTROY,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            backup=rds.BackupProps(retention=Duration.days(7)),
        )
        nag.acknowledge(
            vpc,
            "AwsSolutions-VPC7",
            "No traffic flows in this VPC: it only holds "
            "Aurora in isolated subnets, reached through the Data API",
        )
        nag.acknowledge(
            self.cluster,
            "AwsSolutions-RDS6",
            "Nothing connects to the cluster "
            "directly: the Data API authenticates with IAM and the secret",
        )
        if not settings.deletion_protection:
            nag.acknowledge(
                self.cluster,
                "AwsSolutions-RDS10",
                "Off by default so a student can "
                "delete their stack; `deletion_protection = true` in deploy.toml for production",
            )
        assert self.cluster.secret is not None
        self.master_secret = self.cluster.secret
        # What every runtime function signs in as: rows only (shared/db/roles.py). Only the
        # migration step below uses the master secret, to create this role and grant it.
        self.app_secret = rds.DatabaseSecret(
            self, "AppSecret", username=APP_ROLE, exclude_characters=PASSWORD_EXCLUDES
        )
        self.app_secret.attach(self.cluster)
        # The master secret is the cluster's child.
        for secret in (self.app_secret, self.cluster):
            nag.acknowledge(
                secret,
                "AwsSolutions-SMG4",
                "Rotation needs a rotation Lambda that reaches the cluster inside its VPC and a"
                " Secrets Manager endpoint there; docs/deploy.md lists it as hardening for"
                " production",
            )

        migrator = lambda_.Function(
            self,
            "Migrate",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="functions.db_migrate.handler.handler",
            code=source_code(),
            layers=[dependency_layer(self, "Dependencies")],
            timeout=MIGRATE_TIMEOUT,
            memory_size=512,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                **self.data_api_environment(MIGRATE_TIMEOUT),
                "DB_SECRET_ARN": self.master_secret.secret_arn,
                "DB_APP_SECRET_ARN": self.app_secret.secret_arn,
                "POWERTOOLS_SERVICE_NAME": "db_migrate",
            },
            log_group=logs.LogGroup(self, "MigrateLogs", retention=logs.RetentionDays.ONE_MONTH),
        )
        self.cluster.grant_data_api_access(migrator)  # with the master secret
        self.app_secret.grant_read(migrator)
        nag.acknowledge_function(migrator)
        provider = cr.Provider(self, "MigrateProvider", on_event_handler=migrator)
        nag.acknowledge(
            provider,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AWSLambdaBasicExecutionRole]",
            nag.LAMBDA_LOGS,
        )
        nag.acknowledge(
            provider,
            f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(migrator.node.default_child)}"
            ".Arn>:*]",
            "The provider framework invokes any version of the migration function",
        )
        # A new migration changes this property, so the next deploy applies it.
        checksum = hashlib.sha256(
            b"".join(path.read_bytes() for path in sorted(MIGRATIONS_DIR.glob("*.sql")))
        ).hexdigest()
        schema = CustomResource(
            self,
            "Schema",
            service_token=provider.service_token,
            properties={"MigrationsChecksum": checksum},
        )
        schema.node.add_dependency(self.cluster)
        CfnOutput(self, "ClusterArn", value=self.cluster.cluster_arn)
        CfnOutput(
            self,
            "SecretArn",
            description="The application role's secret (rows only): DB_SECRET_ARN for the CLI",
            value=self.app_secret.secret_arn,
        )
        CfnOutput(self, "MasterSecretArn", value=self.master_secret.secret_arn)

    def data_api_environment(self, timeout: Duration) -> dict[str, str]:
        """What a function with this `timeout` needs to use the database: a cluster paused at
        0 ACU is waited for only as long as the function can still finish its work."""
        return {
            "ALEX_ENV": "aws",
            "DB_CLUSTER_ARN": self.cluster.cluster_arn,
            "DB_SECRET_ARN": self.app_secret.secret_arn,
            "DB_NAME": DATABASE_NAME,
            "DB_RESUME_MAX_WAIT": f"{resume_wait_for(timeout.to_seconds()):g}",
        }

    def grant_data_access(self, function: lambda_.IFunction) -> None:
        """The Data API on this cluster as the application role: its secret, never the master's
        (which the cluster's own `grant_data_api_access` would hand out)."""
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=[f"rds-data:{action}" for action in DATA_API_ACTIONS],
                resources=[self.cluster.cluster_arn],
            )
        )
        self.app_secret.grant_read(function)
