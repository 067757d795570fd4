"""The reporter's sections, instructions and prompt, and the plain report the offline model writes.

`SECTIONS` is the one list of the report's `##` headings: the instructions name them, the
validator checks them and the offline writer fills them, in this order.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from runtime.prompts import DATA_RULE, user_data
from shared.analytics.prose import dollars, percent, points, whole

SECTIONS: Final = (
    "Executive summary",
    "Holdings and concentration",
    "Allocation versus your targets",
    "Diversification and risk",
    "Retirement readiness",
    "Recommendations",
    "Disclaimer",
)

DISCLAIMER = (
    "This report is general information produced by software from the data you entered and"
    " stated market assumptions. It is not personal financial, tax or legal advice, and"
    " projections are not guarantees: markets can fall as well as rise. Check trades for taxes"
    " and costs, and consider speaking to a licensed financial adviser before acting."
)

_HEADINGS = "\n".join(f"## {heading}" for heading in SECTIONS)

INSTRUCTIONS = f"""You are a careful, plain-spoken financial planner writing a portfolio report
for one person, in markdown.

Call the tools first; they compute every figure from the person's own data:
- get_profile: their name, age, years to retirement, target income, contributions and targets;
- get_portfolio_summary: total value, cash, each account, unpriced and unclassified symbols,
  each symbol's price with its source and date, and `gaps`: what the analysis could not see;
- get_breakdowns: value by asset class, region, sector, and the top holdings;
- get_drift_and_rebalancing: drift from their targets and a plan of trades;
- get_risk_indicators: concentration, single stocks versus funds, home bias;
- get_retirement_outlook: a Monte Carlo projection (you may pass a different contribution or
  years to retirement to show what a change would do).

Then write the report with exactly these second-level headings, in this order, each once,
with at least a few sentences under each (a title line above the first is fine):
{_HEADINGS}

Rules for figures:
- Every number you write (dollar amounts, percentages, ages, years, counts) must be one the
  tools returned, copied as returned or rounded (to fewer decimals, or to whole thousands such
  as $123,000). Write dollars in whole dollars with thousands separators ($12,346, never
  cents), percentages with one decimal (45.2%), and ages, years and counts as whole numbers
  with separators (10,000). Never add, subtract or otherwise compute a new figure, not even a
  calendar year or a count: if you need one that no tool gives, describe it in words instead.
- Shares have different bases: say which with every percentage. Breakdowns are of the total
  (incl. cash and unclassified value); name a drift row's base with `base_words` ("74.4% of
  classified holdings and cash"); risk shares are of all holdings.
- Say "points" for drift (e.g. 3.2 points over target), not a percentage.
- In Recommendations, name the concrete trades of the rebalancing plan (account, buy or sell,
  symbol, amount); advise entering a price for unpriced symbols (on the account page) and
  classifying unclassified ones, each only for the symbols listed so.
- Name what is not known (unpriced or unclassified holdings) rather than guessing: repeat
  every sentence of `gaps` in the Executive summary, and never conclude that no trades are
  needed while any holding is unpriced or unclassified.
- When you cite a holding's price, say its source and date; a 'user' price is one the person
  entered ("your price"), a 'seed' price an approximate sample price, not a quote.

Address the person by name, explain what the figures mean for them, and stay factual. End with
the Disclaimer section: general information, not personal advice; projections are not
guarantees. Answer with the markdown report only.

