"""`connect` picks the driver the settings describe, and says what is missing."""

import pytest

from runtime.data_api import DataApiDriver
from runtime.database import connect
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import DatabaseError
from shared.settings import Settings
from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN


def test_a_cluster_arn_selects_the_data_api() -> None:
    settings = Settings(
        DB_CLUSTER_ARN=CLUSTER_ARN, DB_SECRET_ARN=SECRET_ARN, AWS_REGION="eu-west-1"
    )
    assert isinstance(connect(settings), DataApiDriver)


def test_the_data_api_waits_as_long_as_db_resume_max_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_RESUME_MAX_WAIT", "19")
    settings = Settings(
        DB_CLUSTER_ARN=CLUSTER_ARN, DB_SECRET_ARN=SECRET_ARN, AWS_REGION="eu-west-1"
    )
    database = connect(settings)
    assert isinstance(database, DataApiDriver)
    assert database._max_wait == 19


def test_a_database_url_selects_psycopg(migrated_url: str) -> None:
    db = connect(Settings(DATABASE_URL=migrated_url))
    assert isinstance(db, PsycopgDriver)
    assert db.fetch_one("SELECT 1 AS one") == {"one": 1}
    db.close()


def test_missing_configuration_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DB_CLUSTER_ARN", raising=False)
    with pytest.raises(DatabaseError, match="set DATABASE_URL, or DB_CLUSTER_ARN"):
        connect(Settings())
    with pytest.raises(DatabaseError, match="DB_SECRET_ARN is not"):
        connect(Settings(DB_CLUSTER_ARN=CLUSTER_ARN))
