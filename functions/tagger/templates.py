"""The tagger's instructions and prompt."""

from runtime.prompts import DATA_RULE, user_data
from shared.schemas import Instrument

INSTRUCTIONS = f"""You are a fund analyst. You classify one financial instrument at a time.

For the instrument given, decide:
- its instrument type;
- the percentage of its value in each asset class;
- the percentage of its value in each region, by where the underlying businesses or issuers are;
- the percentage of its value in each sector.

Each list of percentages must add up to 100. Use your knowledge of the instrument's published
holdings; for a single stock, put 100 in its one asset class, region and sector. Use "global" only
for exposure with no home region, such as gold. Do not give prices: you are not asked for them.

{DATA_RULE}
"""


def classify_prompt(instrument: Instrument) -> str:
    known = (
        f" Its type is recorded as {instrument.instrument_type}."
        if instrument.instrument_type
        else ""
    )
    return (
        f"Classify the instrument {instrument.symbol}, whose recorded name is in this block:\n"
        f"{user_data('instrument_name', instrument.name)}\n{known.strip()}\n"
        "Give its instrument type and its asset class, region and sector percentages."
    )