{DATA_RULE}
"""


def report_prompt(display_name: str) -> str:
    return (
        "Write the portfolio report for the person whose name is in this block:\n"
        f"{user_data('display_name', display_name)}\n"
        "Use the tools for every figure, and use exactly the required headings:"
        f" {', '.join(SECTIONS)}."
    )


# --- The offline report ------------------------------------------------------------------------
# Plain sentences filled from the tools' JSON: every figure is copied from a tool's output,
# written with `shared.analytics.prose` (whole dollars, one-decimal percentages, whole counts),
# so it passes the same figure check as a model's report and reads like the SPA's tables.

TOTAL = "of total"  # breakdowns: shares of everything, cash and unclassified value included


def price(amount: float | Decimal | str) -> str:
    """A price per share keeps its cents: it is a quote, not an amount of money held."""
    return f"${Decimal(str(amount)):,.2f}"


def offline_report(results: Mapping[str, Any]) -> str:
    """The report from the tools' outputs (JSON text by tool name). It carries no offline label:
    the job's one notice (`summary_payload.produced_by`) says how it was written."""
    data = {name: json.loads(output) if output else {} for name, output in results.items()}
    writers: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
        "Executive summary": _summary,
        "Holdings and concentration": _holdings,
        "Allocation versus your targets": _allocation,
        "Diversification and risk": _risk,
        "Retirement readiness": _retirement,
        "Recommendations": _recommendations,
        "Disclaimer": lambda _: [DISCLAIMER],
    }
    name = data.get("get_profile", {}).get("name", "you")
    parts = [f"# Portfolio report for {name}"]
    for heading in SECTIONS:
        parts += [f"## {heading}", "\n\n".join(writers[heading](data))]
    return "\n\n".join(parts) + "\n"


def _listed(title: str, rows: Sequence[Mapping[str, Any]], base: str) -> list[str]:
    """A titled list of breakdown rows (name, dollars, percent of `base`), or nothing."""
    if not rows:
        return []
    items = "\n".join(
        f"- {row['name']}: {dollars(row['value'])} ({percent(row['percentage'])} {base})"
        for row in rows
    )
    return [f"{title}\n\n{items}"]


