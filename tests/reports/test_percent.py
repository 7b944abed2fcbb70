"""Percentages: from counts, rounded half-up to 2 decimals at the end, blank over nothing."""

from decimal import Decimal

import pytest

from reports.figures import percent


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 800, Decimal("0.13")),  # 0,125: half-up, where banker's rounding would give 0,12
        (3, 800, Decimal("0.38")),  # 0,375
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (531_467, 906_322, Decimal("58.64")),  # the SPEC's province: 58,64%
        (0, 5, Decimal("0.00")),
        (7, 7, Decimal("100.00")),
    ],
)
def test_rounded_half_up_to_two_decimals(numerator, denominator, expected):
    assert percent(numerator, denominator) == expected


@pytest.mark.parametrize("denominator", [0, None])
def test_an_empty_denominator_gives_no_percentage(denominator):
    assert percent(3, denominator) is None
