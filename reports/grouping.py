"""How report rows are keyed: by the child area of the chosen area, or by branch.

A row is a child of the chosen area (a province shows its districts, or its communes
where it has none; a district its communes; a commune its hamlets). Branches that sit
on the chosen area itself (a professional branch on a commune, every branch of a
hamlet) get a row of their own.

Most figures are counted in the database per branch (``values("branch_id")``), which
needs no join and no string work on the large tables; ``BranchIndex`` then places each
branch's counts in its row. Figures that cannot be added up branch by branch (distinct
people, targets per hamlet) are grouped in SQL by ``row_key``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, CharField, Q, Value, When
from django.db.models.functions import Cast, Concat, StrIndex, Substr

from areas.models import Area
from branches.models import Branch, Organization

BRANCH_KEY_PREFIX = "#"


def subtree(path_field: str, area: Area) -> Q:
    return Q(**{f"{path_field}__startswith": area.path})


def child_key(area: Area, path: str, branch_id: int) -> str:
    if path == area.path:
        return f"{BRANCH_KEY_PREFIX}{branch_id}"
    start = len(area.path)
    return path[: start + path.index("/", start) - start + 1]


def row_key(area: Area, path_field: str, branch_field: str | None):
    """SQL expression with the same keys as ``child_key``, for figures grouped in SQL."""
    start = len(area.path)
    rest = Substr(path_field, start + 1)
    child_path = Substr(path_field, 1, Value(start) + StrIndex(rest, Value("/")), output_field=CharField())
    if branch_field is None:
        return child_path
    branch_key = Concat(Value(BRANCH_KEY_PREFIX), Cast(branch_field, CharField()), output_field=CharField())
    return Case(When(Q(**{path_field: area.path}), then=branch_key), default=child_path, output_field=CharField())


@dataclass(frozen=True)
class RowHeader:
    key: str
    code: str
    name: str
    area: Area | None = None
    branch: Branch | None = None

    @property
    def drillable(self) -> bool:
        return self.area is not None


def row_headers(area: Area) -> list[RowHeader]:
    """The rows of a report on ``area``: its child areas, then branches sitting on it (two queries)."""
    children = [
        RowHeader(key=child.path, code=child.code, name=child.full_name, area=child)
        for child in Area.objects.filter(parent=area).order_by("code")
    ]
    branches = [
        RowHeader(key=f"{BRANCH_KEY_PREFIX}{branch.pk}", code=branch.code, name=branch.name, branch=branch)
        for branch in Branch.objects.filter(area=area).select_related("organization").order_by("code")
    ]
    return children + branches


class Tally:
    """Counts per row and organization, filled from grouped query results."""

    def __init__(self, index: "BranchIndex") -> None:
        self.index = index
        self.by_row: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, results: Iterable[dict], *, fields: Iterable[str]) -> None:
        """Results grouped in SQL by ``key`` and ``org``."""
        fields = list(fields)
        for result in results:
            bucket = self.by_row[result["key"]][result["org"]]
            for field in fields:
                bucket[field] += result[field] or 0

    def add_by_branch(
        self,
        results: Iterable[dict],
        *,
        fields: Iterable[str],
        split_by: str | None = None,
        branch_field: str = "branch_id",
    ) -> None:
        """Results grouped in SQL by branch (and ``split_by``, e.g. a reason: ``<field>_<value>``)."""
        fields = list(fields)
        for result in results:
            located = self.index.branches.get(result[branch_field])
            if located is None:  # a branch of another organization than the one asked for
                continue
            bucket = self.by_row[located[0]][located[1]]
            for field in fields:
                name = f"{field}_{result[split_by]}" if split_by else field
                bucket[name] += result[field] or 0

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


class BranchIndex:
    """The branches of the area (of one organization, or all), each with its row — one query.

    ``active`` marks the branches the report counts (e.g. not dissolved at the date); the
    tally receives their number per row as ``branches``.
    """

    def __init__(self, area: Area, organization: Organization | None, active: Q) -> None:
        self.area = area
        self.queryset = Branch.objects.filter(subtree("area__path", area))
        if organization is not None:
            self.queryset = self.queryset.filter(organization=organization)
        self.branches: dict[int, tuple[str, int]] = {}
        self.active_counts: dict[tuple[str, int], int] = defaultdict(int)
        flagged = self.queryset.annotate(
            counted=Case(When(active, then=Value(True)), default=Value(False), output_field=BooleanField())
        ).values_list("id", "organization_id", "area__path", "counted")
        for branch_id, org_id, path, counted in flagged.order_by():
            key = child_key(area, path, branch_id)
            self.branches[branch_id] = (key, org_id)
            if counted:
                self.active_counts[key, org_id] += 1

    def tally(self) -> Tally:
        tally = Tally(self)
        for (key, org_id), count in self.active_counts.items():
            tally.by_row[key][org_id]["branches"] += count
        return tally
