"""The charter: the model chooses 4-6 of the standard charts and words them; code supplies the data.

The model reads each chart's exact rows through tools, then answers with JSON text naming the
charts it chose, each with a title, a description and a type. The stored rows always come from
`shared.analytics`: anything else in the answer, numbers it typed itself included, is ignored.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from agents import Agent, RunContextWrapper
from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.charter.templates import (
    INSTRUCTIONS,
    MAX_CHARTS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    MIN_CHARTS,
    offline_description,
)
from runtime.agents import tool
from runtime.model_factory import OfflineModel
from shared.analytics import Chart, ChartKey
from shared.analytics.charts import ChartType

SUMMARY_ROWS = 3


@dataclass(frozen=True)
class CharterContext:
    """The standard charts this portfolio has data for, by key, as the analytics built them."""

    charts: Mapping[ChartKey, Chart]


class ChartOption(BaseModel):
    """A chart the model may choose, with the analytics' default wording and type."""

    key: ChartKey
    title: str
    description: str
    type: ChartType
    rows: int = Field(description="Number of rows (slices or bars).")
    largest: str = Field(description="The largest rows and their percentages.")


@tool
def list_chart_options(context: RunContextWrapper[CharterContext]) -> str:
    """List the charts this portfolio has data for.

    Each has its key, a default title, description and type, its number of rows and its largest
    rows with their percentages. Read a chart's exact rows with get_chart_data.
    """
    options = [
        ChartOption(
            key=key,
            title=chart.title,
            description=chart.description,
            type=chart.type,
            rows=len(chart.data),
            largest=", ".join(
                f"{point.name} {point.percentage}%" for point in chart.data[:SUMMARY_ROWS]
            ),
        ).model_dump(mode="json")
        for key, chart in context.context.charts.items()
    ]
    return json.dumps({"charts": options})


@tool
def get_chart_data(context: RunContextWrapper[CharterContext], key: ChartKey) -> str:
    """The exact rows of one chart: each row's name, dollar value and percentage of the total.

    The percentages sum to 100. These are the figures the chart will show.

    Args:
        key: The chart's key, as given by list_chart_options.
    """
    chart = context.context.charts[key]
    rows = [point.model_dump(mode="json", exclude={"color"}) for point in chart.data]
    return json.dumps({"key": key, "title": chart.title, "rows": rows})


class ChartChoice(BaseModel):
    """One chart the model chose; other fields, such as data it typed itself, are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    key: ChartKey
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    type: ChartType


class ChartSelection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    charts: list[ChartChoice] = Field(min_length=MIN_CHARTS, max_length=MAX_CHARTS)

    @model_validator(mode="after")
    def _keys_unique(self) -> Self:
        keys = [choice.key for choice in self.charts]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"each chart may be chosen once; repeated: {', '.join(repeated)}")
        return self


_FENCED = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def chosen_charts(answer: Any, available: Mapping[ChartKey, Chart]) -> dict[ChartKey, Chart]:
    """The charts the answer chose, in its order: its wording with the analytics' rows.

    Raises ValueError (or ValidationError) naming the problem, for `run_agent` to re-ask.
    """
    text = str(answer).strip()
    fenced = _FENCED.match(text)
    selection = ChartSelection.model_validate_json(fenced.group(1) if fenced else text)
    unknown = [choice.key for choice in selection.charts if choice.key not in available]
    if unknown:
        raise ValueError(f"no data for {', '.join(unknown)}; choose among: {', '.join(available)}")
    return {
        choice.key: Chart(
            title=choice.title,
            description=choice.description,
            type=choice.type,
            data=available[choice.key].data,
        )
        for choice in selection.charts
    }


charter = Agent[CharterContext](
    name="Charter", instructions=INSTRUCTIONS, tools=[list_chart_options, get_chart_data]
)


def offline_model() -> OfflineModel:
    """Lists the options, then takes every chart with data (up to the maximum) as the analytics
    words it."""
    return OfflineModel(calls=[("list_chart_options", {})], writer=_offline_selection)


def _offline_selection(results: Mapping[str, Any]) -> str:
    listed = json.loads(results["list_chart_options"])["charts"]
    options = [ChartOption.model_validate(option) for option in listed[:MAX_CHARTS]]
    choices = [
        {
            "key": option.key,
            "title": option.title,
            "description": offline_description(option.description),
            "type": option.type,
        }
        for option in options
    ]
    return json.dumps({"charts": choices})
