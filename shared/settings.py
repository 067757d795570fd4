"""Settings for all of Alex, read once from the environment, with defaults that work locally."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FRONTEND = PROJECT_ROOT / "frontend"
"""The SPA's sources, built by `alex dev` (local/spa.py) and by the CDK asset
(stacks/frontend.py)."""
SPA_NOT_SOURCES = frozenset(
    {"node_modules", ".next", "out", "coverage", "test-results", "next-env.d.ts"}
)
"""What the SPA's build does not read (installed packages, earlier builds): neither the local
build's stamp nor the CDK asset of the SPA changes with them."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["local", "aws"] = Field(
        "local", validation_alias="ALEX_ENV", description="Where this process runs."
    )
    data_dir: Path = Field(
        PROJECT_ROOT / ".alex",
        validation_alias="ALEX_DATA_DIR",
        description="Local state: the embedded PostgreSQL data directory and tools.",
    )

    # Database: a PostgreSQL URL (local, tests), or the Aurora Data API (AWS).
    database_url: str | None = Field(None, validation_alias="DATABASE_URL")
    db_cluster_arn: str | None = Field(None, validation_alias="DB_CLUSTER_ARN")
    db_secret_arn: str | None = Field(None, validation_alias="DB_SECRET_ARN")
    # The migration step only: the application role's secret, whose role it creates and grants.
    db_app_secret_arn: str | None = Field(None, validation_alias="DB_APP_SECRET_ARN")
    db_name: str = Field("alex", validation_alias="DB_NAME")
    aws_region: str | None = Field(
        None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    # How long the Data API driver waits for a cluster resuming from 0 ACU. The stacks set it per
    # function, below the function's timeout (runtime.data_api.resume_wait_for).
    data_api_max_wait_s: float = Field(90.0, validation_alias="DB_RESUME_MAX_WAIT", gt=0)

    # Model: Bedrock by default; ALEX_MODEL takes any LiteLLM model string, or "offline".
    bedrock_model_id: str = Field("openai.gpt-oss-120b-1:0", validation_alias="BEDROCK_MODEL_ID")
    bedrock_region: str = Field("us-west-2", validation_alias="BEDROCK_REGION")
    model: str | None = Field(None, validation_alias="ALEX_MODEL")
    model_base_url: str | None = Field(None, validation_alias="ALEX_MODEL_BASE_URL")

    # The analysis workflow: its ARN, and where Step Functions is (the local engine's endpoint
    # locally, set by `alex dev`; AWS's own endpoint when unset).
    state_machine_arn: str | None = Field(None, validation_alias="ANALYSIS_STATE_MACHINE_ARN")
    stepfunctions_endpoint_url: str | None = Field(
        None, validation_alias="AWS_ENDPOINT_URL_STEPFUNCTIONS"
    )
    # A pending or running job whose row has not changed for this long is checked against its
    # execution, in case its status event was lost: longer than any step may run without writing
    # (the longest task timeout, 360 s), shorter than the workflow's 30-minute time limit.
    stale_job_after_s: int = Field(600, validation_alias="ALEX_STALE_JOB_AFTER", ge=0)

    # Prices: the market-data provider (Massive, formerly Polygon.io) when its key is set, here or
    # (in AWS) in the secret MASSIVE_SECRET_ARN names; else the stored prices. MASSIVE_BASE_URL
    # points the client elsewhere (a stand-in in tests). A price older than this many days is
    # flagged stale wherever it is shown or used.
    massive_api_key: str | None = Field(None, validation_alias="MASSIVE_API_KEY")
    massive_secret_arn: str | None = Field(None, validation_alias="MASSIVE_SECRET_ARN")
    massive_base_url: str | None = Field(None, validation_alias="MASSIVE_BASE_URL")
    price_stale_after_days: int = Field(5, validation_alias="ALEX_PRICE_STALE_AFTER_DAYS", ge=1)

    # Sign-in: Clerk session tokens, verified against the issuer's JWKS (by default
    # `<issuer>/.well-known/jwks.json`) and accepted from these frontends (`azp`, comma-separated).
    # ALEX_DEV_ISSUER serves local/dev_issuer.py's tokens instead, and only when ALEX_ENV=local.
    clerk_issuer: str | None = Field(None, validation_alias="CLERK_ISSUER")
    clerk_jwks_url: str | None = Field(None, validation_alias="CLERK_JWKS_URL")
    clerk_authorized_parties: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias="CLERK_AUTHORIZED_PARTIES"
    )
    dev_issuer: bool = Field(False, validation_alias="ALEX_DEV_ISSUER")
    # Clerk's user webhook (Svix `whsec_...`): the secret itself, or its Secrets Manager ARN (AWS).
    clerk_webhook_secret: str | None = Field(None, validation_alias="CLERK_WEBHOOK_SECRET")
    clerk_webhook_secret_arn: str | None = Field(None, validation_alias="CLERK_WEBHOOK_SECRET_ARN")

    # Local runs only: where `alex dev` serves the workflow's Step Functions endpoint and the
    # API with the SPA (0: any free port), and functions to make fail, e.g.
    # "charter=fail,tagger=throttle:1".
    stepfunctions_port: int = Field(8083, validation_alias="ALEX_STEPFUNCTIONS_PORT", ge=0)
    api_port: int = Field(8000, validation_alias="ALEX_API_PORT", ge=0)
    faults: str = Field("", validation_alias="ALEX_FAULTS")
    # Deployed with `teaching.fault_injection`: the SSM parameter naming the steps made to fail.
    faults_parameter: str | None = Field(None, validation_alias="ALEX_FAULTS_PARAMETER")
    # Deployed: the SSM parameter holding the SPA's origin (the authorized party of its Clerk
    # tokens), and the secret holding Langfuse's keys.
    spa_origin_parameter: str | None = Field(None, validation_alias="SPA_ORIGIN_PARAMETER")
    langfuse_secret_arn: str | None = Field(None, validation_alias="LANGFUSE_SECRET_ARN")
    # Deployed: the secret CloudFront sends to the API (X-Origin-Verify); a request without it is
    # refused, so the API is reached only through CloudFront and its WAF.
    origin_secret_arn: str | None = Field(None, validation_alias="ORIGIN_VERIFY_SECRET_ARN")

    @field_validator("clerk_authorized_parties", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @property
    def uses_data_api(self) -> bool:
        return self.db_cluster_arn is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
