"""Writes to branches and officers, as the pages change them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch, Officer
from core.concurrency import save_changes

BRANCH_FIELDS = ("organization", "area", "name", "code", "kind", "founded_on", "dissolved_on")


@transaction.atomic
def create_branch(**fields) -> Branch:
    branch = Branch(**{name: fields[name] for name in BRANCH_FIELDS if name in fields})
    branch.full_clean()
    branch.save()
    return branch


@transaction.atomic
def update_branch(*, branch: Branch, expected_version: int | None, **fields) -> Branch:
    values = {name: fields[name] for name in BRANCH_FIELDS if name in fields}
    if "organization" in values and values["organization"] != branch.organization and branch.memberships.exists():
        raise ValidationError({"organization": _("A branch with members cannot move to another organization.")})
    return save_changes(branch, expected_version=expected_version, values=values)


@transaction.atomic
def create_officer(
    *, branch: Branch, person, role: str, start_on: datetime.date, end_on: datetime.date | None = None
) -> Officer:
    officer = Officer(branch=branch, person=person, role=role, start_on=start_on, end_on=end_on)
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
    values = {"role": role, "start_on": start_on, "end_on": end_on}
    return save_changes(officer, expected_version=expected_version, values=values)
