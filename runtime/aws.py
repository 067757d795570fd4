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
    """The Step Functions client: AWS's endpoint, or the one AWS_ENDPOINT_URL_STEPFUNCTIONS names
    (the local engine's, which checks no signature: locally boto3 signs with stand-in keys, in
    us-east-1 unless a region is set). With ALEX_ENV=aws nothing is assumed: no region from
    anywhere is boto3's NoRegionError, not a request to a region nobody chose."""
    settings = settings or get_settings()
    options: dict[str, Any] = {"endpoint_url": settings.stepfunctions_endpoint_url}
    if settings.stepfunctions_endpoint_url is not None and settings.environment == "local":
        options.update(
            region_name=settings.aws_region or "us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the local endpoint checks no signature
        )
    return aws_client("stepfunctions", settings, **options)
