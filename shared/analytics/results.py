"""The base class and field types of every analytics result, so all serialise the same way."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas import JsonNumber

# Exact decimals in Python, plain numbers in JSON (like the schemas' Money).
Dollars = Annotated[Decimal, Field(description="US dollars, to the cent."), JsonNumber]
Percent = Annotated[
    Decimal, Field(ge=0, le=100, description="Percentage to one decimal place."), JsonNumber
]
Points = Annotated[
    Decimal, Field(description="A difference of percentages, in points."), JsonNumber
]


class Result(BaseModel):
    """A computed result: immutable, and strict about its fields so a typo fails loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid")
