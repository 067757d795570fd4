"""Timings of the analytics core, run on demand: `.venv/bin/python bench/bench_analytics.py`.

Targets (on a 2-core machine): a 10,000-path, 60-year retirement Monte Carlo under 100 ms; every
breakdown and standard chart of a 1,000-position, 10-account portfolio under 50 ms.
"""

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import get_args
from uuid import UUID, uuid5

from shared.analytics import (
    RetirementInputs,
    all_breakdowns,
    plan_rebalance,
    project_retirement,
    risk_indicators,
    standard_charts,
    value_portfolio,
)
from shared.schemas import Account, AssetClass, Instrument, Position, Region, Sector

NOW = datetime(2025, 6, 30, tzinfo=UTC)
NAMESPACE = UUID("0b5e8f3c-2a51-4c55-9f0e-6f1f4b7f2d10")


def timed(label: str, work: Callable[[], object], runs: int, target_ms: float | None) -> None:
    work()  # warm up: imports, caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    timing = f"{label:<58} median {median:7.1f} ms   p95 {p95:7.1f} ms"
    if target_ms is None:
        print(timing)
    else:
        verdict = "ok" if median < target_ms else "OVER TARGET"
        print(f"{timing}   target {target_ms:g} ms  {verdict}")


def shares(rng: random.Random, keys: tuple[str, ...], count: int) -> dict[str, float]:
    chosen = rng.sample(keys, count)
    weights = [rng.randint(1, 100) for _ in chosen]
    return {key: 100 * w / sum(weights) for key, w in zip(chosen, weights, strict=True)}


def large_portfolio() -> tuple[list[Account], list[Position], list[Instrument]]:
    """1,000 positions in 10 accounts over 400 instruments (5% untagged, 1% unpriced)."""
    rng = random.Random(42)
    instruments = []
    for n in range(400):
        classified = rng.random() > 0.05
        instruments.append(
            Instrument.model_validate(
                {
                    "symbol": f"SYM{n}",
                    "name": f"Instrument {n}",
                    "instrument_type": rng.choice(["etf", "stock", "bond_fund", "mutual_fund"]),
                    "current_price": None
                    if rng.random() < 0.01
                    else Decimal(rng.randint(100, 50_000)) / 100,
                    "allocation_asset_class": shares(rng, get_args(AssetClass), 2)
                    if classified
                    else None,
                    "allocation_regions": shares(rng, get_args(Region), 3) if classified else None,
                    "allocation_sectors": shares(rng, get_args(Sector), 5) if classified else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        )
    accounts = [
        Account(
            id=uuid5(NAMESPACE, f"account {n}"),
            clerk_user_id="bench",
            account_name=f"Account {n}",
            account_type=rng.choice(["401k", "roth_ira", "taxable", "hsa"]),
            cash_balance=Decimal(rng.randint(0, 1_000_000)) / 100,
            created_at=NOW,
            updated_at=NOW,
        )
        for n in range(10)
    ]
    positions = [
        Position(
            id=uuid5(NAMESPACE, f"{holder.id} {held.symbol}"),
            account_id=holder.id,
            symbol=held.symbol,
            quantity=Decimal(rng.randint(1, 10_000_000)) / 1000,
            as_of_date=date(2025, 6, 30),
            created_at=NOW,
            updated_at=NOW,
        )
        for holder in accounts
        for held in rng.sample(instruments, 100)
    ]
    return accounts, positions, instruments


def main() -> None:
    accounts, positions, instruments = large_portfolio()
    valuation = value_portfolio(accounts, positions, instruments)

    def breakdowns_and_charts() -> object:
        valued = value_portfolio(accounts, positions, instruments)
        return all_breakdowns(valued), standard_charts(valued)

    timed("valuation + all breakdowns + 5 charts, 1,000 positions", breakdowns_and_charts, 50, 50)
    timed(
        "  of which valuation alone",
        lambda: value_portfolio(accounts, positions, instruments),
        50,
        50,
    )
    timed("risk indicators, 1,000 positions", lambda: risk_indicators(valuation), 50, 50)

    all_six: dict[str, float] = {name: 1 for name in get_args(AssetClass)}
    for label, weights in (
        ("6 asset classes", all_six),
        ("equity / fixed income", {"equity": 60, "fixed_income": 40}),
    ):
        retirement = RetirementInputs.model_validate(
            {
                "current_value": 250_000,
                "asset_class_weights": weights,
                "years_until_retirement": 30,
                "retirement_years": 30,
                "annual_contribution": 12_000,
                "target_income": 60_000,
                "current_age": 35,
            }
        )
        timed(
            f"Monte Carlo 10,000 paths x 60 years, {label}",
            partial(project_retirement, retirement),
            30,
            100,
        )

    print("\nfor information (no target):")
    timed(
        "rebalancing plan, 1,000 positions",
        lambda: plan_rebalance(
            valuation,
            {"equity": 60, "fixed_income": 40},
            {"north_america": 60, "international": 40},
        ),
        5,
        None,
    )


if __name__ == "__main__":
    main()
