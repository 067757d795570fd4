"""SnapStart for the agents: init makes the model, the database client and tracing so the
snapshot holds them; a resumed environment reseeds randomness and makes its clients anew."""

import random
from collections.abc import Iterator

import pytest
from snapshot_restore_py import get_after_restore

from runtime import snapstart, tracing
from runtime.handlers import database
from runtime.model_factory import hosted_model
from shared.settings import get_settings

MODEL = "openai/gpt-4o-mini"  # made, never called: no network


@pytest.fixture
def in_lambda(monkeypatch: pytest.MonkeyPatch, migrated_url: str) -> Iterator[None]:
    for name, value in {
        "ALEX_ENV": "aws",
        "ALEX_MODEL": MODEL,
        "DATABASE_URL": migrated_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LANGFUSE_SECRET_ARN", raising=False)
    get_settings.cache_clear()
    database.cache_clear()
    yield
    database().close()
    database.cache_clear()
    tracing.forget()


def test_init_makes_the_model_the_database_client_and_tracing(in_lambda: None) -> None:
    snapstart.prepare()

    assert database.cache_info().currsize == 1
    assert tracing._configured
    made = hosted_model(MODEL)
    assert made is hosted_model(MODEL)  # the invocations use the one the snapshot holds
    assert getattr(made, "model", None) == MODEL


def test_a_resumed_environment_has_its_own_randomness_and_new_clients(in_lambda: None) -> None:
    snapstart.prepare()
    snapshot_client = database()
    random.seed(42)
    state_in_snapshot = random.getstate()

    hooks = [hook for hook, _, _ in get_after_restore()]
    assert snapstart.fresh_after_restore in hooks
    for hook, args, kwargs in get_after_restore():
        hook(*args, **kwargs)

    assert random.getstate() != state_in_snapshot
    assert not tracing._configured
    assert database() is not snapshot_client
    snapshot_client.close()


def test_local_runs_make_nothing_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALEX_ENV", "local")
    get_settings.cache_clear()
    database.cache_clear()
    snapstart.prepare()
    assert database.cache_info().currsize == 0
