from decimal import Decimal

import pytest

from shared.analytics import risk_indicators
from tests.analytics.helpers import AAPL, BND, GLD, UNPRICED, VTI, VXUS, account, position, valued


def test_concentration_of_three_holdings_by_hand() -> None:
    taxable = account("Taxable", cash="99999")  # cash is not a holding
    valuation = valued(
        [taxable],
        [
            position(taxable, "AAPL", "25"),  # 5,000 = 50%
            position(taxable, "VTI", "12"),  # 3,000 = 30%
            position(taxable, "GLD", "10"),  # 2,000 = 20%
        ],
        [AAPL, VTI, GLD],
    )
    risk = risk_indicators(valuation)
    assert risk.largest_holding == "AAPL"
    assert risk.largest_holding_weight == Decimal("50.0")
    assert risk.herfindahl == pytest.approx(0.5**2 + 0.3**2 + 0.2**2)  # 0.38
    assert risk.effective_holdings == 2.6  # 1 / 0.38 = 2.63
    assert risk.vehicles.share("single_stocks") == Decimal("50.0")
    assert risk.vehicles.share("funds") == Decimal("50.0")  # VTI and GLD are ETFs


def test_symbol_in_two_accounts_counts_as_one_holding() -> None:
    taxable, roth = account("Taxable"), account("Roth IRA", "roth_ira")
    valuation = valued(
        [taxable, roth], [position(taxable, "VTI", "1"), position(roth, "VTI", "1")], [VTI]
    )
    risk = risk_indicators(valuation)
    assert risk.herfindahl == 1.0
    assert risk.effective_holdings == 1.0


def test_home_bias_compares_north_america_with_the_global_reference() -> None:
    taxable = account("Taxable", cash="5000")  # cash has no region: it is left out
    valuation = valued(
        [taxable],
        [position(taxable, "VTI", "36"), position(taxable, "VXUS", "50")],  # 9,000 NA, 3,000 intl
        [VTI, VXUS],
    )
    risk = risk_indicators(valuation)
    assert risk.north_america_share == Decimal("75.0")  # 9,000 / 12,000
    assert risk.global_north_america_share == Decimal("65.0")
    assert risk.home_bias == Decimal("10.0")


def test_portfolio_of_cash_and_unpriced_holdings_has_no_concentration() -> None:
    taxable = account("Taxable", cash="100")
    risk = risk_indicators(
        valued(
            [taxable],
            [position(taxable, "NEWCO", "3"), position(taxable, "BND", "0.5")],
            [UNPRICED, BND],
        )
    )
    assert risk.largest_holding == "BND"
    assert risk.largest_holding_weight == Decimal("100.0")
    empty = risk_indicators(valued([taxable], [position(taxable, "NEWCO", "3")], [UNPRICED]))
    assert empty.largest_holding is None
    assert empty.effective_holdings == 0.0
    assert empty.north_america_share is None and empty.home_bias is None
