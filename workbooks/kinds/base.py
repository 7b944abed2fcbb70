"""What every planner shares: batch look-ups within the user's scope."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from areas.selectors import default_successors, ended_message
from branches.models import Branch, Organization

from ..columns import COLUMNS, ORGANIZATION_LABELS
from ..lookups import chunks, where_in  # noqa: F401 - re-exported for the planners
from ..plan import Outcome, Plan, RowResult, Writes
from ..table import ParsedRow
from ..values import match_key


class Planner:
    kind: str = ""
    order: list = []
    # A column header for messages that concern the whole row.
    row_column = ""

    def __init__(self, *, user, today: datetime.date | None = None):
        self.user = user
        self.today = today or timezone.localdate()
        self.columns = COLUMNS[self.kind]
        self.headers = {column.key: column.header for column in self.columns}

    def plan(self, rows: list[ParsedRow]) -> Plan:
        results = [RowResult(row.number) for row in rows]
        for row, result in zip(rows, results, strict=True):
            for column, message in row.errors:
                result.refuse(column, message)
        writes = Writes(self.order)
        self.build(rows, results, writes)
        return Plan(self.kind, results, writes)

    def build(self, rows: list[ParsedRow], results: list[RowResult], writes: Writes) -> None:
        raise NotImplementedError

    # --- helpers ----------------------------------------------------------------------------

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def missing(self, row: ParsedRow, result: RowResult, *keys: str) -> bool:
        """Refuse the row if a needed cell is blank; return whether one was."""
        absent = [key for key in keys if key not in row.values]
        if not absent:
            return False
        already = {column for column, _message in result.messages}  # a cell that did not parse
        for key in absent:
            if self.header(key) not in already:
                result.refuse(self.header(key), _("This cell is needed."))
        return bool(absent)

    def visible_areas(self, codes: Iterable[str]) -> dict[str, Area]:
        """The areas in the user's area that the codes name today (a code is read in today's units)."""
        found = {}
        in_force = Area.objects.visible_to(self.user).in_force_on(self.today)
        for queryset in where_in(in_force, "code", codes):
            # Of two units in force with one code (the reform loaded, not applied), the older one.
            for area in queryset.order_by(F("valid_from").asc(nulls_first=True)):
                found.setdefault(area.code, area)
        return found

    def ended_units(self, codes: Iterable[str]) -> dict[str, str]:
        """For codes of units that a reorganisation ended, in the user's area: what they became."""
        ended = Area.objects.visible_to(self.user).filter(valid_to__lte=self.today)
        found = {}
        for queryset in where_in(ended, "code", codes):
            for area in queryset.order_by("-valid_to"):
                found.setdefault(area.code, area)
        successors = default_successors(found.values())
        return {code: ended_message(area, successors.get(area.pk)) for code, area in found.items()}

    def visible_branches(self, codes: Iterable[str]) -> dict[str, Branch]:
        found = {}
        for queryset in where_in(Branch.objects.visible_to(self.user), "code", codes):
            for branch in queryset.select_related("area", "organization"):
                found[branch.code] = branch
        return found

    def refuse_unknown_branch(self, result: RowResult, code: str) -> None:
        result.refuse(
            self.header("branch_code"), _("No branch with the code “%(code)s” in your area.") % {"code": code}
        )

    def organizations(self) -> dict[str, Organization]:
        """Every accepted spelling (folded) -> organization: codes, names, short names, SPEC labels."""
        by_code = {org.code: org for org in Organization.objects.all()}
        lookup = {}
        for org in by_code.values():
            for spelling in (org.code, org.name, org.short_name):
                lookup[match_key(spelling)] = org
        for label, code in ORGANIZATION_LABELS.items():
            if code in by_code:
                lookup.setdefault(match_key(label), by_code[code])
        return lookup

    def organization(self, lookup: dict, row: ParsedRow, result: RowResult) -> Organization | None:
        value = row.values.get("organization")
        org = lookup.get(match_key(value)) if value else None
        if value and org is None:
            result.refuse(
                self.header("organization"), _("“%(value)s” is not a known organization.") % {"value": value}
            )
        return org

    @staticmethod
    def mark(result: RowResult, status: str) -> None:
        if result.status != Outcome.REFUSED:
            result.status = status


def commune_path(area: Area) -> str:
    """The materialised path of the commune an area (a hamlet or a commune) lies in."""
    if area.level == "hamlet":
        return area.path[: area.path.rstrip("/").rfind("/") + 1]
    return area.path
