from decimal import Decimal

from hypothesis import given, settings

from shared.analytics import Breakdown, all_breakdowns, by_asset_class, by_region, by_sector
from shared.analytics.breakdowns import top_holdings
from shared.schemas import Account, Instrument, Position
from tests.analytics.helpers import (
    BALANCED,
    BND,
    GLD,
    UNPRICED,
    UNTAGGED,
    VTI,
    VXUS,
    account,
    instrument,
    position,
    valued,
)
from tests.analytics.strategies import portfolios


def rows(breakdown: Breakdown) -> dict[str, tuple[str, str]]:
    return {s.key: (str(s.value), str(s.percentage)) for s in breakdown.slices}


def small_portfolio() -> tuple[list[Account], list[Position], list[Instrument]]:
    taxable = account("Taxable", cash="1000")
    roth = account("Roth IRA", "roth_ira")
    positions = [
        position(taxable, "VTI", "10"),  # $2,500 equity, North America
        position(taxable, "BND", "20"),  # $1,500 fixed income, North America
        position(roth, "VXUS", "30"),  # $1,800 equity, half Europe, half Asia-Pacific
        position(roth, "XYZ", "20"),  # $200, no allocation data
        position(roth, "NEWCO", "5"),  # no price: no value anywhere
    ]
    return [taxable, roth], positions, [VTI, VXUS, BND, UNTAGGED, UNPRICED]


def test_asset_classes_weighted_by_value_with_cash_and_unclassified_rows() -> None:
    valuation = valued(*small_portfolio())  # total $7,000
    # equity 4,300 / 7,000 = 61.43%; fixed income 21.43%; cash 14.29%; unclassified 2.86%.
    # Tenths floor to 614 + 214 + 142 + 28 = 998; the two left go to the largest remainders,
    # cash (.857) and unclassified (.571).
    assert rows(by_asset_class(valuation)) == {
        "equity": ("4300.00", "61.4"),
        "fixed_income": ("1500.00", "21.4"),
        "cash": ("1000.00", "14.3"),
        "unclassified": ("200.00", "2.9"),
    }


def test_regions_look_through_funds_and_show_cash_on_its_own() -> None:
    valuation = valued(*small_portfolio())  # total $7,000
    # North America: VTI 2,500 + BND 1,500 = 4,000 (57.14%); VXUS's 1,800 splits 900 / 900
    # (12.86% each); cash 14.29%; unclassified 2.86%. Tenths floor to 571 + 128 + 128 + 142 + 28
    # = 997; the three left go to remainders .857 (cash), then .571 three ways, where the larger
    # weights (the two regions) beat unclassified.
    breakdown = by_region(valuation)
    assert rows(breakdown) == {
        "north_america": ("4000.00", "57.1"),
        "asia_pacific": ("900.00", "12.9"),
        "europe": ("900.00", "12.9"),
        "cash": ("1000.00", "14.3"),
        "unclassified": ("200.00", "2.8"),
    }
    assert [s.key for s in breakdown.slices][-2:] == ["cash", "unclassified"]


def test_sectors_split_each_fund_by_its_map() -> None:
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "AOR", "100")], [BALANCED])
    # $5,000 of a fund that is 60% technology, 40% government bonds.
    assert rows(by_sector(valuation)) == {
        "technology": ("3000.00", "60.0"),
        "government_bonds": ("2000.00", "40.0"),
    }


def test_map_summing_to_99_99_still_accounts_for_the_whole_holding() -> None:
    nearly = instrument("NEAR", "100", {"equity": 59.99, "fixed_income": 40})
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "NEAR", "3")], [nearly])
    breakdown = by_asset_class(valuation)
    assert sum(s.value for s in breakdown.slices) == Decimal("300.00")
    assert breakdown.share("equity") == Decimal("60.0")  # 59.99 / 99.99


def test_values_split_by_largest_remainder_to_the_cent() -> None:
    thirds = instrument("THIRD", "100", {"equity": 100}, {"north_america": 100}, None)
    thirds = thirds.model_copy(
        update={
            "allocation_sectors": {"technology": 100 / 3, "energy": 100 / 3, "utilities": 100 / 3}
        }
    )
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "THIRD", "1")], [thirds])
    # $100 in thirds: 33.33 each leaves a cent, which goes to one of them (ties: the first key).
    values = sorted(s.value for s in by_sector(valuation).slices)
    assert values == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_top_holdings_sum_symbols_across_accounts_then_other_and_cash() -> None:
    taxable = account("Taxable", cash="500")
    roth = account("Roth IRA", "roth_ira")
    valuation = valued(
        [taxable, roth],
        [
            position(taxable, "VTI", "4"),  # 1,000
            position(roth, "VTI", "4"),  # + 1,000 = 2,000 across accounts
            position(taxable, "BND", "10"),  # 750
            position(roth, "GLD", "1"),  # 200
        ],
        [VTI, BND, GLD],
    )
    # total 3,450; with count=2 GLD falls into "other holdings".
    assert rows(top_holdings(valuation, count=2)) == {
        "VTI": ("2000.00", "58.0"),  # 57.97
        "BND": ("750.00", "21.7"),  # 21.74
        "other_holdings": ("200.00", "5.8"),  # 5.797
        "cash": ("500.00", "14.5"),  # 14.49
    }


def test_empty_portfolio_has_no_slices() -> None:
    taxable = account("Taxable")
    breakdowns = all_breakdowns(valued([taxable], [], []))
    assert all(not b.slices for b in breakdowns.__dict__.values())


@settings(max_examples=150, deadline=None)
@given(portfolios())
def test_every_breakdown_sums_to_100_and_to_the_total(
    portfolio: tuple[list[Account], list[Position], list[Instrument]],
) -> None:
    valuation = valued(*portfolio)
    for breakdown in all_breakdowns(valuation).__dict__.values():
        assert breakdown.total == valuation.total
        assert sum((s.value for s in breakdown.slices), Decimal(0)) == valuation.total
        if valuation.total:
            assert sum(s.percentage for s in breakdown.slices) == Decimal("100.0")
            assert all(
                s.percentage == s.percentage.quantize(Decimal("0.1")) for s in breakdown.slices
            )
        else:
            assert breakdown.slices == ()
