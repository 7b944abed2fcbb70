"""Ageing out (trưởng thành đoàn): the current members who pass their organization's age limit in a
year, their ending as aged out, and the associations that would take them next.

An organization with a ``max_age`` (the Youth Union: 30) keeps a member up to that age; a member is
over it during the year of their (max_age + 1)th birthday, so those born in ``year - max_age - 1``
or earlier pass it in ``year`` — a rule on the birth year, which every person has (some only that).

The ending's date is the user's, within the year of the list. By default the last day of a past
year, today in the current year, the first day of a coming one (``default_end_date``): an ending
is never put off beyond the year, nor placed before it. The check is the list's own rule, by the
year of that date, so that a branch ends its whole year's cohort on one day, as branches do.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel
from branches.models import Branch, BranchKind, Organization
from branches.services import lock_branches
from members.models import EndReason, Membership, Person
from members.services import end_membership


def over_limit_in(year: int) -> Q:
    """Memberships whose member is over the organization's age limit at some time in ``year``."""
    return Q(organization__max_age__isnull=False) & Q(
        person__birth_year__lte=Value(year - 1) - F("organization__max_age")
    )


def candidates(*, area: Area, year: int, user, branch: Branch | None = None) -> QuerySet[Membership]:
    """The current memberships, in the branches of ``area`` today, that pass the age limit in ``year``."""
    memberships = (
        Membership.objects.visible_to(user)
        .filter(ended_on__isnull=True, branch__area__path__startswith=area.path)
        .filter(over_limit_in(year))
    )
    if branch is not None:
        memberships = memberships.filter(branch=branch)
    return memberships.select_related("person", "organization", "branch__area").order_by(
        "branch__area__path", "branch__name", "branch_id", "person__sort_key", "pk"
    )


