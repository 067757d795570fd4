"""Display names and fixed orders for the schemas' taxonomies, shared by breakdowns and charts.

Besides the schemas' own categories, breakdowns use three rows of their own: `cash` (uninvested
account cash, in region and sector breakdowns, and the `cash` asset class), `unclassified` (value
whose allocation is unknown) and `other_holdings` (everything below the top holdings).
"""

from typing import Final, Literal, get_args

from shared.schemas import AccountType, AssetClass, Region, Sector

CASH: Final = "cash"
UNCLASSIFIED: Final = "unclassified"
OTHER_HOLDINGS: Final = "other_holdings"

ASSET_CLASSES: tuple[AssetClass, ...] = get_args(AssetClass)
REGIONS: tuple[Region, ...] = get_args(Region)
SECTORS: tuple[Sector, ...] = get_args(Sector)
ACCOUNT_TYPES: tuple[AccountType, ...] = get_args(AccountType)

# How a holding is held: one company's shares, or a fund that spreads the money.
Vehicle = Literal["single_stocks", "funds", "other_securities"]
VEHICLES: tuple[Vehicle, ...] = get_args(Vehicle)

# In the order they close a breakdown.
SPECIAL_NAMES: dict[str, str] = {
    OTHER_HOLDINGS: "Other holdings",
    CASH: "Cash",
    UNCLASSIFIED: "Unclassified",
}
_NAMES: dict[str, str] = {
    "north_america": "North America",
    "latin_america": "Latin America",
    "middle_east_africa": "Middle East & Africa",
    "asia_pacific": "Asia-Pacific",
    "401k": "401(k)",
    "403b": "403(b)",
    "roth_401k": "Roth 401(k)",
    "traditional_ira": "Traditional IRA",
    "roth_ira": "Roth IRA",
    "sep_ira": "SEP IRA",
    "hsa": "HSA",
    "529": "529 plan",
    "taxable": "Taxable brokerage",
    "single_stocks": "Single stocks",
    "other_securities": "Other securities",
}


def display_name(key: str) -> str:
    """'fixed_income' -> 'Fixed income', in sentence case as the SPA's `humanize` writes it;
    names that would come out wrong are spelled out."""
    return SPECIAL_NAMES.get(key) or _NAMES.get(key) or key.replace("_", " ").capitalize()
