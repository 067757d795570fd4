"""The runtime functions' database role on a real PostgreSQL: it reads and writes rows, and can
change no schema, no role and no migration record; created through the Data API as at deploy."""

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from runtime.data_api import DataApiDriver
from shared.db import Users
from shared.db.migrate import migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.roles import APP_ROLE, ensure_app_role
from shared.errors import InvalidInput
from shared.schemas import UserCreate, UserUpdate
from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN, StandInDataApi

PASSWORD = "Xq7vR2mK9pLw4ZtB8nHc3Jd6"


@pytest.fixture
def app_connection(fresh_database_url: str) -> Iterator[psycopg.Connection]:
    master = PsycopgDriver(fresh_database_url)
    migrate(master)
    master.close()
    # As the deploy's migration step does it: through the Data API, as the master user.
    data_api = DataApiDriver(CLUSTER_ARN, SECRET_ARN, "alex", StandInDataApi(fresh_database_url))
    ensure_app_role(data_api, PASSWORD)
    ensure_app_role(data_api, PASSWORD)  # a second deploy changes nothing
    with psycopg.connect(
        make_conninfo(fresh_database_url, user=APP_ROLE, password=PASSWORD), autocommit=True
    ) as connection:
        yield connection


def test_the_app_role_reads_and_writes_rows(
    app_connection: psycopg.Connection, fresh_database_url: str
) -> None:
    app = PsycopgDriver(make_conninfo(fresh_database_url, user=APP_ROLE, password=PASSWORD))
    users = Users(app)
    users.get_or_create(UserCreate(clerk_user_id="user_role", display_name="Role"))
    users.update("user_role", UserUpdate(display_name="Renamed"))
    assert users.get("user_role").display_name == "Renamed"
    users.delete("user_role")
    app.close()


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE intruder (id int)",
        "DROP TABLE positions",
        "ALTER TABLE users ADD COLUMN admin boolean",
        "TRUNCATE jobs",
        "CREATE ROLE accomplice LOGIN",
        f"ALTER ROLE {APP_ROLE} SUPERUSER",
        "SELECT * FROM schema_migrations",
        "DELETE FROM schema_migrations",
    ],
)
def test_the_app_role_cannot_change_the_schema_roles_or_migrations(
    app_connection: psycopg.Connection, statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_connection.execute(statement)


def test_a_table_a_later_migration_creates_is_granted_to_it(
    app_connection: psycopg.Connection, fresh_database_url: str
) -> None:
    with psycopg.connect(fresh_database_url, autocommit=True) as master:
        master.execute("CREATE TABLE later_table (id int PRIMARY KEY)")
    app_connection.execute("INSERT INTO later_table VALUES (1)")
    assert app_connection.execute("SELECT count(*) FROM later_table").fetchone() == (1,)


@pytest.mark.parametrize(
    "password", ["short", "long enough but it's quoted", "back\\slash-long-enough"]
)
def test_a_password_that_cannot_be_written_safely_is_refused(
    pg: PsycopgDriver, password: str
) -> None:
    with pytest.raises(InvalidInput, match="password"):
        ensure_app_role(pg, password, role="alex_never_created")
    assert (
        pg.fetch_one("SELECT 1 AS found FROM pg_roles WHERE rolname = 'alex_never_created'") is None
    )
