"""How report rows are keyed: by the child area of the chosen area, or by branch, in the tree of a date.

A report lays its rows out in the tree as it stood on one date (``Units``): the units
in force on the report's date by default, or today's to recast a past date. A row is a
child of the chosen area that day (a province shows its districts, or its communes
where it has none; a district its communes; a commune its hamlets). Branches that sat on
the chosen area itself (a professional branch on a commune, every branch of a hamlet)
get a row of their own.

Most figures are counted in the database per branch (``values("branch_id")``), which
needs no join and no string work on the large tables; ``BranchIndex`` then places each
branch's counts in the row of where the branch sat on the units' date (its placement's
path, one indexed prefix query). Figures that cannot be added up branch by branch
(distinct people, targets per hamlet) are grouped in SQL by ``row_key`` over the
placements of that date.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, StrIndex, Substr
from django.db.models.sql import Query

from areas.models import Area, AreaLevel, AreaPlacement, in_force_q, structure_of_path
from branches.models import Branch, BranchPlacement, Organization

BRANCH_KEY_PREFIX = "#"


@dataclass(frozen=True)
class Units:
    """The tree a report's rows follow: ``area`` as it stood on ``on``, at ``path`` that day,
    with the areas just below it then (each with ``path_then``)."""

    area: Area
    on: datetime.date
    path: str
    structure: str
    children: tuple[Area, ...] = ()

    @classmethod
    def of(cls, area: Area, on: datetime.date) -> "Units":
        """Where the area and its children sat on the day (one query).

        Official units never move (a reform ends them and begins new ones): a province, a
        district or a commune is where its row says, and so are a province's and a
        district's children. Hamlets move: a commune's hamlets, and a hamlet itself, are
        read from the placements of the day.
        """
        path, children = area.path, []
        if area.level == AreaLevel.HAMLET:
            placement = AreaPlacement.objects.filter(in_force_q(on), area=area).first()
            path = placement.path if placement else area.path
        elif area.level == AreaLevel.COMMUNE:
            # The hamlets placed under it that day, each with its path then (the filter's join).
            placed = in_force_q(on, "placements__") & Q(placements__parent=area)
            children = list(Area.objects.filter(placed).annotate(path_then=F("placements__path")).order_by("code"))
        else:
            children = list(Area.objects.filter(in_force_q(on), parent=area).order_by("code"))
            for child in children:
                child.path_then = child.path
        return cls(area=area, on=on, path=path, structure=structure_of_path(path), children=tuple(children))


def placed_on(on: datetime.date) -> dict:
    """A ``FilteredRelation`` giving, from a row with a branch, where the branch sat on a date:
    its path is then ``place__path``."""
    return {"place": FilteredRelation("branch__placements", condition=in_force_q(on, "branch__placements__"))}


def child_key(units: Units, path: str, branch_id: int) -> str:
    if path == units.path:
        return f"{BRANCH_KEY_PREFIX}{branch_id}"
    start = len(units.path)
    return path[: start + path.index("/", start) - start + 1]


def row_key(units: Units, path_field: str, branch_field: str | None):
    """SQL expression with the same keys as ``child_key``, for figures grouped in SQL."""
    start = len(units.path)
    rest = Substr(path_field, start + 1)
    child_path = Substr(path_field, 1, Value(start) + StrIndex(rest, Value("/")), output_field=CharField())
    if branch_field is None:
        return child_path
    branch_key = Concat(Value(BRANCH_KEY_PREFIX), Cast(branch_field, CharField()), output_field=CharField())
    return Case(When(Q(**{path_field: units.path}), then=branch_key), default=child_path, output_field=CharField())


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


def row_headers(units: Units) -> list[RowHeader]:
    """The rows of a report: the area's children that day, then branches sitting on it (one query).

    Branches sit on hamlets and communes only (``Branch.clean``): a province or a district
    has none of its own.
    """
    children = [
        RowHeader(key=child.path_then, code=child.code, name=child.full_name, area=child) for child in units.children
    ]
    if units.area.level in (AreaLevel.PROVINCE, AreaLevel.DISTRICT):
        return children
    placements = (
        BranchPlacement.objects.filter(in_force_q(units.on), area=units.area)
        .select_related("branch")
        .order_by("branch__code")
    )
    branches = [
        RowHeader(key=f"{BRANCH_KEY_PREFIX}{p.branch_id}", code=p.branch.code, name=p.branch.name, branch=p.branch)
        for p in placements
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
        if not self.index.by_branch:
            raise ValueError("A BranchIndex without by_branch places no branch's results.")
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
    """The branches placed in the area on the units' date (of one organization, or all), each
    with its row — one query.

    ``active`` (on a branch) marks the branches the report counts (e.g. not dissolved at the
    date); the tally receives their number per row as ``branches``. Without ``by_branch`` (a
    report whose figures are all grouped in SQL by row) the query counts them by row instead,
    and a province's ten thousand branches are not read one by one; without ``counted``
    either, there is no query: the report's own grouped query counts them.
    """

    def __init__(
        self,
        units: Units,
        organization: Organization | None,
        active: Q,
        *,
        by_branch: bool = True,
        counted: bool = True,
    ) -> None:
        self.units = units
        self.by_branch = by_branch
        # 1 for a placement whose branch the report counts: a column for the report's own query.
        self.counted = one_if(_on_branch(active))
        placements = BranchPlacement.objects.filter(in_force_q(units.on), path__startswith=units.path)
        # The same, read from the branches: what the grouped queries filter by, "branch_id IN
        # (SELECT branch.id …)". Selecting the branch's own key lets PostgreSQL see the ids are
        # unique and walk the big tables by their branch index.
        self.placed = in_force_q(units.on, "placements__") & Q(placements__path__startswith=units.path)
        if organization is not None:
            placements = placements.filter(branch__organization=organization)
            self.placed &= Q(organization=organization)
        self.branch_ids = self.branch_ids_where(Q())
        self.branches: dict[int, tuple[str, int]] = {}
        self.active_counts: dict[tuple[str, int], int] = defaultdict(int)
        if not (by_branch or counted):
            return
        if not by_branch:
            rows = (
                placements.order_by()
                .values(key=row_key(units, "path", "branch_id"), org=F("branch__organization_id"))
                .annotate(counted=Sum(self.counted))
                .values_list("key", "org", "counted")
            )
            for key, org_id, count in rows:
                self.active_counts[key, org_id] += count
            return
        flagged = placements.annotate(counted=self.counted).order_by()
        fields = ("branch_id", "branch__organization_id", "path", "counted")
        for branch_id, org_id, path, count in flagged.values_list(*fields):
            key = child_key(units, path, branch_id)
            self.branches[branch_id] = (key, org_id)
            self.active_counts[key, org_id] += count

    def branches_where(self, condition: Q):
        """The area's branches that meet ``condition`` (on a branch)."""
        return Branch.objects.filter(self.placed & condition)

    def branch_ids_where(self, condition: Q):
        """Their ids, as a subquery."""
        return self.branches_where(condition).values("pk")

    def added_by_row(
        self, active: Q, joined: dict[str, tuple[QuerySet, bool]], totals: dict[str, tuple[str, Expression]]
    ) -> list[dict]:
        """Per row and organization (one query): the branches that meet ``active`` (as
        ``branches``) and ``totals`` over them.

        Each branch is a row with its report row ``key`` and ``org`` and the columns of each of
        ``joined`` (an alias: a query grouped by ``branch_id``, and whether a branch it has no
        row for counts zero rather than null); each of ``totals`` is an aggregate function and
        an expression over those columns (``column``). The results are whole numbers
        (PostgreSQL's sum of counts is a numeric).
        """
        branches = (
            self.branches_where(active)
            .order_by()
            .values("pk", org=F("organization_id"))
            .annotate(key=Max(row_key(self.units, "placements__path", "pk")))
        )
        inner, inner_params = branches.query.sql_with_params()
        columns, joins, inner_params = ["b.key", "b.org"], [], list(inner_params)
        for alias, (queryset, zero) in joined.items():
            sql, sql_params = queryset.query.sql_with_params()
            joins.append(f"LEFT JOIN ({sql}) AS {alias} ON {alias}.branch_id = b.pk")
            inner_params += sql_params
            for name in queryset.query.annotation_select:
                columns.append(f"COALESCE({alias}.{name}, 0) AS {name}" if zero else f"{alias}.{name}")
        query = Query(Branch)
        compiler = query.get_compiler(connection=connection)
        selected, params = ["CAST(COUNT(*) AS BIGINT) AS branches"], []
        for name, (function, expression) in totals.items():
            sql, sql_params = compiler.compile(expression.resolve_expression(query))
            selected.append(f"CAST({function}({sql}) AS BIGINT) AS {name}")
            params += sql_params
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, org, {', '.join(selected)} FROM (SELECT {', '.join(columns)} "
                f"FROM ({inner}) AS b {' '.join(joins)}) AS per_branch GROUP BY key, org",
                [*params, *inner_params],
            )
            names = [description[0] for description in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def tally(self) -> Tally:
        tally = Tally(self)
        for (key, org_id), count in self.active_counts.items():
            tally.by_row[key][org_id]["branches"] += count
        return tally


def _on_branch(condition: Q) -> Q:
    """A condition on a branch's fields, read from a branch placement."""
    children = [
        _on_branch(child) if isinstance(child, Q) else (f"branch__{child[0]}", child[1])
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def column(name: str, output_field=None) -> RawSQL:
    """A column of the per-branch rows that ``BranchIndex.added_by_row`` adds up."""
    return RawSQL(name, [], output_field=output_field or IntegerField())


def one_if(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
