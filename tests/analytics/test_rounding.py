from decimal import Decimal

import pytest

from shared.analytics.rounding import apportion, from_cents, percentages, to_cents


def test_thirds_sum_to_exactly_100_where_naive_rounding_gives_99_9() -> None:
    # 100 / 3 = 33.333...: rounding each gives 33.3 * 3 = 99.9; the first remainder takes the tenth.
    assert percentages([1, 1, 1]) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]


def test_largest_remainder_goes_to_the_largest_fraction() -> None:
    # Quotas of 10 units over 1:2:4 are 1.428..., 2.857..., 5.714...: floors 1 + 2 + 5 = 8, and
    # the two units left go to remainders .857 and .714.
    assert apportion([1, 2, 4], 10) == [1, 3, 6]


def test_zero_weights_never_receive_a_unit() -> None:
    assert apportion([0, 1, 0, 1, 1], 100) == [0, 34, 0, 33, 33]


def test_float_weights_are_apportioned_exactly() -> None:
    # 0.1 + 0.2 != 0.3 in floats; the split must still be exact and sum to the units.
    split = apportion([0.1, 0.2, 0.3], 600)
    assert split == [100, 200, 300]


def test_apportioning_units_over_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="all zero"):
        apportion([0, 0], 5)


def test_cents_round_half_up_and_back() -> None:
    assert to_cents(Decimal("10.005")) == 1001
    assert from_cents(1001) == Decimal("10.01")
    assert str(from_cents(0)) == "0.00"
