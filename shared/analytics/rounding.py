"""Rounding that keeps totals exact: cents and one-decimal percentages, by largest remainder."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
TENTHS_IN_WHOLE = 1000  # 100.0 % in tenths of a percent


def apportion(weights: Sequence[int | float | Decimal], units: int) -> list[int]:
    """Split `units` whole units in proportion to `weights`, summing to exactly `units`.

    Hamilton's largest-remainder method: every share gets the floor of its exact quota, and the
    units left over go to the largest remainders (ties to the larger weight, then the earlier
    position), so a result never moves more than one unit from its exact quota. Fractions keep
    the quotas exact, so float weights cannot tip a floor the wrong way.
    """
    if units < 0:
        raise ValueError(f"cannot apportion a negative number of units ({units})")
    exact = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in exact):
        raise ValueError("weights must not be negative")
    total = sum(exact, Fraction(0))
    if total == 0:
        if units == 0:
            return [0] * len(exact)
        raise ValueError(f"cannot apportion {units} units over weights that are all zero")
    quotas = [weight * units / total for weight in exact]
    floors = [quota.numerator // quota.denominator for quota in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (floors[i] - quotas[i], -exact[i], i))
    for i in by_remainder[: units - sum(floors)]:
        floors[i] += 1
    return floors


def to_cents(amount: Decimal) -> int:
    return int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def percentages(amounts_in_cents: Sequence[int]) -> list[Decimal]:
    """Shares of the total to one decimal place, summing to exactly 100.0 (all 0.0 for no money)."""
    if not any(amounts_in_cents):
        return [Decimal("0.0")] * len(amounts_in_cents)
    return [Decimal(tenths).scaleb(-1) for tenths in apportion(amounts_in_cents, TENTHS_IN_WHOLE)]
