from decimal import Decimal

import pytest

from tests.analytics.helpers import (
    BND,
    UNPRICED,
    UNTAGGED,
    VTI,
    VXUS,
    account,
    instrument,
    position,
    valued,
)


def test_holding_is_quantity_times_price_to_the_cent() -> None:
    odd = instrument("ODD", "10.005", {"equity": 100})
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "ODD", "3.333")], [odd])
    # 3.333 * 10.005 = 33.346665 -> $33.35
    assert valuation.holdings[0].value == Decimal("33.35")
    assert valuation.total == Decimal("33.35")


def test_totals_per_account_account_type_and_portfolio() -> None:
    taxable = account("Taxable", "taxable", cash="1000")
    roth = account("Roth IRA", "roth_ira", cash="50.25")
    ira = account("Old IRA", "roth_ira")
    valuation = valued(
        [taxable, roth, ira],
        [
            position(taxable, "VTI", "10"),  # 10 * 250 = 2,500
            position(taxable, "BND", "20"),  # 20 * 75 = 1,500
            position(roth, "VXUS", "30"),  # 30 * 60 = 1,800
            position(ira, "VTI", "2"),  # 2 * 250 = 500
        ],
        [VTI, VXUS, BND],
    )
    totals = {a.account_name: a.total for a in valuation.accounts}
    assert totals == {
        "Taxable": Decimal("5000.00"),  # 1,000 cash + 2,500 + 1,500
        "Roth IRA": Decimal("1850.25"),  # 50.25 cash + 1,800
        "Old IRA": Decimal("500.00"),
    }
    assert valuation.account_types == {
        "taxable": Decimal("5000.00"),
        "roth_ira": Decimal("2350.25"),  # 1,850.25 + 500
    }
    assert valuation.cash == Decimal("1050.25")
    assert valuation.invested == Decimal("6300.00")
    assert valuation.total == Decimal("7350.25")


def test_unpriced_holding_is_named_not_valued() -> None:
    taxable = account("Taxable", cash="100")
    valuation = valued(
        [taxable],
        [position(taxable, "VTI", "1"), position(taxable, "NEWCO", "1000")],
        [VTI, UNPRICED],
    )
    newco = next(h for h in valuation.holdings if h.symbol == "NEWCO")
    assert newco.value is None
    assert valuation.unpriced == ("NEWCO",)
    assert valuation.total == Decimal("350.00")  # 100 cash + 250: NEWCO adds nothing


def test_symbol_without_an_instrument_row_is_unpriced_and_unclassified() -> None:
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "GHOST", "5")], [])
    assert valuation.unpriced == ("GHOST",)
    assert valuation.unclassified == ("GHOST",)
    assert valuation.total == Decimal("0.00")


def test_untagged_instrument_is_valued_and_named_unclassified() -> None:
    taxable = account("Taxable")
    valuation = valued([taxable], [position(taxable, "XYZ", "20")], [UNTAGGED])
    assert valuation.total == Decimal("200.00")  # 20 * 10
    assert valuation.unclassified == ("XYZ",)
    assert valuation.unpriced == ()


def test_position_in_an_unknown_account_is_refused() -> None:
    taxable, elsewhere = account("Taxable"), account("Elsewhere")
    with pytest.raises(ValueError, match="not among the accounts given"):
        valued([taxable], [position(elsewhere, "VTI", "1")], [VTI])


def test_valuation_serialises_money_as_json_numbers() -> None:
    taxable = account("Taxable", cash="12.50")
    dumped = valued([taxable], [position(taxable, "VTI", "1")], [VTI]).model_dump(mode="json")
    assert dumped["total"] == 262.5
    assert dumped["holdings"][0]["value"] == 250.0
