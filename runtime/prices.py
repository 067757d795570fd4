"""Massive (formerly Polygon.io) as Alex's market-data source, through its official client.

One snapshot call prices up to `BATCH` symbols: the last trade's price and time, or the day's
close when no trade is reported. The client's own retries are off, so throttling reaches the
workflow as `PricesThrottled` and is retried there, with backoff.
"""

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from massive import RESTClient
from massive.exceptions import BadResponse
from urllib3.exceptions import HTTPError, MaxRetryError, ResponseError

from runtime.aws import aws_client
from shared.db.instruments import Quote
from shared.errors import PriceSourceUnavailable, PricesThrottled
from shared.prices import MarketData
from shared.schemas import PriceSource
from shared.settings import Settings, get_settings

BATCH = 250
"""Tickers per snapshot call (the snapshot endpoints' documented maximum)."""


class MassivePrices:
    name: PriceSource = "massive"

    def __init__(self, api_key: str, base_url: str | None = None) -> None:
        options: dict[str, Any] = {"base": base_url} if base_url else {}
        self.client = RESTClient(
            api_key=api_key, retries=0, connect_timeout=5.0, read_timeout=15.0, **options
        )

    def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        found: list[Quote] = []
        for start in range(0, len(symbols), BATCH):
            batch = list(symbols[start : start + BATCH])
            try:
                snapshots = self.client.get_snapshot_all("stocks", tickers=batch)
            except MaxRetryError as error:
                if isinstance(error.reason, ResponseError) and "429" in str(error.reason):
                    raise PricesThrottled("Massive's rate limit was reached") from error
                raise PriceSourceUnavailable(f"Massive did not answer: {error.reason}") from error
            except BadResponse as error:
                raise PriceSourceUnavailable(f"Massive refused the request: {error}") from error
            except (HTTPError, OSError, ValueError) as error:
                raise PriceSourceUnavailable(f"Massive could not be read: {error}") from error
            found.extend(_quotes(snapshots))
        return found


def _quotes(snapshots: Any) -> Iterator[Quote]:
    for snapshot in snapshots if isinstance(snapshots, list) else []:
        trade, day = snapshot.last_trade, snapshot.day
        if trade is not None and trade.price and trade.sip_timestamp:
            price, nanos = trade.price, trade.sip_timestamp
        elif day is not None and day.close and snapshot.updated:
            price, nanos = day.close, snapshot.updated
        else:
            continue
        try:
            value = Decimal(str(price)).quantize(Decimal("0.000001"))
        except InvalidOperation:
            continue
        if snapshot.ticker and value > 0:
            yield Quote(snapshot.ticker, value, datetime.fromtimestamp(nanos / 1e9, UTC))


def market_data(settings: Settings | None = None) -> MarketData | None:
    """The configured source: Massive when its key is set (locally in MASSIVE_API_KEY; in AWS as
    `api_key` in the secret MASSIVE_SECRET_ARN names, empty as deployed), else None (the stored
    prices)."""
    settings = settings or get_settings()
    key = settings.massive_api_key
    if key is None and settings.massive_secret_arn:
        secret = aws_client("secretsmanager", settings).get_secret_value(
            SecretId=settings.massive_secret_arn
        )
        key = str(json.loads(secret["SecretString"]).get("api_key", "")).strip() or None
    return MassivePrices(key, settings.massive_base_url) if key else None
