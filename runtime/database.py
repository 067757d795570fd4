"""The configured database: the RDS Data API in AWS, PostgreSQL through psycopg elsewhere."""

from collections.abc import Callable

from runtime.aws import aws_client
from runtime.data_api import DataApiDriver
from shared.db import Database
from shared.errors import DatabaseError
from shared.settings import Settings, get_settings


def connect(
    settings: Settings | None = None,
    *,
    on_data_api_call: Callable[[float, bool], None] = lambda seconds, failed: None,
) -> Database:
    """The Data API when a cluster is set, else a PostgreSQL URL. `on_data_api_call(seconds,
    failed)` hears of each Data API call (the Lambdas' metrics)."""
    settings = settings or get_settings()
    if settings.db_cluster_arn:
        if not settings.db_secret_arn:
            raise DatabaseError("DB_CLUSTER_ARN is set but DB_SECRET_ARN is not")
        return DataApiDriver(
            settings.db_cluster_arn,
            settings.db_secret_arn,
            settings.db_name,
            aws_client("rds-data", settings),
            max_wait=settings.data_api_max_wait_s,
            on_call=on_data_api_call,
        )
    if settings.database_url:
        # Imported here: no Lambda layer holds psycopg (Lambdas use the Data API).
        from shared.db.psycopg_driver import PsycopgDriver

        return PsycopgDriver(settings.database_url)
    raise DatabaseError(
        "no database configured: set DATABASE_URL, or DB_CLUSTER_ARN and DB_SECRET_ARN"
        " (`alex dev` starts a local PostgreSQL and sets it for you)"
    )
