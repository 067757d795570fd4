"""Prices from Massive, through its official client, against a stand-in on loopback that answers
in Massive's documented shapes: one call for every held symbol, throttling raised for the
workflow to retry, an unknown symbol left unpriced, any other failure keeping the stored price."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from functions.start_job.handler import start_job
from runtime.prices import MassivePrices, market_data
from shared.db import Instruments, Jobs, Positions
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import PricesThrottled
from shared.prices import refresh_prices
from shared.schemas import Job, StepInput
from shared.settings import get_settings
from tests.support.massive_standin import MassiveStandIn, massive_standin

NOW = datetime.now(UTC).replace(microsecond=0)


def _ns(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000_000


@pytest.fixture
def massive() -> Iterator[MassiveStandIn]:
    with massive_standin() as standin:
        yield standin


def test_refresh_prices_every_held_symbol_in_one_call(
    seeded: PsycopgDriver, massive: MassiveStandIn
) -> None:
    held = sorted({p.symbol for p in Positions(seeded).for_user(TEST_USER_ID)})
    massive.trades = {symbol: (123.45, _ns(NOW)) for symbol in held if symbol != "NVDA"}
    massive.closes = {"NVDA": (181.5, _ns(NOW - timedelta(hours=2)))}

    refresh = refresh_prices(seeded, MassivePrices("key-1", massive.url), held)

    assert len(massive.requests) == 1
    assert massive.requests[0]["query"]["tickers"] == [",".join(held)]
    assert massive.requests[0]["authorization"] == "Bearer key-1"
    assert refresh.refreshed == held and refresh.unknown == [] and refresh.kept == []
    spy, nvda = Instruments(seeded).get("SPY"), Instruments(seeded).get("NVDA")
    assert (spy.current_price, spy.price_source, spy.price_as_of) == (
        Decimal("123.45"),
        "massive",
        NOW,
    )
    assert (nvda.current_price, nvda.price_as_of) == (Decimal("181.5"), NOW - timedelta(hours=2))


def test_a_symbol_massive_does_not_know_keeps_no_price_and_is_named(
    seeded: PsycopgDriver, massive: MassiveStandIn
) -> None:
    Instruments(seeded).ensure("ZZZZ")
    massive.trades = {"SPY": (500.0, _ns(NOW))}
    refresh = refresh_prices(seeded, MassivePrices("key", massive.url), ["SPY", "ZZZZ"])
    assert (refresh.refreshed, refresh.unknown) == (["SPY"], ["ZZZZ"])
    assert "Not priced by massive: ZZZZ" in refresh.notice
    assert Instruments(seeded).get("ZZZZ").current_price is None


@pytest.mark.parametrize("status", [500, 401, 403, 404], ids=str)
def test_any_other_failure_keeps_the_stored_price_and_says_so(
    seeded: PsycopgDriver, massive: MassiveStandIn, status: int
) -> None:
    before = Instruments(seeded).get("SPY")
    massive.fail_with = [status]
    massive.trades = {"SPY": (1.0, _ns(NOW))}
    refresh = refresh_prices(seeded, MassivePrices("key", massive.url), ["SPY"])
    assert refresh.kept == ["SPY"] and refresh.refreshed == []
    assert "the stored prices are kept" in refresh.notice
    assert Instruments(seeded).get("SPY") == before


def test_an_unreachable_massive_keeps_the_stored_price(seeded: PsycopgDriver) -> None:
    with massive_standin() as gone:
        url = gone.url
    refresh = refresh_prices(seeded, MassivePrices("key", url), ["SPY"])
    assert refresh.kept == ["SPY"] and "Massive did not answer" in refresh.notice


def test_throttling_is_raised_for_the_workflow_to_retry(
    seeded: PsycopgDriver, massive: MassiveStandIn
) -> None:
    massive.fail_with = [429]
    with pytest.raises(PricesThrottled):
        refresh_prices(seeded, MassivePrices("key", massive.url), ["SPY"])
    assert len(massive.requests) == 1, "the client does not retry: the workflow does, with backoff"


def test_start_job_refreshes_prices_and_a_throttled_start_is_retried(
    seeded: PsycopgDriver, job: Job, massive: MassiveStandIn
) -> None:
    request = StepInput(job_id=job.id, user_id=job.clerk_user_id)
    massive.fail_with = [429]
    massive.trades = {"SPY": (510.0, _ns(NOW))}
    source = MassivePrices("key", massive.url)
    with pytest.raises(PricesThrottled):
        start_job(seeded, request, source)
    assert Jobs(seeded).get(TEST_USER_ID, job.id).steps["start"].status == "failed"

    start_job(seeded, request, source)  # the workflow's retry

    start = Jobs(seeded).get(TEST_USER_ID, job.id).steps["start"]
    assert start.status == "succeeded" and start.generated_by == "massive"
    assert start.notice is not None and start.notice.startswith("1 of ")
    assert Instruments(seeded).get("SPY").current_price == Decimal("510")


def test_without_a_key_the_stored_prices_are_used(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    get_settings.cache_clear()
    assert market_data() is None
    start_job(seeded, StepInput(job_id=job.id, user_id=job.clerk_user_id), None)
    start = Jobs(seeded).get(TEST_USER_ID, job.id).steps["start"]
    assert start.generated_by == "stored prices"
    assert start.notice is not None and "No market-data source is configured" in start.notice


def test_the_key_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, massive: MassiveStandIn
) -> None:
    monkeypatch.setenv("MASSIVE_API_KEY", "from-env")
    monkeypatch.setenv("MASSIVE_BASE_URL", massive.url)
    get_settings.cache_clear()
    source = market_data()
    assert source is not None
    source.quotes(["SPY"])
    assert massive.requests[0]["authorization"] == "Bearer from-env"
