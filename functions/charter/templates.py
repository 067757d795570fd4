"""The charter's instructions, its task prompt and the offline plan's chart texts."""

from collections.abc import Iterable

from runtime.prompts import DATA_RULE, user_data
from shared.analytics.taxonomy import display_name
from shared.portfolio import Portfolio

MIN_CHARTS = 4
MAX_CHARTS = 6
MAX_TITLE = 80
MAX_DESCRIPTION = 400

INSTRUCTIONS = f"""You are a portfolio analyst choosing the charts an investor will see beside
their portfolio report.

1. Call `list_chart_options` to see which charts this portfolio has data for.
2. Call `get_chart_data` for each chart you consider, to read its exact rows.
3. Choose {MIN_CHARTS} to {MAX_CHARTS} different charts that together explain this portfolio best.
   For each, write a short title (at most {MAX_TITLE} characters) and a description of one or two
   sentences (at most {MAX_DESCRIPTION} characters) saying what the investor should notice. Pick a
   type: "pie" or "donut" for a few parts of a whole, "bar" or "horizontalBar" for many rows or
   long names.

Cite only figures that `get_chart_data` returned, exactly as it returned them. You do not supply
chart data: the application draws each chart from its own calculations.

Answer with JSON only, no other text, in this shape:
{{"charts": [{{"key": "asset_allocation", "title": "...", "description": "...", "type": "donut"}}]}}

{DATA_RULE}
"""


def charts_prompt(portfolio: Portfolio) -> str:
    valuation = portfolio.valuation
    unclassified = (
        f" Holdings without allocation data (shown as Unclassified): "
        f"{', '.join(valuation.unclassified)}."
        if valuation.unclassified
        else ""
    )
    return (
        "Choose the charts for the portfolio of the person whose name is in this block:\n"
        f"{user_data('display_name', portfolio.user.display_name)}\n"
        f"Their portfolio: ${valuation.total:,.2f} across {len(valuation.accounts)} accounts and "
        f"{len(valuation.holdings)} holdings, ${valuation.cash:,.2f} of it in cash.{unclassified}\n"
        f"Their asset-class targets: {_targets(portfolio.user.asset_class_targets.items())}. "
        f"Their region targets: {_targets(portfolio.user.region_targets.items())}.\n"
        f"Answer with the JSON object of {MIN_CHARTS} to {MAX_CHARTS} charts."
    )


def offline_description(description: str) -> str:
    """The analytics' description, cut at a word when it names many symbols. Not labelled: the
    job's one notice (`summary_payload.produced_by`) says the charts were chosen offline."""
    text = description
    if len(text) <= MAX_DESCRIPTION:
        return text
    return text[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",.;") + "…"


def _targets(targets: Iterable[tuple[str, float]]) -> str:
    return ", ".join(f"{display_name(name)} {share:g}%" for name, share in targets)
