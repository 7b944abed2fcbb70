"""How report rows are keyed: by the child area of the chosen area, or by branch.

A row is a child of the chosen area (a province shows its districts, or its communes
where it has none; a district its communes; a commune its hamlets). Branches that sit
on the chosen area itself (a professional branch on a commune, every branch of a
hamlet) get a row of their own. The key is computed in SQL from the materialised path,
so every figure is grouped in the database in one query.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Cast, Concat, StrIndex, Substr

from branches.models import Area, Branch

BRANCH_KEY_PREFIX = "#"


def row_key(area: Area, path_field: str, branch_field: str | None):
    """SQL expression giving the row key of an object whose area path is ``path_field``."""
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


def subtree(path_field: str, area: Area) -> Q:
    return Q(**{f"{path_field}__startswith": area.path})
