"""Writes to people and memberships. Every change of branch or status keeps its history.

A membership's periods (``MembershipPeriod``) follow one another without gaps; these
functions are the only place that opens and closes them, so that a report for any
past date finds the branch and status of that date.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch

from .models import EndReason, Membership, MembershipPeriod, MembershipStatus, Person


@transaction.atomic
def create_person(**fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def create_membership(
    *,
    person: Person,
    branch: Branch,
    joined_on: datetime.date,
    status: str = MembershipStatus.PRESENT,
    card_number: str = "",
    introduced_to_party_on: datetime.date | None = None,
    note: str = "",
) -> Membership:
    membership = Membership(
        person=person,
        organization_id=branch.organization_id,
        branch=branch,
        joined_on=joined_on,
        status=status,
        card_number=card_number,
        introduced_to_party_on=introduced_to_party_on,
        note=note,
    )
    membership.full_clean()
    membership.save()
    MembershipPeriod.objects.create(membership=membership, branch=branch, status=status, valid_from=joined_on)
    return membership


def _open_period(membership: Membership, on: datetime.date) -> MembershipPeriod:
    if membership.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    period = MembershipPeriod.objects.select_for_update().get(membership=membership, valid_to__isnull=True)
    if on < period.valid_from:
        raise ValidationError(
            _("The date cannot be before the last recorded change (%(date)s)."),
            params={"date": period.valid_from.strftime("%d/%m/%Y")},
        )
    return period


def _change(membership: Membership, *, on: datetime.date, branch: Branch, status: str) -> Membership:
    period = _open_period(membership, on)
    if period.valid_from == on:
        # A second change on the same day replaces the first rather than leaving an empty period.
        period.branch, period.status = branch, status
        period.save(update_fields=["branch", "status"])
    else:
        period.valid_to = on
        period.save(update_fields=["valid_to"])
        MembershipPeriod.objects.create(membership=membership, branch=branch, status=status, valid_from=on)
    membership.branch, membership.status = branch, status
    membership.save(update_fields=["branch", "status"])
    return membership


@transaction.atomic
def transfer_membership(*, membership: Membership, to_branch: Branch, on: datetime.date) -> Membership:
    """Move a membership to another branch of the same organization from ``on``."""
    if to_branch.organization_id != membership.organization_id:
        raise ValidationError(_("A membership can only move to a branch of the same organization."))
    if to_branch.pk == membership.branch_id:
        raise ValidationError(_("The member already belongs to this branch."))
    return _change(membership, on=on, branch=to_branch, status=membership.status)


@transaction.atomic
def change_membership_status(*, membership: Membership, status: str, on: datetime.date) -> Membership:
    if status not in MembershipStatus.values:
        raise ValidationError(_("Unknown membership status."))
    if status == membership.status:
        raise ValidationError(_("The membership already has this status."))
    return _change(membership, on=on, branch=membership.branch, status=status)


@transaction.atomic
def end_membership(*, membership: Membership, on: datetime.date, reason: str) -> Membership:
    """End a membership: from ``on`` the person is no longer counted on the roll."""
    if reason not in EndReason.values:
        raise ValidationError(_("Unknown reason for ending a membership."))
    period = _open_period(membership, on)
    if period.valid_from == on:
        period.delete()
    else:
        period.valid_to = on
        period.save(update_fields=["valid_to"])
    membership.ended_on, membership.end_reason = on, reason
    membership.full_clean()
    membership.save(update_fields=["ended_on", "end_reason"])
    return membership
