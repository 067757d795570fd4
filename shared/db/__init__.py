"""The database layer: one interface, two drivers, migrations and a repository per table."""

from shared.db.accounts import Accounts
from shared.db.base import Database
from shared.db.instruments import Instruments
from shared.db.jobs import Jobs
from shared.db.positions import Positions
from shared.db.users import Users
from shared.errors import DatabaseError
from shared.settings import Settings, get_settings

__all__ = ["Accounts", "Database", "Instruments", "Jobs", "Positions", "Users", "connect"]


def connect(settings: Settings | None = None) -> Database:
    """The configured database: the Data API when a cluster is set, else a PostgreSQL URL."""
    settings = settings or get_settings()
    if settings.db_cluster_arn:
        import boto3

        from shared.db.data_api import DataApiDriver

        if not settings.db_secret_arn:
            raise DatabaseError("DB_CLUSTER_ARN is set but DB_SECRET_ARN is not")
        client = boto3.client("rds-data", region_name=settings.aws_region)
        return DataApiDriver(
            settings.db_cluster_arn, settings.db_secret_arn, settings.db_name, client
        )
    if settings.database_url:
        from shared.db.psycopg_driver import PsycopgDriver

        return PsycopgDriver(settings.database_url)
    raise DatabaseError(
        "no database configured: set DATABASE_URL, or DB_CLUSTER_ARN and DB_SECRET_ARN"
        " (`alex dev` starts a local PostgreSQL and sets it for you)"
    )
