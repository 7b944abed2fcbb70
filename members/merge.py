"""Branches of one organization merged into one from a date.

The other branches are dissolved that day, and every current member is transferred into
the surviving branch on it (a transfer in the history, as the pages record one, so the
reports of earlier dates still count them where they were); officers' terms in the
dissolved branches end the day before. Meetings and ratings stay with the branch that
held them. A person cannot be a member of two branches of one organization (one open
membership per organization), so no one is in both; an officer of both keeps the term in
the surviving branch, and the preview says so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branches.models import Branch, Officer
from branches.services import lock_branches

from .models import Membership, MembershipPeriod
from .services import transfer_membership

# The change reason recorded on each transferred membership (data, in the users' language).
MERGE_REASON = "sáp nhập chi"
DAY = datetime.timedelta(days=1)


@dataclass
class BranchMergePlan:
    into: Branch
    branches: list[Branch]
    effective_on: datetime.date
    memberships: list[Membership] = field(default_factory=list)
    officers_ending: list[Officer] = field(default_factory=list)
    # People whose term ends in a dissolved branch while they hold one in the surviving branch.
    officers_in_both: set[int] = field(default_factory=set)

    def data(self) -> dict:
        def named(branch: Branch) -> dict:
            return {"code": branch.code, "name": branch.name}

        return {
            "effective_on": self.effective_on.isoformat(),
            "into": named(self.into),
            "merged": [
                {**named(b), "members": sum(1 for m in self.memberships if m.branch_id == b.pk)} for b in self.branches
            ],
            "members": len(self.memberships),
            "officers_ending": [
                {
                    "branch": named(officer.branch),
                    "person": officer.person.full_name,
                    "role": officer.get_role_display(),
                    "in_both": officer.person_id in self.officers_in_both,
                }
                for officer in self.officers_ending
            ],
        }


def _day(on: datetime.date) -> str:
    return on.strftime("%d/%m/%Y")


def _check(into: Branch, branches: list[Branch], on: datetime.date) -> list[str]:
    errors = []
    if not branches:
        errors.append(_("Choose at least one branch to merge into %(branch)s.") % {"branch": into})
    for branch in [into, *branches]:
        if branch.organization_id != into.organization_id:
            errors.append(
                _("%(branch)s is a branch of another organization: only branches of one organization merge.")
                % {"branch": branch}
            )
        if branch.dissolved_on is not None and branch.dissolved_on <= on:
            errors.append(
                _("%(branch)s was dissolved on %(date)s.") % {"branch": branch, "date": _day(branch.dissolved_on)}
            )
        if branch.founded_on is not None and on < branch.founded_on:
            errors.append(
                _("%(branch)s was founded on %(date)s: the merge cannot come before it.")
                % {"branch": branch, "date": _day(branch.founded_on)}
            )
    if into.area.valid_to is not None and into.area.valid_to <= on:
        errors.append(_("%(area)s has ended: merge into a branch of a unit in force.") % {"area": into.area})
    # What the history records in a merged branch after the date would contradict the merge.
    later = MembershipPeriod.objects.filter(branch__in=branches).filter(Q(valid_from__gt=on) | Q(valid_to__gt=on))
    count = later.count()
    if count:
        errors.append(
            ngettext(
                "%(count)d change of membership is recorded in these branches after %(date)s: choose a later date.",
                "%(count)d changes of membership are recorded in these branches after %(date)s: choose a later date.",
                count,
            )
            % {"count": count, "date": _day(on)}
        )
    if Officer.objects.filter(branch__in=branches, start_on__gte=on).exists():
        errors.append(
            _("A term of office in these branches begins on or after %(date)s: choose a later date.")
            % {"date": _day(on)}
        )
    return errors


def plan_branch_merge(*, into: Branch, branches: list[Branch], effective_on: datetime.date) -> BranchMergePlan:
    """The preview of merging ``branches`` into ``into`` from ``effective_on``: the members who
    move, the terms that end; ``ValidationError`` naming every reason it cannot be done."""
    branches = sorted({b.pk: b for b in branches if b.pk != into.pk}.values(), key=lambda b: b.code)
    errors = _check(into, branches, effective_on)
    if errors:
        raise ValidationError(errors, code="merge")
    plan = BranchMergePlan(into=into, branches=branches, effective_on=effective_on)
    plan.memberships = list(
        Membership.objects.filter(branch__in=branches, ended_on__isnull=True)
        .select_related("person", "branch")
        .order_by("branch__code", "person__full_name", "pk")
    )
    plan.officers_ending = list(
        Officer.objects.filter(branch__in=branches)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=effective_on))
        .select_related("person", "branch")
        .order_by("branch__code", "role", "person__full_name")
    )
    staying = Officer.objects.filter(branch=into).filter(Q(end_on__isnull=True) | Q(end_on__gte=effective_on))
    plan.officers_in_both = set(
        staying.filter(person_id__in=[o.person_id for o in plan.officers_ending]).values_list("person_id", flat=True)
    )
    return plan


@transaction.atomic
def merge_branches(*, into: Branch, branches: list[Branch], effective_on: datetime.date) -> BranchMergePlan:
    """Merge ``branches`` into ``into`` from ``effective_on``; returns what was done."""
    lock_branches([into.pk, *(b.pk for b in branches)])
    fresh = {
        b.pk: b for b in Branch.objects.select_related("area").filter(pk__in=[into.pk, *(b.pk for b in branches)])
    }
    into = fresh[into.pk]
    plan = plan_branch_merge(into=into, branches=[fresh[b.pk] for b in branches], effective_on=effective_on)
    for membership in plan.memberships:
        transfer_membership(membership=membership, to_branch=into, on=effective_on, reason=MERGE_REASON)
    for officer in plan.officers_ending:
        officer.end_on = effective_on - DAY
        officer.version += 1
        officer.full_clean()
        officer.save(update_fields=["end_on", "version"])
    for branch in plan.branches:
        branch.dissolved_on, branch.merged_into = effective_on, into
        branch.version += 1
        branch.full_clean()
        branch.save(update_fields=["dissolved_on", "merged_into", "version"])
    return plan
