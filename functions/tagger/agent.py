"""The tagger: classifies one instrument with structured output and no tools.

Bedrock cannot combine tools with structured output, and strict JSON schemas cannot express maps,
so the model answers with lists of (name, percent) shares; `normalise` turns them into the
allocation maps the schemas require, scaled to sum to exactly 100.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Generic, TypeVar

from agents import Agent
from pydantic import BaseModel, Field

from functions.tagger.templates import INSTRUCTIONS
from shared.analytics.rounding import apportion
from shared.schemas import AssetClass, InstrumentClassification, InstrumentType, Region, Sector

K = TypeVar("K", bound=str)


class Share(BaseModel, Generic[K]):
    name: K = Field(description="The category.")
    percent: float = Field(description="Percentage of the instrument's value, 0 to 100.")


class TaggerOutput(BaseModel):
    """The model's classification of one instrument."""

    instrument_type: InstrumentType = Field(description="Kind of instrument.")
    asset_classes: list[Share[AssetClass]] = Field(
        description="Percentage of value per asset class; the percentages add up to 100."
    )
    regions: list[Share[Region]] = Field(
        description="Percentage of value per region; the percentages add up to 100."
    )
    sectors: list[Share[Sector]] = Field(
        description="Percentage of value per sector; the percentages add up to 100."
    )


def _normalised(shares: list[Share[K]], what: str) -> dict[K, float]:
    """Merge repeats, drop zeros and scale to 100, to two decimals, by largest remainder."""
    totals: dict[K, float] = defaultdict(float)
    for share in shares:
        if share.percent < 0:
            raise ValueError(f"{what}: {share.name} has a negative percentage")
        totals[share.name] += share.percent
    positive = {name: value for name, value in totals.items() if value > 0}
    if not positive:
        raise ValueError(f"{what}: no category has a positive percentage")
    names = sorted(positive)
    hundredths = apportion([Decimal(str(positive[name])) for name in names], 10_000)
    return {name: units / 100 for name, units in zip(names, hundredths, strict=True) if units}


def normalise(output: TaggerOutput) -> InstrumentClassification:
    """The model's shares as validated allocation maps summing to 100."""
    return InstrumentClassification(
        instrument_type=output.instrument_type,
        allocation_asset_class=_normalised(output.asset_classes, "asset classes"),
        allocation_regions=_normalised(output.regions, "regions"),
        allocation_sectors=_normalised(output.sectors, "sectors"),
    )


tagger = Agent(name="Tagger", instructions=INSTRUCTIONS, output_type=TaggerOutput)
