"""Members' yearly ratings: a member among the branch's members to rate that year (found by CCCD,
else by name and birth date on that roll, ``ratings.member_selectors.rating_roll``) and a grade
of the organization's member scheme that year.

As the branch ratings' import: approved when the importing user may approve, submitted otherwise;
district and commune staff change drafts only.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from core.vietnamese import fold
from ratings.member_selectors import rating_roll
from ratings.models import MemberRating, MemberSchemeAssignment, RatingState

from ..models import ImportKind
from ..plan import Outcome, display
from ..values import match_key
from .base import where_in
from .members import birth_matches
from .ratings import LOCKED_FOR_STAFF, RatingPlanner

# "Hoàn thành tốt" for "Hoàn thành tốt nhiệm vụ": how the grades are written on many rolls.
TASK_SUFFIX = " nhiệm vụ"


class Roll:
    """A branch's members to rate in a year, by CCCD and by folded name."""

    def __init__(self):
        self.by_cccd = {}
        self.by_name = defaultdict(list)

    def add(self, membership) -> None:
        if membership.person.cccd:
            self.by_cccd[membership.person.cccd] = membership
        self.by_name[membership.person.name_key].append(membership)


class MemberRatingPlanner(RatingPlanner):
    kind = ImportKind.MEMBER_RATINGS
    order = [MemberRating]

    def grade_lookup(self):
        lookup = super().grade_lookup()
        for by_key in lookup.values():
            for grade in set(by_key.values()):
                if grade.label.endswith(TASK_SUFFIX):
                    by_key.setdefault(match_key(grade.label.removesuffix(TASK_SUFFIX)), grade)
        return lookup

    def rolls(self, branch_ids: list[int], years: set[int]) -> dict[tuple[int, int], Roll]:
        """(branch id, year) -> its members to rate: one query per year on the file."""
        rolls: dict[tuple[int, int], Roll] = defaultdict(Roll)
        for year in years:
            periods = rating_roll(year).select_related("membership__person")
            for queryset in where_in(periods, "branch_id", branch_ids):
                for period in queryset:
                    rolls[period.branch_id, year].add(period.membership)
        return rolls

    def build(self, rows, results, writes):
        branches = self.visible_branches(row.values["branch_code"] for row in rows if "branch_code" in row.values)
        years = {row.values["year"] for row in rows if "year" in row.values}
        rolls = self.rolls([branch.pk for branch in branches.values()], years)
        member_ids = [m.pk for roll in rolls.values() for members in roll.by_name.values() for m in members]
        existing = {}
        ratings = MemberRating.objects.filter(year__in=years).select_related("grade")
        for queryset in where_in(ratings, "membership_id", member_ids):
            for rating in queryset:
                existing[rating.membership_id, rating.year] = rating
        schemes = defaultdict(list)
        for assignment in MemberSchemeAssignment.objects.order_by("-from_year"):
            schemes[assignment.organization_id].append(assignment)
        grades = self.grade_lookup()
        seen: dict[tuple, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = " ".join(str(values.get(key, "")) for key in ("full_name", "year")).strip()
            if self.missing(row, result, "branch_code", "full_name", "year", "grade"):
                continue
            branch = branches.get(values["branch_code"])
            if branch is None:
                self.refuse_unknown_branch(result, values["branch_code"])
                continue
            year = values["year"]
            membership = self.find_member(values, result, rolls.get((branch.pk, year)), branch=branch)
            scheme = next((a.scheme_id for a in schemes[branch.organization_id] if a.from_year <= year), None)
            grade = grades.get(scheme, {}).get(match_key(values["grade"]))
            if grade is None:
                result.refuse(
                    self.header("grade"),
                    _("“%(value)s” is not a grade of the scheme this organization rates its members with in %(year)d.")
                    % {"value": values["grade"], "year": year},
                )
            if membership is None or result.status == Outcome.REFUSED:
                continue
            key = (membership.pk, year)
            if key in seen:
                result.refuse(
                    self.header("full_name"),
                    _("The same member and year are on row %(row)d.") % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            self.rate(result, writes, membership, year, grade, values, existing.get(key))

    def find_member(self, values, result, roll: Roll | None, *, branch):
        """The membership the row names among the branch's members to rate, or None (the row refused)."""
        roll = roll or Roll()
        year, cccd, name_key = values["year"], values.get("cccd"), fold(values["full_name"])
        where = {"branch": branch.name, "year": year}
        if cccd:
            membership = roll.by_cccd.get(cccd)
            if membership is None:
                result.refuse(
                    self.header("cccd"),
                    _("No member with this CCCD number among the members of %(branch)s to rate in %(year)d.") % where,
                )
                return None
            person = membership.person
            if person.name_key != name_key or not birth_matches(person, values.get("birth")):
                result.refuse(
                    self.header("cccd"),
                    _("This CCCD number belongs to %(name)s, born %(birth)s, in the system.")
                    % {"name": person.full_name, "birth": display(person.birth_date or person.birth_year)},
                )
                return None
            return membership
        found = [m for m in roll.by_name.get(name_key, []) if birth_matches(m.person, values.get("birth"))]
        if len(found) == 1:
            return found[0]
        if found:
            message = _("Several members of this name are to rate in the branch: give the birth date or the CCCD.")
        else:
            message = (
                _("No member of this name and birth date among the members of %(branch)s to rate in %(year)d.") % where
            )
        result.refuse(self.header("full_name"), message)
        return None

    def rate(self, result, writes, membership, year: int, grade, values, rating: MemberRating | None) -> None:
        state = RatingState.APPROVED if self.user.can_approve else RatingState.SUBMITTED
        now = timezone.now()
        if rating is None:
            approved = state == RatingState.APPROVED
            writes.create(
                MemberRating(
                    membership=membership,
                    year=year,
                    grade=grade,
                    note=values.get("note", ""),
                    state=state,
                    submitted_at=now,
                    approved_at=now if approved else None,
                    approved_by=self.user if approved else None,
                )
            )
            self.mark(result, Outcome.CREATED)
            return
        new = {"grade_id": grade.pk}
        if "note" in values:
            new["note"] = values["note"]
        differs = [name for name, value in new.items() if getattr(rating, name) != value]
        # As on the pages: staff change drafts only; a submitted rating waits for an approver.
        if rating.state != RatingState.DRAFT and not self.user.can_approve:
            if differs:
                result.refuse(self.header("grade"), str(LOCKED_FOR_STAFF[rating.state]))
            return
        if rating.state not in (state, RatingState.APPROVED):
            new.update(state=state, submitted_at=rating.submitted_at or now)
            if state == RatingState.APPROVED:
                new.update(approved_at=now, approved_by_id=self.user.pk)
            result.changes.append(["", str(rating.get_state_display()), str(RatingState(state).label)])
        for name in differs:
            before, after = getattr(rating, name), new[name]
            if name == "grade_id":
                before, after = rating.grade.label, grade.label
            header = self.header({"grade_id": "grade"}.get(name, name))
            result.changes.append([header, display(before), display(after)])
        if writes.update(rating, **new):
            self.mark(result, Outcome.UPDATED)
