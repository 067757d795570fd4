"""What an analysis could not see: unpriced, unclassified, stale and user-priced holdings, said
once, in the same sentences, by the summary, the report and the charts."""

from decimal import Decimal

from shared.analytics.prose import dollars, percent
from shared.analytics.valuation import Valuation


def _share(part: Decimal, whole: Decimal) -> str:
    return percent(100 * part / whole) if whole else "all"


def coverage_gaps(valuation: Valuation) -> list[str]:
    """One sentence per gap, with how much (dollars or a count, and a share) and why; empty
    when every holding is priced from a source, classified and current."""
    gaps = []
    holdings = len(valuation.holdings)
    unpriced = valuation.unpriced_holdings
    if unpriced:
        gaps.append(
            f"{unpriced} of {holdings} holdings ({_share(Decimal(unpriced), Decimal(holdings))}"
            f" by count) have no price ({', '.join(valuation.unpriced)}): no source prices them"
            " and no price was entered, so they are in no total, chart or recommendation and the"
            " figures understate the portfolio. Enter a price for them on the account page."
        )
    if valuation.unclassified_value:
        priced_unclassified = sorted(
            {h.symbol for h in valuation.holdings if h.value and not h.is_classified}
        )
        gaps.append(
            f"{dollars(valuation.unclassified_value)}"
            f" ({_share(valuation.unclassified_value, valuation.total)} of the portfolio's value)"
            f" is in holdings not yet classified ({', '.join(priced_unclassified)}): it is shown"
            " as Unclassified, and drift against the targets is measured without it."
        )
    if valuation.stale:
        priced = {h.symbol for h in valuation.holdings if h.price is not None}
        stale = ", ".join(valuation.stale)
        which = (
            "Every price is"
            if priced <= set(valuation.stale)
            else f"The price of {stale} is"
            if len(valuation.stale) == 1
            else f"The prices of {stale} are"
        )
        gaps.append(
            f"{which} older than {valuation.stale_after_days} days: figures may be out of date."
        )
    if valuation.user_priced:
        gaps.append(
            f"Valued at prices you entered (no source prices them):"
            f" {', '.join(valuation.user_priced)}."
        )
    return gaps
