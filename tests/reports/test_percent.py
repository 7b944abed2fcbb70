"""Percentages: from counts, rounded half-up to 2 decimals at the end, blank over nothing (SPEC section 7).

Each case names the exact quotient. The halves are those where banker's rounding (half to
even) or binary floating point would give another answer; the cases with three or more
decimals, those where rounding twice (to 3 decimals, then to 2) would.
"""

from decimal import Decimal

import pytest

from core.figures import percent


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        # Exactly half a hundredth, the hundredth even: half-up goes up where half-to-even stays,
        # and where a binary float holds a little less than the half (0,145 is 0,14499…).
        (1, 800, Decimal("0.13")),  # 0,125
        (29, 20_000, Decimal("0.15")),  # 0,145: half-to-even and floats give 0,14
        (201, 20_000, Decimal("1.01")),  # 1,005: half-to-even and floats give 1,00
        (1_609, 20_000, Decimal("8.05")),  # 8,045
        (58_645, 100_000, Decimal("58.65")),  # 58,645: half-to-even gives 58,64
        # Half a hundredth, the hundredth odd: up either way.
        (3, 800, Decimal("0.38")),  # 0,375
        (2_471, 20_000, Decimal("12.36")),  # 12,355
        # More decimals: rounded once, at the end. Rounded to 3 decimals first, the first two
        # would become halves (0,125; 12,345) and go up.
        (12_499, 10_000_000, Decimal("0.12")),  # 0,12499
        (1_234_499, 10_000_000, Decimal("12.34")),  # 12,34499
        (12_501, 10_000_000, Decimal("0.13")),  # 0,12501
        (2_003, 40_000, Decimal("5.01")),  # 5,0075
        (2_001, 16_000, Decimal("12.51")),  # 12,50625
        (1, 7, Decimal("14.29")),  # 14,285714…
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (531_467, 906_322, Decimal("58.64")),  # 58,6399…: the SPEC's 58,64%
        # Whole numbers keep their two decimals.
        (0, 5, Decimal("0.00")),
        (7, 7, Decimal("100.00")),
        (3, 2, Decimal("150.00")),
    ],
)
def test_rounded_half_up_to_two_decimals(numerator, denominator, expected):
    got = percent(numerator, denominator)
    assert got == expected
    assert got.as_tuple().exponent == -2  # two decimals, always


@pytest.mark.parametrize("denominator", [0, None])
def test_an_empty_denominator_gives_no_percentage(denominator):
    assert percent(3, denominator) is None
