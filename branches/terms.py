"""Writes to a branch's terms (nhiệm kỳ), the officers elected for them, and the rule of vacancies."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from branches.models import Branch, BranchTerm, Officer
from core.concurrency import save_changes


def vacancies(*, seats, officers, heads, deputies) -> Greatest:
    """The committee's empty seats, and at least the missing head and deputy (no term: no seats
    known), as an SQL expression over the term's seats and the counts of officers, heads and
    deputies in office (expressions), so that a report adds it up over its branches in the database."""

    def missing(count) -> Case:
        return Case(When(GreaterThan(count, 0), then=Value(0)), default=Value(1))

    return Greatest(
        Coalesce(seats, Value(0)) - officers, missing(heads) + missing(deputies), output_field=IntegerField()
    )


def term_on(*, branch: Branch, on: datetime.date) -> BranchTerm | None:
    """The branch's term in force on a day, if it has one (terms of a branch never overlap)."""
    return BranchTerm.objects.filter(branch=branch, start_on__lte=on, end_on__gte=on).first()


def term_for_officer(*, officer: Officer) -> BranchTerm | None:
    """The term an officer is elected for: the one given, if the officer took office during it;
    otherwise the branch's term in force the day the officer took office."""
    term = officer.term
    if term is not None and term.branch_id == officer.branch_id and term.start_on <= officer.start_on <= term.end_on:
        return term
    return term_on(branch=officer.branch, on=officer.start_on)


def _check_congress(term: BranchTerm) -> None:
    if term.congress_on and term.end_on and term.congress_on > term.end_on:
        raise ValidationError({"congress_on": _("The congress that elects a term is held before the term ends.")})


def elect_officers(term: BranchTerm) -> None:
    """The officers who took office during the term belong to it; those elected for it who
    no longer took office during it (its dates changed) belong to none. Saved one by one, to
    keep their history: a branch has a handful of officers."""
    during = {"start_on__gte": term.start_on, "start_on__lte": term.end_on}
    for officer in Officer.objects.filter(term=term).exclude(**during):
        officer.term = None
        officer.save(update_fields=["term"])
    for officer in Officer.objects.filter(branch_id=term.branch_id, term__isnull=True, **during):
        officer.term = term
        officer.save(update_fields=["term"])


@transaction.atomic
def add_term(
    *,
    branch: Branch,
    start_on: datetime.date,
    end_on: datetime.date,
    committee_size: int,
    congress_on: datetime.date | None = None,
) -> BranchTerm:
    term = BranchTerm(
        branch=branch, start_on=start_on, end_on=end_on, committee_size=committee_size, congress_on=congress_on
    )
    _check_congress(term)
    term.full_clean()
    term.save()
    elect_officers(term)
    return term


@transaction.atomic
def update_term(
    *,
    term: BranchTerm,
    expected_version: int | None,
    start_on: datetime.date,
    end_on: datetime.date,
    committee_size: int,
    congress_on: datetime.date | None,
) -> BranchTerm:
    values = {"start_on": start_on, "end_on": end_on, "committee_size": committee_size, "congress_on": congress_on}
    _check_congress(BranchTerm(**values))
    saved = save_changes(term, expected_version=expected_version, values=values)
    elect_officers(saved)
    return saved