def account_label(name: str, kind: str) -> str:
    """ "401k (401(k))" reads as a stutter: the type is added only when the name does not say it."""

    def plain(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    return name if plain(kind) in plain(name) else f"{name} ({kind})"


def _summary(data: Mapping[str, Any]) -> list[str]:
    profile, summary = data["get_profile"], data["get_portfolio_summary"]
    outlook = data["get_retirement_outlook"]
    accounts = summary["account_count"]
    return [
        f"{profile['name']}, your portfolio is worth {dollars(summary['total_value'])} across"
        f" {whole(accounts)} account{'s' if accounts != 1 else ''}:"
        f" {dollars(summary['invested'])} invested and {dollars(summary['cash'])} in cash.",
        f"With {whole(profile['years_until_retirement'])} years to retirement and"
        f" {dollars(profile['annual_contribution'])} contributed a year, the projection pays your"
        f" target income of {dollars(profile['target_retirement_income'])} a year in"
        f" {percent(outlook['success_probability_percent'])} of simulated markets.",
        *(["What this analysis could not see:", *summary["gaps"]] if summary["gaps"] else []),
    ]


_SOURCES = {
    "seed": "sample price, not a quote",
    "massive": "market data from Massive",
    "user": "your price",
}


def _prices(summary: Mapping[str, Any]) -> list[str]:
    rows = "\n".join(
        f"- {p['symbol']}: {price(p['price'])} ({_SOURCES[p['source']]}, as of {p['as_of']}"
        f"{', stale' if p['stale'] else ''})"
        for p in summary["prices"]
        if p["price"] is not None
    )
    return [f"Prices used:\n\n{rows}"] if rows else []


def _holdings(data: Mapping[str, Any]) -> list[str]:
    summary, breakdowns = data["get_portfolio_summary"], data["get_breakdowns"]
    if not summary["accounts"]:
        return ["You have no accounts yet: add your accounts and positions to see your holdings."]
    accounts = "\n".join(
        f"- {account_label(a['name'], a['type'])}: {dollars(a['total'])},"
        f" {percent(a['percentage'])} of the portfolio, of which {dollars(a['cash'])} cash"
        for a in summary["accounts"]
    )
    lines = [f"Your accounts:\n\n{accounts}"]
    lines += _listed("Your largest holdings, with cash:", breakdowns["top_holdings"], TOTAL)
    lines += _prices(summary)
    if summary["unpriced_symbols"]:
        lines.append(f"Without a price, so not valued: {', '.join(summary['unpriced_symbols'])}.")
    return lines


def _allocation(data: Mapping[str, Any]) -> list[str]:
    breakdowns, plan = data["get_breakdowns"], data["get_drift_and_rebalancing"]
    drifts = "\n".join(
        f"- {d['name']}: {percent(d['actual'])} {plan['base_words'][d['base']]} against a target of"
        f" {percent(d['target'])} ({points(d['drift'])}"
        f" {'over' if float(d['drift']) > 0 else 'under' if float(d['drift']) < 0 else 'off'}"
        f"{', outside the band' if d['outside_band'] else ', within the band'})"
        for d in plan["before"]
    )
    return [
        *_listed("By asset class:", breakdowns["asset_class"], TOTAL),
        *_listed("By region:", breakdowns["region"], TOTAL),
        "Drift leaves out holdings without allocation data, whose class and region are unknown:"
        " asset classes are shares of classified holdings and cash, regions shares of"
        " classified holdings, and International counts every region outside North America."
        " Each list is rounded to add up to 100%, so the same share may read a tenth of a point"
        " apart in two.",
        f"Drift from your targets (the band is {whole(plan['band'])} points either side):"
        f"\n\n{drifts}",
    ]


def _risk(data: Mapping[str, Any]) -> list[str]:
    risk, breakdowns = data["get_risk_indicators"], data["get_breakdowns"]
    if not risk["largest_holding"]:
        return [
            "Nothing is invested yet, so there is no concentration or diversification to"
            " measure. Once you hold investments, this section shows how spread out they are."
        ]
    lines = [
        *_listed("By sector:", breakdowns["sector"], TOTAL),
        f"Your largest holding, {risk['largest_holding']}, is"
        f" {percent(risk['largest_holding_weight'])} of all holdings; your money is as"
        f" concentrated as it would be in {risk['effective_holdings']:.1f} holdings of equal size.",
        *_listed("How the money is held:", risk["vehicles"]["slices"], "of all holdings"),
    ]
    if risk["north_america_share"] is not None:
        lines.append(
            f"North America is {percent(risk['north_america_share'])} of classified holdings"
            f" (bonds and commodities included), against"
            f" {percent(risk['global_north_america_share'])} of global equity markets"
            f" ({points(risk['home_bias'])} of home bias)."
        )
    return lines


def _retirement(data: Mapping[str, Any]) -> list[str]:
    outlook = data["get_retirement_outlook"]
    at_retirement = outlook["balance_at_retirement"]
    lines = [
        f"In {whole(outlook['paths'])} simulated markets, your target income of"
        f" {dollars(outlook['target_income'])} a year is paid in full through retirement in"
        f" {percent(outlook['success_probability_percent'])} of them. The income paid in full"
        f" in nine markets out of ten is {dollars(outlook['sustainable_income'])} a year.",
        f"At retirement the portfolio is worth {dollars(at_retirement['p50'])} in the median"
        f" market, between {dollars(at_retirement['p10'])} and {dollars(at_retirement['p90'])}"
        " in eight markets out of ten, in today's dollars.",
    ]
    if outlook["median_depletion_age"] is not None:
        lines.append(
            f"In the simulated markets where the money runs out, it does so at a median age of"
            f" {whole(outlook['median_depletion_age'])}."
        )
    lines += outlook["notes"]
    return lines


def _recommendations(data: Mapping[str, Any]) -> list[str]:
    plan, summary = data["get_drift_and_rebalancing"], data["get_portfolio_summary"]
    outlook = data["get_retirement_outlook"]
    trades = "\n".join(
        f"- {t['account_name']}: {t['action']} {dollars(t['amount'])} of {t['symbol']}"
        for t in plan["trades"]
    )
    lines = [
        f"Rebalancing trades that bring your allocation back toward its targets:\n\n{trades}"
        if trades
        else "No rebalancing trades are proposed."
    ]
    lines += plan["notes"]
    if outlook["sustainable_income"] < outlook["target_income"]:
        lines.append(
            f"Your target income of {dollars(outlook['target_income'])} is above the"
            f" {dollars(outlook['sustainable_income'])} that lasts in nine markets out of ten:"
            " contributing more, retiring later or lowering the target would narrow the gap."
        )
    if summary["unpriced_symbols"]:
        lines.append(
            f"Enter a price for {', '.join(summary['unpriced_symbols'])} on the account page (no"
            " source prices them) so they count in your totals, charts and recommendations."
        )
    if summary["unclassified_symbols"]:
        lines.append(
            f"Classify {', '.join(summary['unclassified_symbols'])} so their value counts toward"
            " your targets: an analysis run with a language model classifies them (set ALEX_MODEL"
            " before starting Alex, see the README)."
        )
    return lines
