"""The tagger's instructions and prompt."""

from shared.schemas import Instrument

INSTRUCTIONS = """You are a fund analyst. You classify one financial instrument at a time.

For the instrument given, decide:
- its instrument type;
- the percentage of its value in each asset class;
- the percentage of its value in each region, by where the underlying businesses or issuers are;
- the percentage of its value in each sector.

Each list of percentages must add up to 100. Use your knowledge of the instrument's published
holdings; for a single stock, put 100 in its one asset class, region and sector. Use "global" only
for exposure with no home region, such as gold. Do not give prices: you are not asked for them.
"""


def classify_prompt(instrument: Instrument) -> str:
    known = (
        f" Its type is recorded as {instrument.instrument_type}."
        if instrument.instrument_type
        else ""
    )
    return (
        f"Classify {instrument.symbol} ({instrument.name}).{known}\n"
        "Give its instrument type and its asset class, region and sector percentages."
    )
