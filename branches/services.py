"""Writes to branches and officers, as the pages change them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import terms
from branches.models import Branch, BranchTerm, Officer
from core.concurrency import save_changes

BRANCH_FIELDS = (
    "organization",
    "area",
    "name",
    "code",
    "kind",
    "founded_on",
    "dissolved_on",
    *("meeting_rule", "meeting_day", "meeting_weekday", "meeting_week"),
)


@transaction.atomic
def create_branch(**fields) -> Branch:
    branch = Branch(**{name: fields[name] for name in BRANCH_FIELDS if name in fields})
    branch.full_clean()
    branch.save()
    return branch


def check_organization_change(*, branch: Branch, organization) -> None:
    """A branch with members keeps its organization: their memberships are memberships of it.

    ``branch`` is the stored branch (not yet changed); the admin's form asks this too.
    """
    changed = branch.pk is not None and organization is not None and organization.pk != branch.organization_id
    if changed and branch.memberships.exists():
        raise ValidationError({"organization": _("A branch with members cannot move to another organization.")})


@transaction.atomic
def update_branch(*, branch: Branch, expected_version: int | None, **fields) -> Branch:
    values = {name: fields[name] for name in BRANCH_FIELDS if name in fields}
    if "organization" in values:
        check_organization_change(branch=branch, organization=values["organization"])
    return save_changes(branch, expected_version=expected_version, values=values)


@transaction.atomic
def create_officer(
    *,
    branch: Branch,
    person,
    role: str,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    term: BranchTerm | None = None,
) -> Officer:
    """Without a term (or with one the officer did not take office in), the officer is elected
    for the branch's term in force on ``start_on``, if any."""
    officer = Officer(branch=branch, person=person, role=role, start_on=start_on, end_on=end_on, term=term)
    officer.term = terms.term_for_officer(officer=officer)
    officer.full_clean()
    officer.save()
    return officer


@transaction.atomic
def update_officer(
    *,
    officer: Officer,
    expected_version: int | None,
    role: str,
    start_on: datetime.date,
    end_on: datetime.date | None,
) -> Officer:
    """A new start date may fall in another term: the officer then belongs to that one."""
    values = {"role": role, "start_on": start_on, "end_on": end_on}
    if start_on != officer.start_on:
        probe = Officer(branch=officer.branch, start_on=start_on, term=officer.term)
        values["term"] = terms.term_for_officer(officer=probe)
    return save_changes(officer, expected_version=expected_version, values=values)


def lock_branches(branch_ids) -> None:
    """Lock the branches a write is about to change the history of, in id order, until the commit.

    The database keeps each branch's counts as the history is written (members.rollups);
    writers that take their branches in one order never wait for each other's counts in
    opposite orders (no deadlock). ``FOR NO KEY UPDATE`` leaves reads and foreign-key
    checks free; SQLite has one writer at a time and ignores it.
    """
    ids = sorted({pk for pk in branch_ids if pk is not None})
    if ids:
        list(Branch.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
