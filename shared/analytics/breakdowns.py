"""How a portfolio's value splits by asset class, region, sector, account and holding.

Instruments are weighted through their allocation maps (a 60/40 fund puts 60% of its value in
equity). Value without allocation data is an explicit `unclassified` row; uninvested account cash
is the `cash` asset class, and its own `cash` row in region and sector breakdowns, because cash has
no sector and counting it as North American would overstate home bias. Values are rounded to the
cent and percentages to one decimal, both by largest remainder, so each breakdown's values sum to
the portfolio total and its percentages to exactly 100.0. Slices are ordered by value, largest
first, then `other_holdings`, `cash` and `unclassified`.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Literal, TypeVar

from shared.analytics.results import Dollars, Percent, Result
from shared.analytics.rounding import apportion, from_cents, percentages, to_cents
from shared.analytics.taxonomy import (
    CASH,
    OTHER_HOLDINGS,
    SPECIAL_NAMES,
    UNCLASSIFIED,
    display_name,
)
from shared.analytics.valuation import HoldingValue, Valuation

Dimension = Literal[
    "asset_class", "region", "sector", "account", "account_type", "holding", "vehicle"
]
TOP_HOLDINGS = 10
Key = TypeVar("Key", bound=str)
_SPECIAL_RANK = {key: rank for rank, key in enumerate(SPECIAL_NAMES)}


class Slice(Result):
    key: str
    name: str
    value: Dollars
    percentage: Percent


class Breakdown(Result):
    """One view of the portfolio: slices whose values sum to `total` and percentages to 100.0."""

    dimension: Dimension
    total: Dollars
    slices: tuple[Slice, ...]

    def share(self, key: str) -> Decimal:
        """The percentage in one slice (0.0 when the portfolio has none)."""
        return next((s.percentage for s in self.slices if s.key == key), Decimal("0.0"))


class PortfolioBreakdowns(Result):
    asset_class: Breakdown
    region: Breakdown
    sector: Breakdown
    account: Breakdown
    account_type: Breakdown
    top_holdings: Breakdown


def build_breakdown(
    dimension: Dimension,
    weights: Mapping[Key, float | Decimal],
    total: Decimal,
    names: Mapping[str, str] | None = None,
) -> Breakdown:
    """Apportion `total` over `weights` (any non-negative amounts) into a breakdown.

    Slices rounding to zero cents are dropped. `names` overrides display names (e.g. accounts).
    """
    keys = [key for key, weight in weights.items() if weight > 0]
    cents = apportion([weights[key] for key in keys], to_cents(total))
    kept = [(key, amount) for key, amount in zip(keys, cents, strict=True) if amount > 0]
    kept.sort(key=lambda row: (_SPECIAL_RANK.get(row[0], -1), -row[1], row[0]))
    shares = percentages([amount for _, amount in kept])
    return Breakdown(
        dimension=dimension,
        total=total,
        slices=tuple(
            Slice(
                key=key,
                name=(names or {}).get(key) or display_name(key),
                value=from_cents(amount),
                percentage=share,
            )
            for (key, amount), share in zip(kept, shares, strict=True)
        ),
    )


def by_asset_class(valuation: Valuation) -> Breakdown:
    return _by_allocation(valuation, "asset_class", lambda holding: holding.asset_classes)


def by_region(valuation: Valuation) -> Breakdown:
    return _by_allocation(valuation, "region", lambda holding: holding.regions)


def by_sector(valuation: Valuation) -> Breakdown:
    return _by_allocation(valuation, "sector", lambda holding: holding.sectors)


def by_account(valuation: Valuation) -> Breakdown:
    accounts = valuation.accounts
    return build_breakdown(
        "account",
        {str(a.account_id): a.total for a in accounts},
        valuation.total,
        names={str(a.account_id): a.account_name for a in accounts},
    )


def by_account_type(valuation: Valuation) -> Breakdown:
    return build_breakdown("account_type", valuation.account_types, valuation.total)


def top_holdings(valuation: Valuation, count: int = TOP_HOLDINGS) -> Breakdown:
    """The largest `count` symbols (summed across accounts), then other holdings, then cash."""
    by_symbol: dict[str, Decimal] = defaultdict(Decimal)
    names: dict[str, str] = {}
    for holding in valuation.holdings:
        if holding.value:
            by_symbol[holding.symbol] += holding.value
            names[holding.symbol] = holding.symbol
    ranked = sorted(by_symbol.items(), key=lambda item: (-item[1], item[0]))
    weights = dict(ranked[:count])
    weights[OTHER_HOLDINGS] = sum((value for _, value in ranked[count:]), Decimal(0))
    weights[CASH] = valuation.cash
    return build_breakdown("holding", weights, valuation.total, names=names)


def all_breakdowns(valuation: Valuation) -> PortfolioBreakdowns:
    return PortfolioBreakdowns(
        asset_class=by_asset_class(valuation),
        region=by_region(valuation),
        sector=by_sector(valuation),
        account=by_account(valuation),
        account_type=by_account_type(valuation),
        top_holdings=top_holdings(valuation),
    )


def _by_allocation(
    valuation: Valuation,
    dimension: Dimension,
    allocation: Callable[[HoldingValue], Mapping[Key, float] | None],
) -> Breakdown:
    weights: dict[str, float] = defaultdict(float)
    for holding in valuation.holdings:
        if not holding.value:
            continue
        shares = allocation(holding)
        if shares is None:
            weights[UNCLASSIFIED] += float(holding.value)
            continue
        # Maps may sum to 100 ± 0.01; scaling by their own sum keeps each holding's value whole.
        scale = float(holding.value) / sum(shares.values())
        for key, share in shares.items():
            weights[key] += share * scale
    weights[CASH] += float(valuation.cash)
    return build_breakdown(dimension, weights, valuation.total)
