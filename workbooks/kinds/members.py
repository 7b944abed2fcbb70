"""Rosters: people, their memberships and the history of each membership's branch and status.

A person is matched by CCCD, else by folded full name and birth date (or year) within
the branch's commune; the file never creates a second person for someone already there.
A transfer or status change closes the open membership period on the import date and
opens the next, as ``members.services`` does (a change on the day the period opened
replaces it instead). A blank cell leaves the stored value as it is.
"""

from __future__ import annotations

import datetime
import functools
from collections import namedtuple

from django.utils.translation import gettext as _

from areas.models import AreaLevel
from branches.models import Branch
from core import vietnamese
from core.vietnamese import normalize_spaces
from members.models import Membership, MembershipPeriod, MembershipStatus, Person

from .. import bulk
from ..columns import GENDER_DISPLAY, STATUS_DISPLAY
from ..lookups import stream
from ..models import ImportKind
from ..plan import Outcome, RowResult, display
from ..table import ParsedRow
from .base import Planner, commune_path, where_in
from .people import PersonIndex

# The name keys of Person.fill_derived_fields, cached: a roster repeats names a lot.
folded = functools.lru_cache(maxsize=100_000)(vietnamese.fold)
name_sort_key = functools.lru_cache(maxsize=100_000)(vietnamese.sort_key)


@functools.lru_cache(maxsize=100_000)
def given_name(full_name: str) -> str:
    return vietnamese.split_name(full_name)[0][:30]


def fold(text: str) -> str:
    return folded(text)


# Person fields a roster row sets, by column key.
PERSON_FIELDS = ["gender", "ethnicity", "religion", "cccd", "phone", "education", "occupation", "party_joined_on"]


def birth_parts(value) -> tuple[datetime.date | None, int | None]:
    if value is None:
        return None, None
    if isinstance(value, int):
        return None, value
    return value, value.year


def birth_matches(person, value) -> bool:
    """Whether a row's birth date (or year) fits a person's."""
    day, year = birth_parts(value)
    if year is None:
        return True
    if person.birth_year != year:
        return False
    return day is None or person.birth_date is None or person.birth_date == day


def mark_shared_people(person_ids: list[int]) -> None:
    """People already there who join another organization now share their earlier periods."""
    for queryset in where_in(MembershipPeriod.objects.filter(shares_person=False), "person_id", person_ids):
        queryset.update(shares_person=True)


OpenMembership = namedtuple(
    "OpenMembership", "pk person_id organization_id branch_id branch_code status joined_on note"
)


