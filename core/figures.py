"""Shared arithmetic of the reports and the documents (a meeting log's attendance)."""

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to 2 decimals; None over an empty denominator."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
