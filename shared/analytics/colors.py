"""A fixed colour-blind-safe palette, assigned so a category has the same colour in every chart.

Hues are Okabe & Ito's palette (without black), then Paul Tol's "muted" scheme: 16 colours that
stay distinguishable for the common colour-vision deficiencies. A taxonomy category takes the hue
at its position in the schema's `Literal` (equity is always blue, Europe always bluish green);
accounts and holdings, which have no fixed list, take hues in the order the chart lists them.
Cash, unclassified and "other" rows are neutral greys in every chart.
"""

from typing import Final

from shared.analytics.taxonomy import (
    ACCOUNT_TYPES,
    ASSET_CLASSES,
    CASH,
    OTHER_HOLDINGS,
    REGIONS,
    SECTORS,
    UNCLASSIFIED,
    VEHICLES,
)

OKABE_ITO: Final = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442")
TOL_MUTED: Final = (
    "#332288", "#CC6677", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
    "#AA4499",
)  # fmt: skip
HUES: Final = OKABE_ITO + TOL_MUTED
NEUTRALS: Final = {
    CASH: "#BBBBBB",
    UNCLASSIFIED: "#DDDDDD",
    OTHER_HOLDINGS: "#777777",
    "other": "#777777",
}

_FIXED_ORDERS: Final[dict[str, tuple[str, ...]]] = {
    "asset_class": ASSET_CLASSES,
    "region": REGIONS,
    "sector": SECTORS,
    "account_type": ACCOUNT_TYPES,
    "vehicle": VEHICLES,
}


def color_for(dimension: str, key: str, rank: int) -> str:
    """The colour of `key`; `rank` (its position in the chart) only matters off the taxonomies."""
    if key in NEUTRALS:
        return NEUTRALS[key]
    order = _FIXED_ORDERS.get(dimension, ())
    position = order.index(key) if key in order else rank
    return HUES[position % len(HUES)]