class MemberPlanner(Planner):
    kind = ImportKind.MEMBERS
    order = [Person, Membership, MembershipPeriod]

    def build(self, rows, results, writes):
        branches = self.visible_branches(row.values["branch_code"] for row in rows if "branch_code" in row.values)
        cccds = {row.values["cccd"] for row in rows if "cccd" in row.values}
        people = PersonIndex(self.user, cccds=cccds)
        people.add_names(
            (
                row.values["full_name"]
                for row in rows
                if "full_name" in row.values and row.values.get("cccd") not in people.by_cccd
            ),
            communes={commune_path(branch.area) for branch in branches.values()},
        )
        known_ids = {p.pk for p in people.by_cccd.values()} | {p.pk for ps in people.by_name.values() for p in ps}
        # Open memberships as plain tuples; full objects are read only for those that change.
        memberships: dict[tuple[int, int], OpenMembership] = {}
        fields = ("pk", "person_id", "organization_id", "branch_id", "branch__code", "status", "joined_on", "note")
        for queryset in where_in(Membership.objects.filter(ended_on__isnull=True), "person_id", known_ids):
            for values in stream(queryset.values_list(*fields)):
                membership = OpenMembership(*values)
                memberships[membership.person_id, membership.organization_id] = membership
        self.writes = writes
        self.people = people
        self.pending: list[tuple] = []  # (open membership, new branch, new status, new note, result)
        self.seen_person: dict[tuple, tuple[int, Person]] = {}  # identity -> (first row, person)
        self.seen_membership: dict[tuple[int, int], int] = {}  # (id(person), organization) -> row
        self.first_periods: dict[int, list] = {}  # id(new person) -> their new periods
        self.joining_people: set[int] = set()  # people already there who join an organization
        for row, result in zip(rows, results, strict=True):
            result.label = row.values.get("full_name", "")
            if self.missing(row, result, "full_name", "branch_code", "birth"):
                continue
            branch = branches.get(row.values["branch_code"])
            if branch is None:
                self.refuse_unknown_branch(result, row.values["branch_code"])
                continue
            if branch.dissolved_on and branch.dissolved_on <= self.today:
                result.refuse(self.header("branch_code"), _("This branch has been dissolved."))
                continue
            if result.status == Outcome.REFUSED:
                continue
            person = self.person(row, result, branch)
            if person is None or result.status == Outcome.REFUSED:
                continue
            self.membership(row, result, branch, person, memberships)
        self.write_membership_changes()
        # A new person with memberships of two organizations shares their periods.
        for periods in self.first_periods.values():
            if len(periods) > 1:
                for period in periods:
                    period.shares_person = True
        if self.joining_people:
            writes.after(mark_shared_people, sorted(self.joining_people))

    # --- people -----------------------------------------------------------------------------

    def person(self, row: ParsedRow, result: RowResult, branch: Branch) -> Person | None:
        values = row.values
        name = normalize_spaces(values["full_name"])
        name_key = fold(name)
        cccd = values.get("cccd")
        commune = commune_path(branch.area)
        day, year = birth_parts(values.get("birth"))
        identity = ("cccd", cccd) if cccd else ("name", name_key, year, commune)
        if identity in self.seen_person:
            first_row, person = self.seen_person[identity]
            if cccd and (fold(person.full_name) != name_key or not birth_matches(person, values.get("birth"))):
                result.refuse(
                    self.header("cccd"),
                    _("This CCCD number is on row %(row)d with another name or birth date.") % {"row": first_row},
                )
                return None
            return self.same_person_again(row, result, person, first_row)
        person = None
        if cccd and cccd in self.people.by_cccd:
            person = self.people.by_cccd[cccd]
            if person.pk not in self.people.visible:
                result.refuse(
                    self.header("cccd"),
                    _(
                        "This CCCD number belongs to a person outside your area. "
                        "Ask the province's staff to transfer the person."
                    ),
                )
                return None
            if fold(person.full_name) != name_key or not birth_matches(person, values.get("birth")):
                result.refuse(
                    self.header("cccd"),
                    _("This CCCD number belongs to %(name)s, born %(birth)s, in the system.")
                    % {"name": person.full_name, "birth": display(person.birth_date or person.birth_year)},
                )
                return None
        else:
            candidates = [
                candidate
                for candidate in self.people.by_name.get(name_key, [])
                if birth_matches(candidate, values.get("birth"))
                and self.people.in_commune(candidate, commune)
                and not (cccd and candidate.cccd and candidate.cccd != cccd)
            ]
            if len(candidates) > 1:
                result.refuse(
                    self.header("full_name"),
                    _("Several people of this name and birth date live in the commune; give the CCCD number."),
                )
                return None
            person = candidates[0] if candidates else None
        if person is None:
            person = self.new_person(row, result, branch, name, day, year)
            if person is None:
                return None
        else:
            self.update_person(row, result, person, name, day)
        self.seen_person[identity] = (row.number, person)
        return person

    def new_person(self, row, result, branch, name, day, year) -> Person | None:
        if self.missing(row, result, "gender"):
            return None
        fields = {key: row.values[key] for key in PERSON_FIELDS if key in row.values}
        # Person.fill_derived_fields, with the name keys cached: names repeat a lot in a roster.
        person = bulk.new(
            Person,
            full_name=name,
            birth_date=day,
            birth_year=year,
            residence_id=branch.area_id if branch.area.level == AreaLevel.HAMLET else None,
            given_name=given_name(name),
            name_key=folded(name),
            sort_key=name_sort_key(name),
            **fields,
        )
        self.mark(result, Outcome.CREATED)
        return self.writes.create(person)

    def person_changes(self, row: ParsedRow, person: Person, name: str, day) -> dict:
        new = {}
        if name != person.full_name:
            new["full_name"] = name
        if day is not None and person.birth_date != day:
            new["birth_date"] = day
        for key in PERSON_FIELDS:
            if key in row.values and row.values[key] != getattr(person, key):
                new[key] = row.values[key]
        return new

    def update_person(self, row, result, person: Person, name: str, day) -> None:
        new = self.person_changes(row, person, name, day)
        if not new:
            return
        for key, value in new.items():
            result.changes.append(
                [self.header_of_person_field(key), self.shown(key, getattr(person, key)), self.shown(key, value)]
            )
        if "full_name" in new:
            new.update(given_name=given_name(name), name_key=folded(name), sort_key=name_sort_key(name))
        if "birth_date" in new:
            new["birth_year"] = new["birth_date"].year
        self.writes.update(person, **new)
        self.mark(result, Outcome.UPDATED)

    def same_person_again(self, row, result, person: Person, first_row: int) -> Person | None:
        """A second row of the same person (another organization): it must not contradict the first."""
        new = self.person_changes(
            row, person, normalize_spaces(row.values["full_name"]), birth_parts(row.values.get("birth"))[0]
        )
        if new:
            columns = ", ".join(self.header_of_person_field(key) for key in new)
            result.refuse(
                columns,
                _("The same person is on row %(row)d with other details.") % {"row": first_row},
            )
            return None
        return person

    def header_of_person_field(self, key: str) -> str:
        return self.header({"birth_date": "birth"}.get(key, key))

    @staticmethod
    def shown(key: str, value) -> str:
        if key == "gender":
            return GENDER_DISPLAY.get(value, value or "")
        if key == "status":
            return STATUS_DISPLAY.get(value, value or "")
        return display(value)

    # --- memberships ------------------------------------------------------------------------

    def membership(self, row, result, branch: Branch, person: Person, memberships) -> None:
        org_id = branch.organization_id
        key = (id(person), org_id)
        if key in self.seen_membership:
            result.refuse(
                self.header("branch_code"),
                _("This person is already on row %(row)d for the same organization.")
                % {"row": self.seen_membership[key]},
            )
            return
        self.seen_membership[key] = row.number
        existing = memberships.get((person.pk, org_id)) if person.pk else None
        if existing is None:
            self.new_membership(row, result, branch, person)
        else:
            self.update_membership(row, result, branch, existing)

    def new_membership(self, row, result, branch: Branch, person: Person) -> None:
        if self.missing(row, result, "joined_on"):
            return
        joined_on = row.values["joined_on"]
        if joined_on > self.today:
            result.refuse(self.header("joined_on"), _("The date is in the future."))
            return
        if joined_on.year < person.birth_year:
            result.refuse(self.header("joined_on"), _("The person joined before being born."))
            return
        status = row.values.get("status", MembershipStatus.PRESENT)
        membership = bulk.new(
            Membership,
            refs={"person_id": person},
            organization_id=branch.organization_id,
            branch_id=branch.pk,
            joined_branch_id=branch.pk,
            joined_on=joined_on,
            status=status,
            note=row.values.get("note", ""),
        )
        self.writes.create(membership)
        period = bulk.new(
            MembershipPeriod,
            refs={"membership_id": membership, "person_id": person},
            branch_id=branch.pk,
            status=status,
            valid_from=joined_on,
            # members.services' rule: the flag is off only for someone with a single membership.
            shares_person=person.pk is not None,
        )
        self.writes.create(period)
        if person.pk is None:
            self.first_periods.setdefault(id(person), []).append(period)
        else:
            self.joining_people.add(person.pk)
        self.mark(result, Outcome.CREATED)

    def update_membership(self, row, result, branch: Branch, membership: OpenMembership) -> None:
        values = row.values
        status = values.get("status", membership.status)
        joined_on = values.get("joined_on")
        if joined_on is not None and joined_on != membership.joined_on:
            result.refuse(
                self.header("joined_on"),
                _("The member's joining date in the system is %(date)s; correct it on the member's page.")
                % {"date": display(membership.joined_on)},
            )
            return
        note = values.get("note", membership.note)
        changes = []
        if branch.pk != membership.branch_id:
            changes.append([self.header("branch_code"), membership.branch_code, branch.code])
        if status != membership.status:
            changes.append(
                [self.header("status"), self.shown("status", membership.status), self.shown("status", status)]
            )
        if note != membership.note:
            changes.append([self.header("note"), membership.note, note])
        if changes:
            result.changes.extend(changes)
            self.mark(result, Outcome.UPDATED)
            self.pending.append((membership, branch, status, note, result))

    def write_membership_changes(self) -> None:
        """Read the changing memberships and their open periods in batch, and change them."""
        if not self.pending:
            return
        ids = [membership.pk for membership, *_rest in self.pending]
        objects = {}
        for queryset in where_in(Membership.objects.all(), "pk", ids):
            objects.update((m.pk, m) for m in queryset)
        moving = [
            m.pk for m, branch, status, _note, _r in self.pending if (branch.pk, status) != (m.branch_id, m.status)
        ]
        periods = {}
        for queryset in where_in(MembershipPeriod.objects.filter(valid_to__isnull=True), "membership_id", moving):
            periods.update((p.membership_id, p) for p in queryset)
        on = self.today
        for open_membership, branch, status, note, result in self.pending:
            membership = objects[open_membership.pk]
            period = periods.get(membership.pk)
            if period is not None:
                if period.valid_from > on:
                    result.refuse(
                        self.header("status"),
                        _("The member's last change is dated %(date)s, after the import date.")
                        % {"date": display(period.valid_from)},
                    )
                    continue
                if period.valid_from == on:
                    # A second change on the same day replaces the first (members.services does the same).
                    self.writes.update(period, branch_id=branch.pk, status=status)
                else:
                    self.writes.update(period, valid_to=on)
                    self.writes.create(
                        MembershipPeriod(
                            membership=membership,
                            person_id=membership.person_id,
                            shares_person=period.shares_person,
                            branch=branch,
                            status=status,
                            valid_from=on,
                        )
                    )
            new = {"branch_id": branch.pk, "status": status, "note": note}
            if period is not None and period.valid_from == on == membership.joined_on:
                new["joined_branch_id"] = branch.pk  # still the day of joining: the member joined here
            self.writes.update(membership, **new)