def birthday_in(birth_date: datetime.date, year: int) -> datetime.date:
    """The birthday in ``year``; one born on 29 February has it on 1 March in other years."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


@dataclass(frozen=True)
class Passing:
    """When a member passes the age limit: the day (birth date known) or only the year."""

    year: int
    on: datetime.date | None
    already: bool  # over it before the year of the list


def passing(person: Person, *, max_age: int, year: int) -> Passing:
    passes_in = person.birth_year + max_age + 1
    on = birthday_in(person.birth_date, passes_in) if person.birth_date else None
    return Passing(year=passes_in, on=on, already=passes_in < year)


@dataclass
class BranchGroup:
    branch: Branch
    rows: list  # (membership, Passing)


def by_branch(memberships: Iterable[Membership], *, year: int) -> list[BranchGroup]:
    """The candidates (in branch order) placed under their branch, each with the day they pass the limit."""
    groups: list[BranchGroup] = []
    for membership in memberships:
        if not groups or groups[-1].branch.pk != membership.branch_id:
            groups.append(BranchGroup(membership.branch, []))
        groups[-1].rows.append(
            (membership, passing(membership.person, max_age=membership.organization.max_age, year=year))
        )
    return groups


def default_end_date(year: int, *, today: datetime.date) -> datetime.date:
    """Today, kept within the year: 31/12 of a past year, 01/01 of a coming one."""
    return min(max(today, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))


@transaction.atomic
def end_aged_out(*, memberships: Sequence[Membership], on: datetime.date) -> list[Membership]:
    """End each membership as aged out on ``on``, a normal ending in its history; all of them or none."""
    if not memberships:
        raise ValidationError(_("Choose at least one member."))
    lock_branches([membership.branch_id for membership in memberships])
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .filter(pk__in=[membership.pk for membership in memberships])
        .select_related("person", "organization")
        .order_by("pk")
    )
    ended = []
    for membership in locked:
        person, limit = membership.person, membership.organization.max_age
        if limit is None or person.birth_year > on.year - limit - 1:
            raise ValidationError(
                _("%(person)s is not over the age limit of %(organization)s in %(year)s.")
                % {"person": person, "organization": membership.organization.short_name, "year": on.year}
            )
        try:
            ended.append(end_membership(membership=membership, on=on, reason=EndReason.AGED_OUT))
        except ValidationError as error:
            raise ValidationError(
                _("%(person)s: %(error)s") % {"person": person, "error": " ".join(error.messages)}
            ) from error
    return ended


# --- After the ending: the associations that would take them ---------------------------------


def ended_aged_out(*, ids: Iterable[int], user) -> list[Membership]:
    """The memberships of ``ids`` that the user sees and that ended as aged out."""
    return list(
        Membership.objects.visible_to(user)
        .filter(pk__in=list(ids), end_reason=EndReason.AGED_OUT)
        .select_related("person__residence__parent", "organization", "branch__area__parent")
        .order_by("branch__area__path", "branch__name", "person__sort_key", "pk")
    )


def age_on(person: Person, day: datetime.date) -> int:
    """Age in whole years on a day; by the birth year alone when that is all that is known."""
    if person.birth_date is None:
        return day.year - person.birth_year
    return day.year - person.birth_year - (birthday_in(person.birth_date, day.year) > day)


def takes(organization: Organization, *, age: int, gender: str) -> bool:
    """Whether the organization takes someone of that age and gender (an age bound left empty is no bound)."""
    return (
        (organization.min_age is None or age >= organization.min_age)
        and (organization.max_age is None or age <= organization.max_age)
        and organization.eligible_gender in ("", gender)
    )


@dataclass(frozen=True)
class Suggestion:
    organization: Organization
    branch: Branch | None
    url: str


def _home(membership: Membership) -> tuple[Area, Area]:
    """The person's hamlet (else the branch's) and its commune."""
    place = membership.person.residence or membership.branch.area
    commune = place.parent if place.level == AreaLevel.HAMLET else place
    return place, commune


def suggestions(*, memberships: Sequence[Membership], user) -> dict[int, list[Suggestion]]:
    """For each ended membership, the other organizations that take the person on the day it ended and
    that they are not a member of, each with a branch near home and the link that adds the membership.

    Three queries, whatever the number of people: organizations, open memberships, nearby branches.
    """
    if not memberships:
        return {}
    organizations = list(Organization.objects.order_by("sort_order", "code"))
    people = {membership.person_id for membership in memberships}
    already = set(
        Membership.objects.filter(person__in=people, ended_on__isnull=True).values_list("person_id", "organization_id")
    )
    homes = {membership.pk: _home(membership) for membership in memberships}
    places = {area.pk for pair in homes.values() for area in pair}
    branches = (
        Branch.objects.visible_to(user)
        .filter(dissolved_on__isnull=True)
        .filter(Q(area__in=places) | Q(area__parent__in=places))
        .select_related("area")
        .order_by("area__path", "code")
    )
    near: dict[tuple[int, int], Branch] = {}  # (hamlet or commune, organization) -> a branch there
    for branch in branches:
        for key in ((branch.area_id, branch.organization_id), (branch.area.parent_id, branch.organization_id)):
            # A residential branch before a professional one: the member joins where they live.
            if key not in near or (near[key].kind != BranchKind.RESIDENTIAL and branch.kind == BranchKind.RESIDENTIAL):
                near[key] = branch
    found = {}
    for membership in memberships:
        person, day = membership.person, membership.ended_on
        hamlet, commune = homes[membership.pk]
        age = age_on(person, day)
        found[membership.pk] = [
            _suggestion(
                person,
                organization,
                near.get((hamlet.pk, organization.pk), near.get((commune.pk, organization.pk))),
                day,
            )
            for organization in organizations
            if organization.pk != membership.organization_id
            and (person.pk, organization.pk) not in already
            and takes(organization, age=age, gender=person.gender)
        ]
    return found


def _suggestion(person: Person, organization: Organization, branch: Branch | None, day: datetime.date) -> Suggestion:
    query = {"organization": organization.pk, "branch": branch.pk if branch else "", "joined_on": f"{day:%d/%m/%Y}"}
    url = f"{reverse('members:membership_add', args=[person.pk])}?{urlencode(query)}"
    return Suggestion(organization, branch, url)
