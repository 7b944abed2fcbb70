"""Yearly branch ratings: approved when the importing user may approve, submitted otherwise."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ratings.models import BranchRating, Grade, RatingState, SchemeAssignment

from ..columns import GRADE_SYNONYMS
from ..models import ImportKind
from ..plan import Outcome, display
from ..values import match_key
from .base import Planner, chunks

# Why district and commune staff may not change a rating that is no longer a draft.
LOCKED_FOR_STAFF = {
    RatingState.SUBMITTED: gettext_lazy(
        "This rating has been submitted and awaits approval; it can be changed once the province sends it back."
    ),
    RatingState.APPROVED: gettext_lazy("This rating has been approved; it can no longer be changed."),
}


class RatingPlanner(Planner):
    kind = ImportKind.RATINGS
    order = [BranchRating]

    def grade_lookup(self) -> dict[int, dict[str, Grade]]:
        """scheme -> every accepted spelling of its grades (code, label, SPEC synonyms) -> grade."""
        lookup: dict[int, dict[str, Grade]] = defaultdict(dict)
        for grade in Grade.objects.all():
            spellings = [grade.code, grade.label] + [s for s, code in GRADE_SYNONYMS.items() if code == grade.code]
            for spelling in spellings:
                lookup[grade.scheme_id].setdefault(match_key(spelling), grade)
        return lookup

    def build(self, rows, results, writes):
        branches = self.visible_branches(row.values["branch_code"] for row in rows if "branch_code" in row.values)
        grades = self.grade_lookup()
        assignments = defaultdict(list)
        for assignment in SchemeAssignment.objects.order_by("-from_year"):
            assignments[assignment.organization_id].append(assignment)
        years = {row.values["year"] for row in rows if "year" in row.values}
        grade_labels = {grade.pk: grade.label for by_key in grades.values() for grade in by_key.values()}
        existing = {}
        for chunk in chunks([branch.pk for branch in branches.values()]):
            for rating in BranchRating.objects.filter(branch_id__in=chunk, year__in=years):
                existing[rating.branch_id, rating.year] = rating
        now = timezone.now()
        state = RatingState.APPROVED if self.user.can_approve else RatingState.SUBMITTED
        seen: dict[tuple, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = " ".join(str(values.get(key, "")) for key in ("branch_code", "year"))
            if self.missing(row, result, "branch_code", "year", "grade"):
                continue
            branch = branches.get(values["branch_code"])
            if branch is None:
                self.refuse_unknown_branch(result, values["branch_code"])
                continue
            scheme = next(
                (a.scheme_id for a in assignments[branch.organization_id] if a.from_year <= values["year"]), None
            )
            grade = grades.get(scheme, {}).get(match_key(values["grade"]))
            if grade is None:
                result.refuse(
                    self.header("grade"),
                    _("“%(value)s” is not a grade of the rating scheme this organization uses in %(year)d.")
                    % {"value": values["grade"], "year": values["year"]},
                )
            key = (branch.pk, values["year"])
            if key in seen:
                result.refuse(
                    self.header("year"), _("The same branch and year are on row %(row)d.") % {"row": seen[key]}
                )
            seen.setdefault(key, row.number)
            if result.status == Outcome.REFUSED:
                continue
            rating = existing.get(key)
            if rating is None:
                writes.create(
                    BranchRating(
                        branch=branch,
                        year=values["year"],
                        grade=grade,
                        score=values.get("score"),
                        note=values.get("note", ""),
                        state=state,
                        submitted_at=now,
                        approved_at=now if state == RatingState.APPROVED else None,
                        approved_by=self.user if state == RatingState.APPROVED else None,
                    )
                )
                self.mark(result, Outcome.CREATED)
                continue
            new = {"grade_id": grade.pk}
            for key_ in ("score", "note"):
                if key_ in values:
                    new[key_] = values[key_]
            differs = [k for k, v in new.items() if getattr(rating, k) != v]
            # As on the pages: staff change drafts only; a submitted rating waits for an approver.
            if rating.state != RatingState.DRAFT and not self.user.can_approve:
                if differs:
                    result.refuse(self.header("grade"), str(LOCKED_FOR_STAFF[rating.state]))
                continue
            if rating.state != state and rating.state != RatingState.APPROVED:
                new.update(state=state, submitted_at=rating.submitted_at or now)
                if state == RatingState.APPROVED:
                    new.update(approved_at=now, approved_by_id=self.user.pk)
                result.changes.append(["", str(rating.get_state_display()), str(RatingState(state).label)])
            for k in differs:
                before, after = getattr(rating, k), new[k]
                if k == "grade_id":
                    before, after = grade_labels.get(before, ""), grade.label
                result.changes.append([self.header({"grade_id": "grade"}.get(k, k)), display(before), display(after)])
            if writes.update(rating, **new):
                self.mark(result, Outcome.UPDATED)
