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
from branches.services import lock_branches
from core.concurrency import ensure_current, save_changes

from .models import EndReason, Membership, MembershipPeriod, MembershipStatus, Person

# The fields of a person that the person form changes.
PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity",
    "religion",
    "cccd",
    "phone",
    "residence",
    "education",
    "occupation",
    "party_joined_on",
    "note",
)


@transaction.atomic
def create_person(**fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def update_person(*, person: Person, expected_version: int | None, **fields) -> Person:
    """Change a person's details; refused if someone saved the person since ``expected_version``."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"update_person() got unexpected fields: {', '.join(sorted(unknown))}")
    if fields.get("birth_date") and not fields.get("birth_year"):
        fields["birth_year"] = fields["birth_date"].year
    return save_changes(person, expected_version=expected_version, values=fields)


@transaction.atomic
def create_member(
    *,
    person_fields: dict,
    branch: Branch,
    joined_on: datetime.date,
    status: str = MembershipStatus.PRESENT,
    card_number: str = "",
    introduced_to_party_on: datetime.date | None = None,
) -> Membership:
    """A new person and their first membership, both or neither."""
    person = create_person(**person_fields)
    return create_membership(
        person=person,
        branch=branch,
        joined_on=joined_on,
        status=status,
        card_number=card_number,
        introduced_to_party_on=introduced_to_party_on,
    )


@transaction.atomic
def update_membership(
    *,
    membership: Membership,
    expected_version: int | None,
    card_number: str,
    introduced_to_party_on: datetime.date | None,
    note: str,
) -> Membership:
    """The details of a membership that are not its history (branch, status and end have their own services)."""
    values = {"card_number": card_number, "introduced_to_party_on": introduced_to_party_on, "note": note}
    return save_changes(membership, expected_version=expected_version, values=values)


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
    lock_branches([branch.pk, *person.memberships.values_list("branch_id", flat=True)])
    membership = Membership(
        person=person,
        organization_id=branch.organization_id,
        branch=branch,
        joined_branch=branch,
        joined_on=joined_on,
        status=status,
        card_number=card_number,
        introduced_to_party_on=introduced_to_party_on,
        note=note,
    )
    membership.full_clean()
    membership.save()
    shares_person = person.memberships.exclude(pk=membership.pk).exists()
    if shares_person:
        MembershipPeriod.objects.filter(person=person, shares_person=False).update(shares_person=True)
    MembershipPeriod.objects.create(
        membership=membership,
        person=person,
        shares_person=shares_person,
        branch=branch,
        status=status,
        valid_from=joined_on,
    )
    return membership


def _open_period(membership: Membership, on: datetime.date, *, to_branch: Branch | None = None) -> MembershipPeriod:
    if membership.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    lock_branches([membership.branch_id, to_branch.pk if to_branch else None])
    period = MembershipPeriod.objects.select_for_update().get(membership=membership, valid_to__isnull=True)
    if on < period.valid_from:
        raise ValidationError(
            _("The date cannot be before the last recorded change (%(date)s)."),
            params={"date": period.valid_from.strftime("%d/%m/%Y")},
        )
    return period


def _change(membership: Membership, *, on: datetime.date, branch: Branch, status: str, reason: str) -> Membership:
    period = _open_period(membership, on, to_branch=branch)
    if period.valid_from == on:
        # A second change on the same day replaces the first rather than leaving an empty period.
        period.branch, period.status = branch, status
        period.change_reason = reason or period.change_reason
        period.save(update_fields=["branch", "status", "change_reason"])
        if on == membership.joined_on:  # still the day of joining: the member joined here
            membership.joined_branch = branch
    else:
        period.valid_to = on
        period.save(update_fields=["valid_to"])
        MembershipPeriod.objects.create(
            membership=membership,
            person_id=membership.person_id,
            shares_person=period.shares_person,
            branch=branch,
            status=status,
            valid_from=on,
            change_reason=reason,
        )
    membership.branch, membership.status = branch, status
    membership.save(update_fields=["branch", "status", "joined_branch"])
    return membership


@transaction.atomic
def transfer_membership(
    *,
    membership: Membership,
    to_branch: Branch,
    on: datetime.date,
    reason: str = "",
    expected_version: int | None = None,
) -> Membership:
    """Move a membership to another branch of the same organization from ``on``."""
    ensure_current(membership, expected_version)
    if to_branch.organization_id != membership.organization_id:
        raise ValidationError(_("A membership can only move to a branch of the same organization."))
    if to_branch.pk == membership.branch_id:
        raise ValidationError(_("The member already belongs to this branch."))
    if to_branch.dissolved_on is not None and to_branch.dissolved_on <= on:
        raise ValidationError(_("That branch was dissolved before the date of the transfer."))
    return _change(membership, on=on, branch=to_branch, status=membership.status, reason=reason)


@transaction.atomic
def change_membership_status(
    *,
    membership: Membership,
    status: str,
    on: datetime.date,
    reason: str = "",
    expected_version: int | None = None,
) -> Membership:
    ensure_current(membership, expected_version)
    if status not in MembershipStatus.values:
        raise ValidationError(_("Unknown membership status."))
    if status == membership.status:
        raise ValidationError(_("The membership already has this status."))
    return _change(membership, on=on, branch=membership.branch, status=status, reason=reason)


@transaction.atomic
def end_membership(
    *,
    membership: Membership,
    on: datetime.date,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Membership:
    """End a membership: from ``on`` the person is no longer counted on the roll."""
    ensure_current(membership, expected_version)
    if reason not in EndReason.values:
        raise ValidationError(_("Unknown reason for ending a membership."))
    period = _open_period(membership, on)
    if period.valid_from == on:
        period.delete()
    else:
        period.valid_to = on
        period.save(update_fields=["valid_to"])
    membership.ended_on, membership.end_reason, membership.end_note = on, reason, note
    membership.full_clean()
    membership.save(update_fields=["ended_on", "end_reason", "end_note"])
    return membership
