"""`alex prices refresh` and `alex prices show`: every held symbol refreshed from Massive in one
call (a stand-in on loopback here), a failure keeping the stored prices and exiting non-zero."""

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from local.cli import main
from shared.db import Instruments
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import get_settings
from tests.functions.conftest import seeded
from tests.support.massive_standin import massive_standin

__all__ = ["seeded"]


@pytest.fixture
def cli_env(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    get_settings.cache_clear()


def test_refresh_prices_every_held_symbol_and_show_lists_them(
    seeded: PsycopgDriver, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Instruments(seeded).held()
    now = int(datetime.now(UTC).timestamp()) * 1_000_000_000
    with massive_standin() as massive:
        massive.trades = {symbol: (42.0, now) for symbol in held}
        monkeypatch.setenv("MASSIVE_API_KEY", "cli-key")
        monkeypatch.setenv("MASSIVE_BASE_URL", massive.url)
        get_settings.cache_clear()
        result = CliRunner().invoke(main, ["prices", "refresh"])
    assert result.exit_code == 0, result.output
    assert f"{len(held)} of {len(held)} prices refreshed from massive." in result.output
    assert len(massive.requests) == 1
    shown = CliRunner().invoke(main, ["prices", "show"]).output
    assert "SPY      $         42.00  massive  as of" in shown


def test_without_a_key_the_stored_prices_stand_and_it_says_what_to_configure(
    seeded: PsycopgDriver, cli_env: None
) -> None:
    before = Instruments(seeded).get("SPY")
    result = CliRunner().invoke(main, ["prices", "refresh"])
    assert result.exit_code == 0
    assert "No prices were refreshed: no market-data source is configured." in result.output
    assert "Set MASSIVE_API_KEY to your Massive API key" in result.output
    assert Instruments(seeded).get("SPY") == before


def test_a_bad_symbol_is_refused_naming_it_before_any_call(
    seeded: PsycopgDriver, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with massive_standin() as massive:
        monkeypatch.setenv("MASSIVE_API_KEY", "cli-key")
        monkeypatch.setenv("MASSIVE_BASE_URL", massive.url)
        get_settings.cache_clear()
        result = CliRunner().invoke(main, ["prices", "refresh", "SPY", "bad$"])
    assert result.exit_code == 2, result.output
    assert "'bad$' is not a ticker symbol" in result.output
    assert massive.requests == []


def test_a_failing_source_keeps_the_prices_and_exits_non_zero(
    seeded: PsycopgDriver, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = Instruments(seeded).get("SPY")
    with massive_standin() as massive:
        massive.fail_with = [503]
        monkeypatch.setenv("MASSIVE_API_KEY", "cli-key")
        monkeypatch.setenv("MASSIVE_BASE_URL", massive.url)
        get_settings.cache_clear()
        result = CliRunner().invoke(main, ["prices", "refresh", "spy"])
    assert result.exit_code == 1
    assert "the stored prices are kept" in result.output
    assert Instruments(seeded).get("SPY") == before
