"""Branch officers: a person (found by CCCD, else by name in the branch's commune) in a role from a date."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from branches.models import Officer, OfficerRole
from core.vietnamese import fold

from .. import bulk
from ..columns import ROLE_DISPLAY
from ..models import ImportKind
from ..plan import Outcome, display
from .base import Planner, commune_path, where_in
from .people import PersonIndex


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= (b_end or datetime.date.max) and b_start <= (a_end or datetime.date.max)


class OfficerPlanner(Planner):
    kind = ImportKind.OFFICERS
    order = [Officer]

    def build(self, rows, results, writes):
        branches = self.visible_branches(row.values["branch_code"] for row in rows if "branch_code" in row.values)
        people = PersonIndex(self.user, cccds={row.values["cccd"] for row in rows if "cccd" in row.values})
        people.add_names(
            (
                row.values["full_name"]
                for row in rows
                if "full_name" in row.values and row.values.get("cccd") not in people.by_cccd
            ),
            communes={commune_path(branch.area) for branch in branches.values()},
        )
        held = defaultdict(list)  # branch id -> officers (existing, then the new ones)
        for queryset in where_in(Officer.objects.all(), "branch_id", [branch.pk for branch in branches.values()]):
            for officer in queryset:
                held[officer.branch_id].append(officer)
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = values.get("full_name", "")
            if self.missing(row, result, "branch_code", "full_name", "role", "start_on"):
                continue
            branch = branches.get(values["branch_code"])
            if branch is None:
                self.refuse_unknown_branch(result, values["branch_code"])
                continue
            end_on = values.get("end_on")
            if end_on and end_on < values["start_on"]:
                result.refuse(self.header("end_on"), _("The end date cannot be before the start date."))
            if result.status == Outcome.REFUSED:
                continue
            person = self.find_person(values, result, branch, people)
            if person is None:
                continue
            self.officer(values, result, branch, person, held, writes)

    def find_person(self, values, result, branch, people: PersonIndex):
        cccd = values.get("cccd")
        name_key = fold(values["full_name"])
        if cccd:
            person = people.by_cccd.get(cccd)
            if person is not None and person.pk not in people.visible:
                result.refuse(self.header("cccd"), _("This CCCD number belongs to a person outside your area."))
                return None
            if person is not None and fold(person.full_name) != name_key:
                result.refuse(
                    self.header("cccd"),
                    _("This CCCD number belongs to %(name)s in the system.") % {"name": person.full_name},
                )
                return None
            if person is not None:
                return person
        commune = commune_path(branch.area)
        found = [p for p in people.by_name.get(name_key, []) if people.in_commune(p, commune)]
        if len(found) == 1:
            return found[0]
        if found:
            result.refuse(
                self.header("full_name"), _("Several people of this name live in the commune; give the CCCD number.")
            )
        else:
            result.refuse(
                self.header("full_name"),
                _("No person of this name in the branch's commune: import the roster first, or give the CCCD number."),
            )
        return None

    def officer(self, values, result, branch, person, held, writes):
        role, start_on, end_on = values["role"], values["start_on"], values.get("end_on")
        same = next(
            (o for o in held[branch.pk] if o.person_id == person.pk and o.role == role and o.start_on == start_on),
            None,
        )
        others = [o for o in held[branch.pk] if o is not same]
        for other in others:
            if not overlaps(start_on, end_on, other.start_on, other.end_on):
                continue
            if other.person_id == person.pk:
                result.refuse(
                    self.header("start_on"), _("This person already holds a role in this branch during that period.")
                )
                return
            if role == OfficerRole.HEAD and other.role == OfficerRole.HEAD:
                result.refuse(self.header("role"), _("The branch already has a head during that period."))
                return
        if same is None:
            officer = bulk.new(
                Officer, branch_id=branch.pk, person_id=person.pk, role=role, start_on=start_on, end_on=end_on
            )
            held[branch.pk].append(writes.create(officer))
            self.mark(result, Outcome.CREATED)
        elif same.end_on != end_on:
            if same.pk is None:
                result.refuse(self.header("role"), _("The same role is listed twice."))
                return
            result.changes.append([self.header("end_on"), display(same.end_on), display(end_on)])
            writes.update(same, end_on=end_on)
            self.mark(result, Outcome.UPDATED)
        elif same.pk is None:
            result.refuse(self.header("role"), _("The same role is listed twice."))
        result.label = f"{values['full_name']} – {ROLE_DISPLAY.get(role, role)}"
