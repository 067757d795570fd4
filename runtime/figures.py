"""The one figure check for agents that write numbers: a text may cite only figures its tools
returned this run, in the unit they returned them, rounded no further than the text says.

The rule this module exists for: it must refuse any number a tool did not return. A model that
needs a figure no tool gives describes it in words; the fix for a refused figure is a tool that
returns it, never a looser check. Every agent whose text carries numbers uses this module.

What is checked, in a text:
- every number: dollar amounts ("$12,345.67", "$1.2 million", "$120k"), percentages ("45.2%",
  "45.2 percent", both ends of "60-70%") and plain numbers (ages, years, counts, "3.2 points").
  Not numbers: digits inside a word ("p10", "401k", "10th") and markdown list markers ("1. ").
  Signs are ignored: "-3.2%" and "3.2% below" cite the same figure.

What a tool returned: every number in its JSON output, and every number written in its text
(notes, labels), except identifiers (keys `id` and `*_id`). Each has a unit when the tool states
one, by its key or a parent's (`*percent`, `*percentage`, `*percentage_points`: a percentage;
a key with the word year, years, age, count, paths or seed: a plain number) or by how its text
writes it ("$100", "20.0%", or bare: a plain number).

How a cited figure matches a returned one:
- dollars match a returned figure with no stated unit or stated as dollars;
- a percentage matches one stated as a percentage, or one with no stated unit of at most 100,
  or such a fraction of at most 1 times 100 (0.025 is 2.5%);
- a plain number matches a returned figure of any unit ("3.0 percentage points").
- The figure is the returned one rounded to the last digit written: decimals written always
  count ("$0.1 million" accepts 50,000 to 150,000). Without decimals, a dollar amount may be
  rounded to its suffix ("$123k", "$1 million") or, written out, to whole thousands
  ("$123,000"), but never to fewer than two significant figures: "$1 million" accepts 950,000
  to 1,050,000, "$1,000" 950 to 1,050, and "$1,500" 1,499.50 to 1,500.50. Percentages and
  plain numbers without decimals are rounded to the unit ("87%" accepts 86.5 to 87.5, "10,000"
  9,999.5 to 10,000.5).
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Unit = Literal["dollars", "percent", "plain"]

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_STANDALONE = r"(?<![\w.])"  # the start of a number, not digits inside a word or a decimal
_ENDS = r"(?!\w|[.,]\d)"  # the end of a number, not of its first digits
_PERCENT = r"\s?(?:%|per\s?cent\b)"
_FIGURE = re.compile(
    rf"\$\s?(?P<amount>{_NUMBER})"
    rf"(?:\s?(?P<scale>k|thousand|mn|million|m|bn|billion|b)\b|{_ENDS})"
    rf"|{_STANDALONE}(?P<low>{_NUMBER})\s?(?:-|\u2013|to)\s?(?P<high>{_NUMBER}){_PERCENT}"
    rf"|{_STANDALONE}(?P<number>{_NUMBER})(?:(?P<percent>{_PERCENT})|{_ENDS})",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"^[ \t]*\d+[.)][ \t]", re.MULTILINE)
_SCALES = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "b": 9, "bn": 9, "billion": 9}
_PERCENT_KEYS = ("percent", "percentage", "percentage_points")
_PLAIN_KEY_WORDS = {"year", "years", "age", "count", "paths", "seed"}


@dataclass(frozen=True)
class Figure:
    """A number as a text wrote it: its value (unsigned), unit and the unit it was rounded to."""

    text: str
    value: Decimal
    unit: Unit
    step: Decimal

    def rounds(self, returned: Decimal) -> bool:
        return abs(returned - self.value) <= self.step / 2


@dataclass(frozen=True)
class Returned:
    """A number a tool returned, unsigned, with its unit if the tool stated one."""

    value: Decimal
    unit: Unit | None


def cited_figures(text: str) -> list[Figure]:
    """Every number written in a text, in the order written."""
    figures = []
    for match in _FIGURE.finditer(_LIST_MARKER.sub("", text)):
        written = match[0].strip()
        if match["amount"]:
            scale = _SCALES.get((match["scale"] or "").lower(), 0)
            figures.append(_figure(written, match["amount"], "dollars", scale))
        elif match["low"]:
            for number in match.group("low", "high"):
                figures.append(_figure(written, number, "percent"))
        else:
            unit: Unit = "percent" if match["percent"] else "plain"
            figures.append(_figure(written, match["number"], unit))
    return figures


def _figure(text: str, number: str, unit: Unit, scale: int = 0) -> Figure:
    digits = number.replace(",", "")
    whole, _, decimals = digits.partition(".")
    value = Decimal(digits).scaleb(scale)
    if decimals or unit != "dollars":
        return Figure(text, value, unit, Decimal(1).scaleb(scale - len(decimals)))
    if not scale and whole.endswith("000") and value:
        scale = 3  # "$123,000" reads as "$123k": a figure rounded to whole thousands
    two_figures = Decimal(1).scaleb(value.adjusted() - 1) if value else Decimal(1)
    return Figure(text, value, unit, min(Decimal(1).scaleb(scale), max(two_figures, Decimal(1))))


def returned_figures(outputs: Iterable[str]) -> list[Returned]:
    """Every number in the tools' JSON outputs, with the unit each states."""
    return [figure for output in outputs for figure in _returned(json.loads(output), None)]


def _returned(value: Any, unit: Unit | None, key: str = "") -> Iterator[Returned]:
    if key == "id" or key.endswith("_id") or isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield Returned(abs(Decimal(str(value))), unit)
    elif isinstance(value, str):
        for figure in cited_figures(value):
            yield Returned(figure.value, figure.unit)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _returned(item, _key_unit(name) or unit, name)
    elif isinstance(value, list):
        for item in value:
            yield from _returned(item, unit, key)


def _key_unit(key: str) -> Unit | None:
    if key.endswith(_PERCENT_KEYS):
        return "percent"
    if _PLAIN_KEY_WORDS & set(key.split("_")):
        return "plain"
    return None


def _matches(cited: Figure, returned: Returned) -> bool:
    if cited.unit == "plain":
        return cited.rounds(returned.value)
    if returned.unit is not None:
        return returned.unit == cited.unit and cited.rounds(returned.value)
    if cited.unit == "dollars":
        return cited.rounds(returned.value)
    return (returned.value <= 100 and cited.rounds(returned.value)) or (
        returned.value <= 1 and cited.rounds(returned.value * 100)
    )


def unreturned(text: str, outputs: Iterable[str]) -> list[str]:
    """The figures in a text that no tool output returned, as written, each once, in order."""
    returned = returned_figures(outputs)
    unknown = [
        figure.text
        for figure in cited_figures(text)
        if not any(_matches(figure, r) for r in returned)
    ]
    return list(dict.fromkeys(unknown))
