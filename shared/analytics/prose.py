"""How figures are written in sentences, one way per kind: whole dollars ("$33,606"), percentages
to one decimal ("74.4%"), points of drift to one decimal, and counts, ages and years as whole
numbers with thousands separators ("10,000", "78"). Tables and JSON keep exact values.

Figures are rounded as binary floats, as the SPA's formatting rounds the same JSON numbers, so a
sentence and a table beside it never differ in the last digit.
"""

from decimal import Decimal

Number = float | Decimal | str


def dollars(amount: Number) -> str:
    """Whole dollars: "$33,606" (a sign before the "$": "-$1,200")."""
    value = float(amount)
    return f"{'-' if round(value) < 0 else ''}${abs(value):,.0f}"


def percent(share: Number) -> str:
    """A percentage given in percent, to one decimal: "74.4%"."""
    return f"{float(share):,.1f}%"


def points(difference: Number) -> str:
    """A difference of percentages, unsigned, to one decimal: "4.4 points"."""
    return f"{abs(float(difference)):,.1f} points"


def whole(number: Number) -> str:
    """A count, an age or a year: "10,000", "78"."""
    return f"{float(number):,.0f}"
