"""Pydantic models for everything Alex stores: validated before anything reaches the database.

The field descriptions are written for people and for language models alike: the tagger uses
`InstrumentClassification` as its structured output type.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    field_validator,
    model_validator,
)

# --- Taxonomies --------------------------------------------------------------------------------

AssetClass = Literal["equity", "fixed_income", "real_estate", "commodities", "cash", "alternatives"]
# Five regions that partition the world (emerging markets fall into the one they are in), and
# "global" for exposure with no home region, such as gold.
Region = Literal[
    "north_america", "latin_america", "europe", "middle_east_africa", "asia_pacific", "global"
]
# User targets may say "international" for everything outside North America.
RegionTarget = Literal[
    "north_america",
    "latin_america",
    "europe",
    "middle_east_africa",
    "asia_pacific",
    "global",
    "international",
]
Sector = Literal[
    "technology",
    "healthcare",
    "financials",
    "consumer_discretionary",
    "consumer_staples",
    "industrials",
    "materials",
    "energy",
    "utilities",
    "real_estate",
    "communication_services",
    "government_bonds",
    "corporate_bonds",
    "securitized_bonds",
    "precious_metals",
    "other_commodities",
    "other",
]
InstrumentType = Literal[
    "etf", "stock", "mutual_fund", "bond_fund", "bond", "reit", "commodity", "money_market"
]
AccountType = Literal[
    "401k",
    "403b",
    "roth_401k",
    "traditional_ira",
    "roth_ira",
    "sep_ira",
    "taxable",
    "hsa",
    "529",
    "pension",
    "other",
]
JobType = Literal["portfolio_analysis"]
JobStatus = Literal["pending", "running", "completed", "failed"]
# "aborted": the workflow stopped the step while it ran, because a sibling branch failed (as
# Step Functions does); a redrive runs it again. "skipped": the step ran but could not do its
# work, for the reason in its notice (tagging with no language model configured).
StepStatus = Literal["pending", "running", "succeeded", "failed", "aborted", "skipped"]
# One name per workflow step, in order: "Tag instruments" is `tagging`, "Build charts" is `charts`.
StepName = Literal["start", "tagging", "report", "charts", "retirement", "finalize"]
PayloadKind = Literal["report", "charts", "retirement", "summary"]
# Where an instrument's price comes from: the approximate prices shipped with Alex ("seed"), or
# the market-data provider. A price a user enters is theirs alone (`UserPrice`), never stored here.
PriceSource = Literal["seed", "massive"]
# The day the sample prices shipped with Alex were written down: every seed price is as of it,
# whenever it is stored, so a sample price never reads as today's. Change it with the prices.
SEED_PRICES_AS_OF = datetime(2026, 11, 22, tzinfo=UTC)

STEP_NAMES: tuple[StepName, ...] = get_args(StepName)
ALLOCATION_TOLERANCE = 0.01

# --- Reusable field types ----------------------------------------------------------------------


def _as_float(value: Decimal) -> float:
    return float(value)


# Money and quantities are exact decimals in Python and SQL, plain numbers in JSON.
JsonNumber = PlainSerializer(_as_float, return_type=float, when_used="json")
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), JsonNumber]
Price = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6), JsonNumber]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=8), JsonNumber]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=7, decimal_places=6), JsonNumber]


def _normalise_symbol(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


Symbol = Annotated[
    str,
    BeforeValidator(_normalise_symbol),
    StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.\-]{0,11}$"),
    Field(description="Ticker symbol, e.g. 'VTI' or 'BRK.B' (upper case, at most 12 characters)."),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A JSON integer: not `true` (which would be 1), nor "30" or 30.5.
WholeNumber = Annotated[int, Strict()]


def _sums_to_100(allocation: dict[Any, float]) -> dict[Any, float]:
    if not allocation:
        raise ValueError("must have at least one entry")
    if any(share < 0 or share > 100 for share in allocation.values()):
        raise ValueError("every percentage must be between 0 and 100")
    total = sum(allocation.values())
    if abs(total - 100) > ALLOCATION_TOLERANCE:
        raise ValueError(f"percentages must sum to 100 (these sum to {total:g})")
    return allocation


def _international_stands_alone(targets: dict[RegionTarget, float]) -> dict[RegionTarget, float]:
    if "international" in targets and len(targets.keys() - {"north_america", "international"}):
        raise ValueError("'international' already covers every region outside North America")
    return targets


AssetClassAllocation = Annotated[
    dict[AssetClass, float],
    AfterValidator(_sums_to_100),
    Field(description="Percentage of value in each asset class (0-100, summing to 100)."),
]
RegionAllocation = Annotated[
    dict[Region, float],
    AfterValidator(_sums_to_100),
    Field(description="Percentage of value in each region (0-100, summing to 100)."),
]
SectorAllocation = Annotated[
    dict[Sector, float],
    AfterValidator(_sums_to_100),
    Field(description="Percentage of value in each sector (0-100, summing to 100)."),
]
RegionTargets = Annotated[
    dict[RegionTarget, float],
    AfterValidator(_sums_to_100),
    AfterValidator(_international_stands_alone),
    Field(description="Target percentage per region; 'international' means outside North America."),
]


def storable_text(value: str) -> str:
    """Text PostgreSQL can store: no NUL character (text columns refuse it) and no lone UTF-16
    surrogate (JSON's \\ud800 escape reads as one, and it has no UTF-8 encoding)."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000), which text cannot hold")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            "contains a lone surrogate character (an unpaired \\ud800-\\udfff escape)"
        ) from error
    return value


