"""The deploy-time custom resource: migrate and seed on create and update, never drop on delete."""

import pytest

from functions.db_migrate.handler import handler
from shared.db import Instruments
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import SEED_INSTRUMENTS


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_leave_a_migrated_seeded_database(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, request_type: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    for _ in range(2):
        result = handler({"RequestType": request_type}, None)
    assert result == {"PhysicalResourceId": "alex-database-schema"}
    db = PsycopgDriver(fresh_database_url)
    assert len(Instruments(db).all()) == len(SEED_INSTRUMENTS)
    db.close()


def test_delete_leaves_the_data_alone(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    handler({"RequestType": "Create"}, None)
    assert handler({"RequestType": "Delete"}, None)["PhysicalResourceId"]
    db = PsycopgDriver(fresh_database_url)
    assert len(Instruments(db).all()) == len(SEED_INSTRUMENTS)
    db.close()
