"""Drift from the user's targets, and a plan of trades that brings it back within a band.

Drift is actual % minus target %, in percentage points, to one decimal, in two dimensions:
- asset class: the share of classified value, account cash included (cash is an asset class):
  the base called "total";
- region: the share of invested, classified value (cash has no region), where a target of
  "international" means every region outside North America: the base called "invested".
Value without allocation data is left out of both (and never traded): its drift is unknowable.

The plan is greedy and conservative. Every drift, in both dimensions, ends between where it
started and its target: never past the target, never further away, and a drift that starts at 0
stays at 0 (one trade may give back part of an earlier trade's progress, never more).
Trades stay inside one account (moving money between accounts means withdrawals and
contributions, not trades). A trade moves money from a source (the account's cash, or selling a
holding) to a sink (buying an instrument already held somewhere in the portfolio, or the
account's cash). Each step shortlists, per account, the dozen sources and sinks
whose first-order effect on drift beyond the band is best (all of them in a typical portfolio),
then considers every source and sink pair and:
1. bounds its size by what the source holds and by the amount at which some drift reaches the
   edge of its range (its target, or its starting drift), so nothing overshoots and nothing
   sells more than is held, and drops it if that bound is below the minimum trade size;
2. sizes it, within those bounds, to leave the least squared drift beyond the band, preferring
   the largest of equally good sizes: a drift goes back to its target unless that would push
   another drift out of the band, and then stops at the band's edge;
3. takes the pair that most reduces that excess, among trades funded by cash first, and selling
   holdings only when no cash-funded trade helps.
It stops when every drift is within the band, when no pair helps, or after 100 steps (the plan
then says to plan again once its trades are made). A holding bought is never sold in
the same plan, nor one sold bought. When the instruments held cannot fix a drift without pushing
another past its range, the plan says which drifts stay outside the band instead of forcing
trades.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cached_property
from typing import Literal
from uuid import UUID

import numpy as np
import numpy.typing as npt
from pydantic import Field

from shared.analytics.assumptions import FloatArray
from shared.analytics.results import Dollars, Points, Result
from shared.analytics.rounding import CENT
from shared.analytics.taxonomy import ASSET_CLASSES, CASH, REGIONS, display_name
from shared.analytics.valuation import HoldingValue, Valuation
from shared.schemas import AssetClass, Region, RegionTarget

DEFAULT_BAND = 5.0
DEFAULT_MIN_TRADE = Decimal("100")
DriftDimension = Literal["asset_class", "region"]
TradeAction = Literal["buy", "sell"]
BoolArray = npt.NDArray[np.bool_]
_SHARE_STEP = Decimal("0.00000001")  # positions hold quantities to 8 decimal places
_NOTHING = 1e-9  # dollars, and drift as a fraction: below this, a change is rounding noise
_SEARCH_STEPS = 30  # golden-section steps: the bracket shrinks to 0.618 ** 30, about 5e-7
_MARGIN = 0.0001  # plans aim 0.01 points inside the band, so trades rounded down to the cent and
# the share stay inside it too
_MAX_STEPS = 100  # a plan longer than this would help no one; greedy plans end long before
_SHORTLIST = 12  # sources and sinks weighed per account and step (a typical account: all)


DriftBase = Literal["total", "invested"]


class Drift(Result):
    dimension: DriftDimension
    key: str
    name: str
    base: DriftBase = Field(
        description="What the shares are of: 'total', classified holdings plus cash (asset"
        " classes); 'invested', classified holdings (regions). Unclassified value is in neither."
    )
    actual: Points = Field(description="Actual share of the base, %, to one decimal.")
    target: Points = Field(description="Target share, %, to one decimal.")
    drift: Points = Field(description="Actual minus target, in percentage points.")
    outside_band: bool


class Trade(Result):
    account_id: UUID
    account_name: str
    symbol: str
    action: TradeAction
    amount: Dollars
    quantity: Decimal = Field(description="Shares, rounded down to 8 decimal places.")
    price: Decimal


class RebalancePlan(Result):
    band: float = Field(description="Tolerance either side of each target, percentage points.")
    min_trade: Dollars
    before: tuple[Drift, ...]
    after: tuple[Drift, ...] = Field(description="Drift once every trade is made.")
    trades: tuple[Trade, ...] = Field(description="Per account: sells, then buys.")
    within_band_before: bool
    within_band_after: bool
    notes: tuple[str, ...]


def measure_drift(
    valuation: Valuation,
    asset_class_targets: Mapping[AssetClass, float],
    region_targets: Mapping[RegionTarget, float],
    band: float = DEFAULT_BAND,
) -> tuple[Drift, ...]:
    book = _Book.of(valuation, asset_class_targets, region_targets)
    return book.drifts(book.values, book.bases, band, book.reported(book.values, book.bases))


def plan_rebalance(
    valuation: Valuation,
    asset_class_targets: Mapping[AssetClass, float],
    region_targets: Mapping[RegionTarget, float],
    band: float = DEFAULT_BAND,
    min_trade: Decimal = DEFAULT_MIN_TRADE,
) -> RebalancePlan:
    book = _Book.of(valuation, asset_class_targets, region_targets)
    values, bases = book.values.copy(), book.bases.copy()
    legs = _Legs.of(valuation, book)
    flows: dict[tuple[UUID, str, TradeAction], float] = defaultdict(float)
    aim = band / 100 - _MARGIN
    cut_short = False
    for _ in range(_MAX_STEPS):
        if _excess(book.drift(values, bases), aim) <= 0:
            break
        step = legs.best_step(book, values, bases, aim, float(min_trade))
        if step is None:
            break
        values += step.amount * step.change
        bases += step.amount * step.base_change
        legs.move(step)
        if step.source != CASH:
            flows[(step.account_id, step.source, "sell")] += step.amount
        if step.sink != CASH:
            flows[(step.account_id, step.sink, "buy")] += step.amount
    else:
        cut_short = True

    reported = book.reported(book.values, book.bases) | book.reported(values, bases)
    before = book.drifts(book.values, book.bases, band, reported)
    after = book.drifts(values, bases, band, reported)
    return RebalancePlan(
        band=band,
        min_trade=min_trade,
        before=before,
        after=after,
        trades=tuple(_trades(valuation, legs, flows)),
        within_band_before=not any(d.outside_band for d in before),
        within_band_after=not any(d.outside_band for d in after),
        notes=tuple(_notes(valuation, book, before, after, band, min_trade, cut_short)),
    )


@dataclass
class _Book:
    """The linear model of drift: for each (dimension, key) item, a value, a base and a target."""

    keys: list[tuple[DriftDimension, str]]
    targets: FloatArray
    is_region: BoolArray
    values: FloatArray
    bases: FloatArray
    exposures: dict[str, FloatArray]  # per tradeable symbol: fraction of its value in each item
    cash_exposure: FloatArray

    @cached_property
    def lower(self) -> FloatArray:
        """The lowest drift each item may reach: its starting drift if negative, else target."""
        return np.minimum(self.drift(self.values, self.bases), 0.0)

    @cached_property
    def upper(self) -> FloatArray:
        return np.maximum(self.drift(self.values, self.bases), 0.0)

    @classmethod
    def of(
        cls,
        valuation: Valuation,
        asset_class_targets: Mapping[AssetClass, float],
        region_targets: Mapping[RegionTarget, float],
    ) -> "_Book":
        classified = [h for h in valuation.holdings if h.value and h.is_classified]
        invested = float(sum(h.value or 0 for h in classified))
        region_keys: tuple[RegionTarget, ...] = (
            ("north_america", "international") if "international" in region_targets else REGIONS
        )
        keys: list[tuple[DriftDimension, str]] = [("asset_class", c) for c in ASSET_CLASSES]
        targets = [asset_class_targets.get(c, 0.0) / 100 for c in ASSET_CLASSES]
        if invested > 0:  # with nothing invested, region shares do not exist yet
            keys += [("region", r) for r in region_keys]
            targets += [region_targets.get(r, 0.0) / 100 for r in region_keys]
        index = {key: i for i, key in enumerate(keys)}

        def exposure(holding: HoldingValue) -> FloatArray:
            vector = np.zeros(len(keys))
            asset_classes, regions = holding.asset_classes or {}, holding.regions or {}
            for name, share in asset_classes.items():
                vector[index["asset_class", name]] += share / sum(asset_classes.values())
            if invested > 0:
                for region, share in regions.items():
                    pooled = _pooled(region, region_keys)
                    vector[index["region", pooled]] += share / sum(regions.values())
            return vector

        exposures = {h.symbol: exposure(h) for h in classified}
        cash_exposure = np.zeros(len(keys))
        cash_exposure[index["asset_class", CASH]] = 1.0
        values = float(valuation.cash) * cash_exposure
        for holding in classified:
            values += float(holding.value or 0) * exposures[holding.symbol]
        is_region = np.array([dimension == "region" for dimension, _ in keys])
        bases = np.where(is_region, invested, invested + float(valuation.cash))
        return cls(keys, np.array(targets), is_region, values, bases, exposures, cash_exposure)

    def drift(self, values: FloatArray, bases: FloatArray) -> FloatArray:
        """Share minus target per item (as fractions); broadcasts over leading axes of trades."""
        safe = np.where(bases > 0, bases, 1.0)
        drift: FloatArray = np.where(bases > 0, values / safe - self.targets, 0.0)
        return drift

    def reported(self, values: FloatArray, bases: FloatArray) -> set[int]:
        """Items worth showing: those with a target or a holding."""
        shares = self.drift(values, bases) + self.targets
        return {i for i in range(len(self.keys)) if self.targets[i] > 0 or shares[i] >= 0.00005}

    def drifts(
        self, values: FloatArray, bases: FloatArray, band: float, reported: set[int]
    ) -> tuple[Drift, ...]:
        drift = self.drift(values, bases)
        return tuple(
            Drift(
                dimension=dimension,
                key=key,
                name=display_name(key),
                base="total" if dimension == "asset_class" else "invested",
                actual=_points(drift[i] + self.targets[i]),
                target=_points(self.targets[i]),
                # From the rounded shares, so a row's three figures always agree.
                drift=_points(drift[i] + self.targets[i]) - _points(self.targets[i]),
                outside_band=abs(drift[i]) * 100 > band + _NOTHING,
            )
            for i, (dimension, key) in enumerate(self.keys)
            if i in reported
        )


@dataclass(frozen=True)
class _Step:
    account_id: UUID
    source: str  # a symbol, or CASH
    sink: str
    amount: float
    change: FloatArray  # per dollar moved: change in each item's value
    base_change: FloatArray  # and in each item's base


@dataclass
class _Legs:
    """What each account can trade: cash and holdings as sources, any tradeable symbol as sinks."""

    names: list[str]  # CASH, then every tradeable symbol
    rows: dict[str, int]  # where each name is in `names`
    exposures: FloatArray  # row per name: fraction of its value in each item
    invested: FloatArray  # row per name: 1 for a holding, 0 for cash
    available: dict[UUID, dict[str, float]]  # per account, per name: dollars it can give
    bought: dict[UUID, set[str]]
    sold: dict[UUID, set[str]]

    @classmethod
    def of(cls, valuation: Valuation, book: _Book) -> "_Legs":
        names = [CASH, *sorted(book.exposures)]
        available = {a.account_id: {CASH: float(a.cash)} for a in valuation.accounts}
        for h in valuation.holdings:
            if h.symbol in book.exposures and h.value:
                available[h.account_id][h.symbol] = float(h.value)
        return cls(
            names,
            {name: row for row, name in enumerate(names)},
            np.array([book.cash_exposure, *(book.exposures[n] for n in names[1:])]),
            np.array([name != CASH for name in names], dtype=float),
            available,
            {account: set() for account in available},
            {account: set() for account in available},
        )

    def best_step(
        self, book: _Book, values: FloatArray, bases: FloatArray, band: float, min_trade: float
    ) -> _Step | None:
        """The trade that most reduces drift beyond the band; cash-funded if one helps."""
        # First-order effect on the excess of a dollar more in each name: the shortlists' order.
        drift = book.drift(values, bases)
        gradient = np.sign(drift) * np.maximum(np.abs(drift) - band, 0.0) / np.maximum(bases, 1.0)
        effect = self.exposures @ gradient
        for cash_first in (True, False):
            pairs = [
                pair
                for account in self.available
                for pair in self._shortlist(account, cash_first, min_trade, effect)
            ]
            step = self._best_pair(book, values, bases, band, min_trade, pairs) if pairs else None
            if step is not None:
                return step
        return None

    def _shortlist(
        self, account: UUID, cash_first: bool, min_trade: float, effect: FloatArray
    ) -> list[tuple[UUID, int, int, float]]:
        """Pairs (account, source row, sink row, dollars available) worth weighing in an account:
        the sources that shed the most excess per dollar and the sinks that add the least."""
        held, bought, sold = self.available[account], self.bought[account], self.sold[account]
        sources = sorted(
            (
                self.rows[name]
                for name, dollars in held.items()
                if (name == CASH) == cash_first and dollars >= min_trade and name not in bought
            ),
            key=lambda row: -effect[row],
        )[:_SHORTLIST]
        sinks: list[int] = []
        for row in np.argsort(effect, kind="stable").tolist():
            if len(sinks) == _SHORTLIST:
                break
            if self.names[row] not in sold:
                sinks.append(row)
        return [
            (account, source, sink, held[self.names[source]])
            for source in sources
            for sink in sinks
            if source != sink
        ]

    def _best_pair(
        self,
        book: _Book,
        values: FloatArray,
        bases: FloatArray,
        band: float,
        min_trade: float,
        pairs: list[tuple[UUID, int, int, float]],
    ) -> _Step | None:
        sources = np.array([source for _, source, _, _ in pairs])
        sinks = np.array([sink for _, _, sink, _ in pairs])
        available = np.array([dollars for _, _, _, dollars in pairs])
        # Moving t dollars along pair p changes item k's value by t * change[p, k] and its base
        # by t * base_change[p, k] (region bases count invested money only).
        change = self.exposures[sinks] - self.exposures[sources]
        invested = self.invested[sinks] - self.invested[sources]
        base_change = np.where(book.is_region, invested[:, None], 0.0)
        # drift(t) = (offset + t * rate) / (base + t * base_change) is monotone in t, rising when
        # `slope` > 0. It may travel to the edge of its range (between its starting drift and 0),
        # reached where the linear numerator of drift(t) - edge crosses zero.
        offset = values - book.targets * bases
        rate = change - book.targets * base_change
        slope = rate * bases - offset * base_change
        edge = np.where(slope > 0, book.upper, book.lower)
        gap = edge * bases - offset
        closing = rate - edge * base_change
        moving = np.abs(slope) > _NOTHING * max(float(bases.max()), 1.0)
        reaches = moving & (closing * np.sign(slope) > 0)
        limit = np.where(reaches, np.maximum(gap / np.where(reaches, closing, 1.0), 0.0), np.inf)
        most = np.minimum(limit.min(axis=1), available)
        feasible = most >= min_trade
        if not feasible.any():
            return None

        def excess_after(amount: FloatArray) -> FloatArray:
            moved = amount[:, None]
            return _excess(book.drift(values + moved * change, bases + moved * base_change), band)

        amount = _minimise(excess_after, np.full_like(most, min_trade), np.maximum(most, min_trade))
        gain = np.where(
            feasible, _excess(book.drift(values, bases), band) - excess_after(amount), -np.inf
        )
        best = int(np.argmax(gain))
        if gain[best] <= _NOTHING**2:
            return None
        account, source, sink, _ = pairs[best]
        return _Step(
            account,
            self.names[source],
            self.names[sink],
            float(amount[best]),
            change[best],
            base_change[best],
        )

    def move(self, step: _Step) -> None:
        self.available[step.account_id][step.source] -= step.amount
        self.sold[step.account_id].add(step.source)
        self.bought[step.account_id].add(step.sink)


def _minimise(
    objective: Callable[[FloatArray], FloatArray], low: FloatArray, high: FloatArray
) -> FloatArray:
    """Per element, the amount in [low, high] where `objective` is least (golden-section search).

    Squared excess is convex in the amount for swaps (drift is linear in it) and nearly so for
    cash trades; both ends are candidates too, since the search never lands exactly on them.
    """
    ratio = (np.sqrt(5) - 1) / 2
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    at_c, at_d = objective(c), objective(d)
    for _ in range(_SEARCH_STEPS):
        keep_left = at_c <= at_d  # the least is in [a, d]; otherwise in [c, b]
        a, b = np.where(keep_left, a, c), np.where(keep_left, d, b)
        probe = np.where(keep_left, b - ratio * (b - a), a + ratio * (b - a))
        at_probe = objective(probe)
        c, d, at_c, at_d = (
            np.where(keep_left, probe, d),
            np.where(keep_left, c, probe),
            np.where(keep_left, at_probe, at_d),
            np.where(keep_left, at_c, at_probe),
        )
    # Ties go to the first candidate: the largest trade, which brings drifts closest to target.
    candidates = np.stack([high, d, c, low])
    scores = np.stack([objective(high), at_d, at_c, objective(low)])
    best: FloatArray = np.take_along_axis(candidates, scores.argmin(axis=0)[None], axis=0)[0]
    return best


def _excess(drift: FloatArray, band: float) -> FloatArray:
    """Sum of squared drift beyond the band, over the last axis."""
    excess: FloatArray = np.sum(np.maximum(np.abs(drift) - band, 0.0) ** 2, axis=-1)
    return excess


def _pooled(region: Region, region_keys: tuple[RegionTarget, ...]) -> RegionTarget:
    if region != "north_america" and "international" in region_keys:
        return "international"
    return region


def _points(fraction: float) -> Decimal:
    """Percent to one decimal, as every share is shown. Adding zero turns "-0.0" into "0.0"."""
    return Decimal(f"{100 * fraction:.1f}") + 0


def _trades(
    valuation: Valuation, legs: _Legs, flows: Mapping[tuple[UUID, str, TradeAction], float]
) -> list[Trade]:
    names = {a.account_id: a.account_name for a in valuation.accounts}
    order = {a.account_id: i for i, a in enumerate(valuation.accounts)}
    holdings = {(h.account_id, h.symbol): h for h in valuation.holdings}
    prices = {h.symbol: h.price for h in valuation.holdings if h.price}
    trades = []
    for (account_id, symbol, action), amount in sorted(
        flows.items(), key=lambda flow: (order[flow[0][0]], flow[0][2] == "buy", flow[0][1])
    ):
        price = prices[symbol]
        dollars = Decimal(f"{amount:.6f}").quantize(CENT, rounding=ROUND_DOWN)
        quantity = (dollars / price).quantize(_SHARE_STEP, rounding=ROUND_DOWN)
        if action == "sell":
            held = holdings[(account_id, symbol)]
            if legs.available[account_id][symbol] < float(CENT) / 2 and held.value is not None:
                dollars, quantity = held.value, held.quantity  # sold in full
            quantity = min(quantity, held.quantity)
        trades.append(
            Trade(
                account_id=account_id,
                account_name=names[account_id],
                symbol=symbol,
                action=action,
                amount=dollars,
                quantity=quantity,
                price=price,
            )
        )
    return trades


def _notes(
    valuation: Valuation,
    book: _Book,
    before: tuple[Drift, ...],
    after: tuple[Drift, ...],
    band: float,
    min_trade: Decimal,
    cut_short: bool,
) -> list[str]:
    notes = []
    if cut_short:
        notes.append(
            f"The plan stops after {_MAX_STEPS} steps; once these trades are made, plan again."
        )
    unclassified = sorted({h.symbol for h in valuation.holdings if h.value and not h.is_classified})
    if unclassified:
        notes.append(
            f"{', '.join(unclassified)}: no allocation data, so left out of drift and not traded."
        )
    if valuation.unpriced:
        notes.append(f"{', '.join(valuation.unpriced)}: no price, so not valued and not traded.")
    if not any(dimension == "region" for dimension, _ in book.keys):
        notes.append("Region drift is not measured: nothing classified is invested yet.")
    if not any(drift.outside_band for drift in before):
        if unclassified or valuation.unpriced:
            # What cannot be measured may be exactly what is off target: no all-clear from it.
            notes.append(
                f"Every drift measured is within {band:g} points of its target, but the holdings"
                " above are not measured, so this is no finding that no trades are needed."
            )
        else:
            notes.append(f"Every drift is within {band:g} points of its target: no trades needed.")
    for drift in after:
        if drift.outside_band and not cut_short:
            side = "over" if drift.drift > 0 else "under"
            notes.append(
                f"{drift.name} stays {abs(drift.drift)} points {side} target: no trade of at "
                f"least ${min_trade} within one account moves it closer without moving another "
                "drift further from its target than it started."
            )
    return notes