def _storable(value: Any) -> Any:
    # Strings anywhere in a field's value: in lists and in a map's keys as in its values.
    if isinstance(value, str):
        storable_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _storable(item)
    return value


SearchText = Annotated[str, AfterValidator(storable_text)]


class Schema(BaseModel):
    # NaN and ±Infinity have no place in money, shares or percentages (nor in JSONB).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return _storable(value)


class Stored(Schema):
    """A row read back from the database (extra columns are not part of the model)."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)


# --- Users -------------------------------------------------------------------------------------

DEFAULT_ASSET_CLASS_TARGETS: dict[AssetClass, float] = {"equity": 70, "fixed_income": 30}
DEFAULT_REGION_TARGETS: dict[RegionTarget, float] = {"north_america": 50, "international": 50}


class UserUpdate(Schema):
    display_name: Name | None = None
    years_until_retirement: WholeNumber | None = Field(None, ge=0, le=80)
    target_retirement_income: Money | None = Field(
        None, description="Annual income wanted in retirement, in today's dollars."
    )
    current_age: WholeNumber | None = Field(None, ge=16, le=110)
    annual_contribution: Money | None = Field(
        None, description="Dollars added to the portfolio each year until retirement."
    )
    asset_class_targets: AssetClassAllocation | None = None
    region_targets: RegionTargets | None = None


class UserCreate(Schema):
    clerk_user_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    display_name: Name = "Investor"
    years_until_retirement: WholeNumber = Field(20, ge=0, le=80)
    target_retirement_income: Money = Decimal("60000")
    current_age: WholeNumber | None = Field(None, ge=16, le=110)
    annual_contribution: Money = Decimal("0")
    asset_class_targets: AssetClassAllocation = Field(
        default_factory=lambda: dict(DEFAULT_ASSET_CLASS_TARGETS)
    )
    region_targets: RegionTargets = Field(default_factory=lambda: dict(DEFAULT_REGION_TARGETS))


class User(UserCreate, Stored):
    created_at: datetime
    updated_at: datetime


# --- Instruments -------------------------------------------------------------------------------


class InstrumentClassification(Schema):
    """What the tagger decides about an instrument: its type and three allocation maps."""

    instrument_type: InstrumentType = Field(description="Kind of instrument.")
    allocation_asset_class: AssetClassAllocation
    allocation_regions: RegionAllocation
    allocation_sectors: SectorAllocation


class InstrumentCreate(Schema):
    symbol: Symbol
    name: Name
    instrument_type: InstrumentType | None = None
    current_price: Price | None = Field(None, description="Last known price in US dollars.")
    price_source: PriceSource | None = Field(
        None, description="Where the price comes from; a price given without one is 'seed'."
    )
    price_as_of: datetime | None = Field(
        None,
        description="When the price was true; a seed price is as of the day the sample prices"
        " were written down (SEED_PRICES_AS_OF), another given without one as of now.",
    )
    allocation_asset_class: AssetClassAllocation | None = None
    allocation_regions: RegionAllocation | None = None
    allocation_sectors: SectorAllocation | None = None

    @model_validator(mode="after")
    def _allocations_all_or_none(self) -> "InstrumentCreate":
        maps = (self.allocation_asset_class, self.allocation_regions, self.allocation_sectors)
        if any(m is None for m in maps) and any(m is not None for m in maps):
            raise ValueError("give all three allocation maps, or none (to be tagged later)")
        return self

    @model_validator(mode="after")
    def _price_with_provenance(self) -> "InstrumentCreate":
        # Every stored price carries its source and as-of time (the database insists too).
        if self.current_price is None:
            self.price_source = self.price_as_of = None
        else:
            self.price_source = self.price_source or "seed"
            self.price_as_of = self.price_as_of or (
                SEED_PRICES_AS_OF if self.price_source == "seed" else datetime.now(UTC)
            )
        return self

    @property
    def is_classified(self) -> bool:
        return self.allocation_asset_class is not None


class Instrument(InstrumentCreate, Stored):
    created_at: datetime
    updated_at: datetime


# Above any one share's price on a US exchange (BRK.A trades near $1,000,000): a larger figure is
# a typing mistake, not a price.
MAX_USER_PRICE = Decimal("10000000")


class UserPriceSet(Schema):
    """A price the user enters for a symbol they hold that no source prices."""

    price: Decimal = Field(
        gt=0,
        le=MAX_USER_PRICE,
        max_digits=18,
        decimal_places=6,
        allow_inf_nan=False,
        description="Price of one share in US dollars (above 0, at most 10,000,000).",
    )
    as_of_date: date = Field(
        default_factory=date.today, description="The day the price was true (not in the future)."
    )

    @field_validator("as_of_date")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        # A day of slack: the user's "today" may be ahead of the server's in UTC.
        if (value - datetime.now(UTC).date()).days > 1:
            raise ValueError("a price cannot be as of a day in the future")
        return value


class UserPrice(Stored):
    clerk_user_id: str
    symbol: Symbol
    price: Annotated[Decimal, JsonNumber]
    as_of_date: date
    created_at: datetime
    updated_at: datetime


# --- Accounts and positions --------------------------------------------------------------------


class AccountCreate(Schema):
    account_name: Name = Field(description="The user's name for the account, e.g. 'Roth IRA'.")
    account_type: AccountType
    account_purpose: Annotated[str, StringConstraints(max_length=500)] = ""
    cash_balance: Money = Decimal("0")
    cash_interest: Rate = Field(
        Decimal("0"), description="Annual interest on cash, as a fraction (0.045 = 4.5%)."
    )


class AccountUpdate(Schema):
    account_name: Name | None = None
    account_type: AccountType | None = None
    account_purpose: Annotated[str, StringConstraints(max_length=500)] | None = None
    cash_balance: Money | None = None
    cash_interest: Rate | None = None


class Account(AccountCreate, Stored):
    id: UUID
    clerk_user_id: str
    created_at: datetime
    updated_at: datetime


class PositionCreate(Schema):
    account_id: UUID
    symbol: Symbol
    quantity: Quantity = Field(description="Number of shares held (fractions allowed, above 0).")
    as_of_date: date = Field(default_factory=date.today)


class PositionUpdate(Schema):
    quantity: Quantity
    as_of_date: date = Field(default_factory=date.today)


class Position(PositionCreate, Stored):
    id: UUID
    created_at: datetime
    updated_at: datetime


# --- Jobs --------------------------------------------------------------------------------------


class StepState(Schema):
    """Progress of one workflow step, and what wrote its result, as the SPA shows them."""

    status: StepStatus = "pending"
    attempts: int = 0
    started_at: datetime | None = None
    completed_at: datetime | None = None
    error: str | None = None
    done: int | None = Field(None, description="Items finished (the tagging map).")
    total: int | None = Field(None, description="Items to do (the tagging map).")
    items: list[str] = Field(default_factory=list, description="Names of the items finished.")
    skipped: list[str] = Field(
        default_factory=list, description="The items finished without their work being done."
    )
    generated_by: str | None = Field(
        None,
        description="What wrote the step's result: a model string, 'offline' (no language"
        " model) or 'none' (there was nothing to produce).",
    )
    notice: str | None = Field(
        None,
        description="What a reader of the result must know: why it was written offline, or"
        " why there is none.",
    )


class JobCreate(Schema):
    job_type: JobType = "portfolio_analysis"
    request_payload: dict[str, Any] = Field(default_factory=dict)


class Job(JobCreate, Stored):
    id: UUID
    clerk_user_id: str
    status: JobStatus
    execution_arn: str | None
    steps: dict[StepName, StepState]
    report_payload: dict[str, Any] | None
    charts_payload: dict[str, Any] | None
    retirement_payload: dict[str, Any] | None
    summary_payload: dict[str, Any] | None
    failed_step: StepName | None
    error_message: str | None
    error_cause: str | None
    usage: dict[str, Any]
    input_tokens: int
    output_tokens: int
    cost_usd: Annotated[Decimal, JsonNumber]
    redrive_count: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime

    @field_validator("steps")
    @classmethod
    def _in_workflow_order(cls, steps: dict[StepName, StepState]) -> dict[StepName, StepState]:
        return {name: steps[name] for name in STEP_NAMES if name in steps}


class AgentUsage(Stored):
    """One agent's model usage over a month of a user's analyses."""

    agent: str = Field(description="The agent: tagger, reporter, charter or retirement.")
    input_tokens: int
    output_tokens: int
    cost_usd: Annotated[Decimal, JsonNumber] = Field(description="Estimated, from model prices.")


class MonthlyUsage(Stored):
    """What one user's analyses of one month cost in model usage."""

    clerk_user_id: str
    month: str = Field(description="The calendar month, YYYY-MM (UTC).")
    analyses: int = Field(description="Analyses started that month.")
    input_tokens: int
    output_tokens: int
    cost_usd: Annotated[Decimal, JsonNumber] = Field(description="Estimated, from model prices.")
    by_agent: list[AgentUsage]


# --- Workflow ----------------------------------------------------------------------------------


class StepInput(Schema):
    """What a workflow state hands its function: ids only; results travel through the database."""

    model_config = ConfigDict(extra="ignore")

    job_id: UUID
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class TagInput(StepInput):
    """One iteration of the tagging map: the instrument to classify."""

    symbol: Symbol
