"""The one figure check: a text may cite only numbers its tools returned, in their unit, rounded
no further than the text says."""

import json
from decimal import Decimal
from typing import Any

import pytest

from runtime.figures import cited_figures, unreturned


def refused(text: str, *outputs: dict[str, Any]) -> list[str]:
    """The figures of `text` the check refuses, given these tool outputs."""
    return unreturned(text, [json.dumps(output) for output in outputs])


INCOME = {"sustainable_income": 1_234_567.89}
SUCCESS = {"success_probability_percent": 87.34}


def test_a_number_no_tool_returned_is_refused_in_every_form() -> None:
    text = "You hold $512.40, 33.3% of it in bonds, 7 accounts and retire in 2051."
    assert refused(text, INCOME, SUCCESS) == ["$512.40", "33.3%", "7", "2051"]


def test_numbers_the_tools_returned_pass_whatever_their_form() -> None:
    plan = {"years_until_retirement": 25, "retirement_age": 65, "notes": ["Paths: 10,000."]}
    text = "$1,234,567.89 a year (87.34%) from age 65, in 25 years, over 10,000 markets."
    assert refused(text, INCOME, SUCCESS, plan) == []


def test_refused_figures_are_named_once_each_in_the_order_written() -> None:
    assert refused("99.9%, then $5, then 99.9% again and 3.", INCOME) == ["99.9%", "$5", "3"]


@pytest.mark.parametrize(
    ("cited", "lowest", "highest"),
    [
        ("$1,234,567.89", "1234567.885", "1234567.895"),
        ("$1234567.89", "1234567.885", "1234567.895"),
        ("$1,234,568", "1234567.5", "1234568.5"),
        ("$1.2 million", "1150000", "1250000"),
        ("$1.23M", "1225000", "1235000"),
        ("$0.1 million", "50000", "150000"),
        ("$123.5K", "123450", "123550"),
        ("$123k", "122500", "123500"),
        ("$123,000", "122500", "123500"),
        ("$120,000", "119500", "120500"),
        ("$1,000", "950", "1050"),
        ("$1 million", "950000", "1050000"),
        ("$5bn", "4950000000", "5050000000"),
        ("$1,500", "1499.5", "1500.5"),
        ("$100", "99.5", "100.5"),
        ("87%", "86.5", "87.5"),
        ("87.3 percent", "87.25", "87.35"),
        ("90 per cent", "89.5", "90.5"),
        ("10,000", "9999.5", "10000.5"),
        ("3.0", "2.95", "3.05"),
    ],
)
def test_a_figure_is_a_returned_one_rounded_to_the_last_digit_written(
    cited: str, lowest: str, highest: str
) -> None:
    (figure,) = cited_figures(f"It is {cited}.")
    half = figure.step / 2
    assert (figure.value - half, figure.value + half) == (Decimal(lowest), Decimal(highest))


@pytest.mark.parametrize(
    "cited", ["$1,234,567", "$1.3 million", "$1 million", "$1,230,000", "$1,234k", "$1.24M"]
)
def test_dollars_rounded_too_far_or_wrongly_are_refused(cited: str) -> None:
    # 1,234,567.89 rounds to $1,235k and $1.23M, not to these.
    assert refused(f"It is {cited}.", INCOME) == [cited]


def test_dollars_are_never_rounded_below_two_significant_figures() -> None:
    # Suffix and thousands alone would let "$1 million" stand for 1,234,567.89 and "$2,000"
    # for 1,600: two significant figures refuse both.
    assert refused("$1 million and $2,000.", INCOME, {"amount": 1_600}) == [
        "$1 million",
        "$2,000",
    ]


def test_written_out_dollars_round_to_whole_thousands_only() -> None:
    assert refused("$123,000 and $123,500.", {"total_value": 123_456.78}) == ["$123,500"]


@pytest.mark.parametrize("cited", ["87.34%", "87.3%", "87%", "87 percent", "-87.3%"])
def test_percentages_rounded_from_a_returned_percentage_pass(cited: str) -> None:
    assert refused(f"It succeeds in {cited} of markets.", SUCCESS) == []


@pytest.mark.parametrize("cited", ["88%", "87.4%", "86%", "87.35%"])
def test_percentages_rounded_wrongly_are_refused(cited: str) -> None:
    assert refused(f"It succeeds in {cited} of markets.", SUCCESS) == [cited]


def test_both_ends_of_a_percentage_range_are_checked() -> None:
    weights = {"equity_percent": 45.24}
    assert refused("45 to 45.24%, 45-46%, 40\u201345%.", weights) == ["45-46%", "40\u201345%"]


def test_a_percentage_is_not_cited_as_dollars() -> None:
    notes = {"notes": ["12.5% of the portfolio is projected as equity."]}
    assert refused("$87 and $12.5, or 87% and 12.5%.", SUCCESS, notes) == ["$87", "$12.5"]


def test_years_ages_and_counts_are_not_cited_as_dollars_or_percentages() -> None:
    plan = {"years_until_retirement": 42, "current_age": 40, "holdings_count": 9}
    assert refused("42 years at 40 with 9 holdings.", plan) == []
    assert refused("42% and $40, 9%.", plan) == ["42%", "$40", "9%"]


def test_dollars_in_a_tools_text_are_only_dollars_and_bare_numbers_only_plain() -> None:
    note = {"notes": ["Trades of at least $100, within 5 points."]}
    assert refused("$100, 5 points.", note) == []
    assert refused("100%, $5.", note) == ["100%", "$5"]


def test_a_figure_without_a_stated_unit_may_be_dollars_or_a_percentage_of_at_most_100() -> None:
    breakdown = {"equity": 45.24, "value": 123_456.78}
    assert refused("$45.24, 45.2%, $123,457.", breakdown) == []
    assert refused("123,456.78%", breakdown) == ["123,456.78%"]


def test_a_fraction_without_a_stated_unit_may_be_cited_as_a_percentage() -> None:
    assert refused("87.3% of markets.", {"success_probability": 0.873}) == []
    # A percentage of 0.5 is half a percent, never 50%.
    assert refused("50% inflation.", {"inflation_percent": 0.5}) == ["50%"]


def test_a_plain_number_may_cite_any_returned_figure() -> None:
    change = {"success_probability_change_percentage_points": 2.97}
    assert refused("Success rises by +3.0 percentage points.", change) == []


def test_identifiers_are_not_figures_a_tool_returned() -> None:
    account = {"account_id": "5e1b2c3d-0000-4000-8000-000000000042", "id": 7}
    assert refused("$42, 5%, 7 accounts.", account) == ["$42", "5%", "7"]


def test_digits_inside_words_and_list_markers_are_not_figures() -> None:
    text = "1. The p10 and 90th percentile of your 401k.\n2) Then Q3."
    assert cited_figures(text) == []
