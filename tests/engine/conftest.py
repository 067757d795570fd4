"""Every engine test keeps its executions in a store of its own on the test PostgreSQL."""

from collections.abc import Iterator

import pytest

from local.engine import Store
from local.engine.store import drop
from shared.db.psycopg_driver import PsycopgDriver
from tests.engine import fakes


@pytest.fixture(autouse=True)
def store(migrated_url: str) -> Iterator[Store]:
    database = PsycopgDriver(migrated_url)
    drop(database)
    current = Store(database)
    fakes.use_store(current)
    yield current
    database.close()
