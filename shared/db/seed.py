"""Seed instruments (popular ETFs with allocations) and the demo user `test_user_001`.

Prices are approximate and fixed, for demonstration; they are not live quotes, and each is as of
the day they were written down (`SEED_PRICES_AS_OF`), never of when it was stored. Allocation
maps are rounded approximations of the funds' published breakdowns.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from shared.db.accounts import Accounts
from shared.db.base import Database
from shared.db.instruments import Instruments
from shared.db.migrate import drop_all, migrate
from shared.db.positions import Positions
from shared.db.users import Users
from shared.schemas import (
    AccountCreate,
    InstrumentCreate,
    PositionCreate,
    UserCreate,
)


def _etf(
    symbol: str,
    name: str,
    price: str,
    asset_class: Mapping[str, float],
    regions: Mapping[str, float],
    sectors: Mapping[str, float],
) -> InstrumentCreate:
    return InstrumentCreate.model_validate(
        {
            "symbol": symbol,
            "name": name,
            "instrument_type": "etf",
            "current_price": Decimal(price),
            "allocation_asset_class": asset_class,
            "allocation_regions": regions,
            "allocation_sectors": sectors,
        }
    )


# fmt: off
US = {"north_america": 100}
US_BROAD_SECTORS = {
    "technology": 32, "financials": 13, "healthcare": 11, "consumer_discretionary": 11,
    "industrials": 10, "communication_services": 8, "consumer_staples": 5, "energy": 3,
    "real_estate": 3, "utilities": 2, "materials": 2,
}
SP500_SECTORS = {
    "technology": 34, "financials": 13, "healthcare": 10, "consumer_discretionary": 10,
    "communication_services": 9, "industrials": 8, "consumer_staples": 6, "energy": 3,
    "utilities": 3, "real_estate": 2, "materials": 2,
}
EQUITY = {"equity": 100}
BONDS = {"fixed_income": 100}

SEED_INSTRUMENTS: list[InstrumentCreate] = [
    _etf("SPY", "SPDR S&P 500 ETF Trust", "602.15", EQUITY, US, SP500_SECTORS),
    _etf("VOO", "Vanguard S&P 500 ETF", "553.40", EQUITY, US, SP500_SECTORS),
    _etf("QQQ", "Invesco QQQ Trust", "521.80", EQUITY, {"north_america": 97, "europe": 3}, {
        "technology": 50, "communication_services": 16, "consumer_discretionary": 14,
        "healthcare": 6, "consumer_staples": 5, "industrials": 5, "utilities": 1,
        "materials": 1, "financials": 1, "energy": 1,
    }),
    _etf("IWM", "iShares Russell 2000 ETF", "226.30", EQUITY, US, {
        "financials": 17, "industrials": 17, "healthcare": 16, "technology": 14,
        "consumer_discretionary": 10, "real_estate": 7, "energy": 5, "materials": 5,
        "consumer_staples": 3, "utilities": 3, "communication_services": 3,
    }),
    _etf("VTI", "Vanguard Total Stock Market ETF", "298.75", EQUITY, US, US_BROAD_SECTORS),
    _etf("VXUS", "Vanguard Total International Stock ETF", "68.20", EQUITY, {
        "europe": 40, "asia_pacific": 43, "north_america": 10, "latin_america": 3,
        "middle_east_africa": 4,
    }, {
        "financials": 22, "industrials": 15, "technology": 14, "consumer_discretionary": 11,
        "healthcare": 9, "materials": 7, "consumer_staples": 6, "communication_services": 6,
        "energy": 5, "utilities": 3, "real_estate": 2,
    }),
    _etf("VEA", "Vanguard FTSE Developed Markets ETF", "54.10", EQUITY, {
        "europe": 52, "asia_pacific": 37, "north_america": 11,
    }, {
        "financials": 22, "industrials": 17, "healthcare": 10, "consumer_discretionary": 10,
        "technology": 10, "consumer_staples": 7, "materials": 7, "energy": 5, "real_estate": 5,
        "communication_services": 4, "utilities": 3,
    }),
    _etf("VWO", "Vanguard FTSE Emerging Markets ETF", "47.90", EQUITY, {
        "asia_pacific": 78, "middle_east_africa": 10, "latin_america": 9, "europe": 3,
    }, {
        "technology": 23, "financials": 22, "consumer_discretionary": 13,
        "communication_services": 9, "industrials": 7, "materials": 7, "energy": 5,
        "consumer_staples": 5, "healthcare": 4, "utilities": 3, "real_estate": 2,
    }),
    _etf("EFA", "iShares MSCI EAFE ETF", "85.40", EQUITY, {"europe": 64, "asia_pacific": 36}, {
        "financials": 21, "industrials": 18, "healthcare": 12, "consumer_discretionary": 10,
        "technology": 9, "consumer_staples": 8, "materials": 6, "communication_services": 5,
        "energy": 4, "utilities": 4, "real_estate": 3,
    }),
    _etf("AGG", "iShares Core U.S. Aggregate Bond ETF", "99.10", BONDS, US, {
        "government_bonds": 45, "corporate_bonds": 28, "securitized_bonds": 27,
    }),
    _etf("BND", "Vanguard Total Bond Market ETF", "73.45", BONDS, US, {
        "government_bonds": 47, "corporate_bonds": 33, "securitized_bonds": 20,
    }),
    _etf("BNDX", "Vanguard Total International Bond ETF", "49.30", BONDS, {
        "europe": 55, "asia_pacific": 25, "north_america": 8, "middle_east_africa": 8,
        "latin_america": 4,
    }, {"government_bonds": 80, "corporate_bonds": 15, "securitized_bonds": 5}),
    _etf("TLT", "iShares 20+ Year Treasury Bond ETF", "90.25", BONDS, US,
         {"government_bonds": 100}),
    _etf("HYG", "iShares iBoxx $ High Yield Corporate Bond ETF", "80.05", BONDS, US,
         {"corporate_bonds": 100}),
    _etf("XLK", "Technology Select Sector SPDR Fund", "248.60", EQUITY, US, {"technology": 100}),
    _etf("XLV", "Health Care Select Sector SPDR Fund", "141.20", EQUITY, US, {"healthcare": 100}),
    _etf("XLF", "Financial Select Sector SPDR Fund", "52.35", EQUITY, US, {"financials": 100}),
    _etf("XLE", "Energy Select Sector SPDR Fund", "88.70", EQUITY, US, {"energy": 100}),
    _etf("VNQ", "Vanguard Real Estate ETF", "90.15", {"real_estate": 100}, US,
         {"real_estate": 100}),
    _etf("GLD", "SPDR Gold Shares", "381.50", {"commodities": 100}, {"global": 100},
         {"precious_metals": 100}),
    _etf("SLV", "iShares Silver Trust", "45.20", {"commodities": 100}, {"global": 100},
         {"precious_metals": 100}),
    _etf("VUG", "Vanguard Growth ETF", "468.90", EQUITY, US, {
        "technology": 50, "consumer_discretionary": 17, "communication_services": 13,
        "healthcare": 6, "industrials": 6, "financials": 5, "consumer_staples": 1,
        "materials": 1, "real_estate": 1,
    }),
    _etf("VTV", "Vanguard Value ETF", "184.30", EQUITY, US, {
        "financials": 22, "healthcare": 15, "industrials": 14, "consumer_staples": 9,
        "technology": 9, "energy": 7, "utilities": 6, "consumer_discretionary": 5,
        "real_estate": 5, "communication_services": 4, "materials": 4,
    }),
    _etf("VIG", "Vanguard Dividend Appreciation ETF", "214.80", EQUITY, US, {
        "technology": 25, "financials": 22, "healthcare": 15, "industrials": 12,
        "consumer_staples": 9, "consumer_discretionary": 7, "materials": 4, "utilities": 4,
        "energy": 1, "communication_services": 1,
    }),
    _etf("SCHD", "Schwab U.S. Dividend Equity ETF", "28.15", EQUITY, US, {
        "energy": 20, "consumer_staples": 19, "healthcare": 16, "industrials": 12,
        "financials": 9, "technology": 9, "consumer_discretionary": 8,
        "communication_services": 4, "materials": 3,
    }),
]
# fmt: on

TEST_USER_ID = "test_user_001"

# Single stocks the demo user holds that are not seeded with allocations: tagging has work to do.
TEST_UNTAGGED = [
    InstrumentCreate(
        symbol="AAPL", name="Apple Inc.", instrument_type="stock", current_price=Decimal("229.87")
    ),
    InstrumentCreate(
        symbol="NVDA",
        name="NVIDIA Corporation",
        instrument_type="stock",
        current_price=Decimal("181.45"),
    ),
]


@dataclass(frozen=True)
class _DemoAccount:
    account: AccountCreate
    holdings: dict[str, str]


# fmt: off
TEST_ACCOUNTS = [
    _DemoAccount(
        AccountCreate(
            account_name="401k", account_type="401k", account_purpose="Employer retirement plan",
            cash_balance=Decimal("1500.00"),
        ),
        {"VTI": "120", "VXUS": "150", "BND": "200"},
    ),
    _DemoAccount(
        AccountCreate(
            account_name="Roth IRA", account_type="roth_ira",
            account_purpose="Tax-free growth for retirement", cash_balance=Decimal("350.25"),
            cash_interest=Decimal("0.01"),
        ),
        {"QQQ": "25.5", "VNQ": "40", "VIG": "30"},
    ),
    _DemoAccount(
        AccountCreate(
            account_name="Taxable brokerage", account_type="taxable",
            account_purpose="General investing and a house deposit",
            cash_balance=Decimal("5000.00"), cash_interest=Decimal("0.045"),
        ),
        {"SPY": "40", "GLD": "15", "AAPL": "50", "NVDA": "20"},
    ),
]
# fmt: on


def seed_instruments(db: Database) -> int:
    """Insert or refresh the seed instruments; return how many."""
    with db.transaction() as tx:
        instruments = Instruments(tx)
        for instrument in SEED_INSTRUMENTS:
            instruments.upsert(instrument)
    return len(SEED_INSTRUMENTS)


def seed_test_data(db: Database, *, replace: bool = False) -> bool:
    """Create the demo user with three accounts and their positions.

    An existing demo user is kept (their changes persist) unless `replace` is set, in which case
    they are recreated from scratch. Return whether the data was written.
    """
    with db.transaction() as tx:
        users = Users(tx)
        if replace:
            users.delete(TEST_USER_ID)
        elif tx.fetch_one("SELECT 1 FROM users WHERE clerk_user_id = :id", {"id": TEST_USER_ID}):
            return False
        users.get_or_create(
            UserCreate(
                clerk_user_id=TEST_USER_ID,
                display_name="Test User",
                years_until_retirement=25,
                target_retirement_income=Decimal("80000"),
                current_age=40,
                annual_contribution=Decimal("20000"),
                asset_class_targets={"equity": 70, "fixed_income": 25, "real_estate": 5},
                region_targets={"north_america": 60, "international": 40},
            )
        )
        instruments = Instruments(tx)
        for instrument in TEST_UNTAGGED:
            if not instruments.find([instrument.symbol]):
                instruments.upsert(instrument)
        for demo in TEST_ACCOUNTS:
            account = Accounts(tx).create(TEST_USER_ID, demo.account)
            for symbol, quantity in demo.holdings.items():
                Positions(tx).create(
                    TEST_USER_ID,
                    PositionCreate(
                        account_id=account.id, symbol=symbol, quantity=Decimal(quantity)
                    ),
                )
    return True


def reset(db: Database, *, with_test_data: bool = False) -> None:
    """Drop everything, migrate and seed again: the same rows however often it runs."""
    drop_all(db)
    migrate(db)
    seed_instruments(db)
    if with_test_data:
        seed_test_data(db, replace=True)
