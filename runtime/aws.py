"""AWS clients, made in one place so that every client takes its region the same way: the
settings' AWS_REGION when set, else boto3's own chain (AWS_DEFAULT_REGION, the profile)."""

from typing import Any

from shared.settings import Settings, get_settings


def aws_client(service: str, settings: Settings | None = None, **options: Any) -> Any:
    """boto3's client for `service`, in the configured region."""
    import boto3  # here, not at import: the API's cold start pays for boto3 only when it calls AWS

    settings = settings or get_settings()
    options.setdefault("region_name", settings.aws_region)
    return boto3.client(service, **options)


def stepfunctions_client(settings: Settings | None = None) -> Any:
    """The Step Functions client: AWS's endpoint, or the local engine's when one is set."""
    settings = settings or get_settings()
    if settings.stepfunctions_endpoint_url is None or settings.environment != "local":
        return aws_client("stepfunctions", settings)
    # The local endpoint checks no signature, but boto3 signs every request, with a region.
    return aws_client(
        "stepfunctions",
        settings,
        endpoint_url=settings.stepfunctions_endpoint_url,
        region_name=settings.aws_region or "us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
