"""Shared arithmetic of the reports: percentages and the collection of grouped counts."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to 2 decimals; None over an empty denominator."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


class Tally:
    """Counts per row key and organization, filled from ``values(...).annotate(...)`` results."""

    def __init__(self) -> None:
        self.by_row: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, results: Iterable[dict], *, fields: Iterable[str], org_field: str = "org") -> None:
        fields = list(fields)
        for result in results:
            bucket = self.by_row[result["key"]][result[org_field]]
            for field in fields:
                bucket[field] += result[field] or 0

    def add_named(self, results: Iterable[dict], *, name_field: str, count_field: str, prefix: str) -> None:
        """Counts split by a value, e.g. endings by reason, as ``<prefix><value>`` fields."""
        for result in results:
            self.by_row[result["key"]][result["org"]][f"{prefix}{result[name_field]}"] += result[count_field] or 0

    def row(self, key: str, org_id: int | None = None) -> dict[str, int]:
        per_org = self.by_row.get(key, {})
        if org_id is not None:
            return dict(per_org.get(org_id, {}))
        combined: dict[str, int] = defaultdict(int)
        for counts in per_org.values():
            for field, value in counts.items():
                combined[field] += value
        return dict(combined)

    def total(self, org_id: int | None = None) -> dict[str, int]:
        combined: dict[str, int] = defaultdict(int)
        for key in self.by_row:
            for field, value in self.row(key, org_id).items():
                combined[field] += value
        return dict(combined)
