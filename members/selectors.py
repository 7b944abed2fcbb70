"""Reads of memberships, including the roll as it stood on any past date."""

import datetime
from collections.abc import Collection

from django.db.models import Prefetch, Q, QuerySet

from branches.models import Branch
from core.admin import folded_words_q
from core.vietnamese import fold

from .models import Membership, MembershipPeriod, Person


def in_force_on(on: datetime.date) -> Q:
    """Periods that contain the date (``valid_to`` is exclusive; an open period has none)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def periods_on(on: datetime.date) -> QuerySet[MembershipPeriod]:
    """The membership periods in force on a date: each membership's branch and status that day."""
    return MembershipPeriod.objects.filter(in_force_on(on))


def roll_on(*, on: datetime.date, user=None) -> QuerySet[MembershipPeriod]:
    """Memberships as of a date with their branch, status and person, limited to the user's area."""
    periods = periods_on(on)
    if user is not None:
        periods = periods.visible_to(user)
    return periods.select_related("membership__person", "membership__organization", "branch")


# ---------------------------------------------------------------------------
# The member pages


ENDED = "ended"


def member_list(
    *,
    user,
    text: str = "",
    organization=None,
    status: str = "",
    gender: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    branch=None,
    today: datetime.date,
) -> QuerySet[Membership]:
    """Memberships in the user's area, filtered, in the Vietnamese order of the members' names.

    Current memberships unless ``status`` is "ended". Ages count by birth year, as rolls do.
    """
    memberships = Membership.objects.visible_to(user).select_related("person", "organization", "branch__area__parent")
    if status == ENDED:
        memberships = memberships.filter(ended_on__isnull=False)
    else:
        memberships = memberships.filter(ended_on__isnull=True)
        if status:
            memberships = memberships.filter(status=status)
    if branch is not None:
        memberships = memberships.filter(branch=branch)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    if gender:
        memberships = memberships.filter(person__gender=gender)
    if age_min is not None:
        memberships = memberships.filter(person__birth_year__lte=today.year - age_min)
    if age_max is not None:
        memberships = memberships.filter(person__birth_year__gte=today.year - age_max)
    if text.strip():
        memberships = memberships.filter(folded_words_q("person__name_key", text))
    return memberships.order_by("person__sort_key", "person_id", "organization__sort_order")


def possible_duplicates(
    *,
    user,
    full_name: str = "",
    birth_date: datetime.date | None = None,
    birth_year: int | None = None,
    cccd: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Person]:
    """People in the user's area who may be the one being entered: same CCCD, or same name and birth."""
    query = Q(pk__in=[])
    if cccd:
        query |= Q(cccd=cccd)
    name_key = fold(full_name)
    year = birth_date.year if birth_date else birth_year
    if name_key and year:
        same_birth = Q(birth_year=year)
        if birth_date:
            # A person recorded with a birth year only may be the same one.
            same_birth &= Q(birth_date__isnull=True) | Q(birth_date=birth_date)
        query |= Q(name_key=name_key) & same_birth
    people = Person.objects.visible_to(user).filter(query).select_related("residence")
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    return people.order_by("sort_key", "pk")[:10]


def cccd_held_outside_area(*, user, cccd: str, exclude_pk: int | None = None) -> bool:
    """Whether the CCCD number is recorded for another person, one the user does not see.

    A number is unique in the whole system, so the question looks beyond the user's area; the
    answer says only that, so that a form can refuse the number without naming who holds it.
    """
    if not cccd:
        return False
    holders = Person.objects.filter(cccd=cccd)
    if exclude_pk is not None:
        holders = holders.exclude(pk=exclude_pk)
    return holders.exists() and not holders.visible_to(user).exists()


def person_memberships(*, person: Person, user) -> list[Membership]:
    """The person's memberships that the user sees, each with its periods (branch and status over time)."""
    periods = Prefetch(
        "periods",
        queryset=MembershipPeriod.objects.select_related("branch__area").order_by("valid_from"),
    )
    return list(
        Membership.objects.visible_to(user)
        .filter(person=person)
        .select_related("organization", "branch__area")
        .prefetch_related(periods)
        .order_by("ended_on", "organization__sort_order", "-joined_on")
    )


def person_changes(person: Person, *, limit: int = 20, hidden: Collection[str] = ()) -> list:
    """The latest changes to the person's details, newest first, each with the fields it changed.

    The ``hidden`` fields (personal ones, for a user who only reads) are left out, and so is a
    change that touched nothing else.
    """
    records = list(person.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    changes = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        if len(changes) == limit:
            break
        changed = []
        if previous is not None:
            fields = [change.field for change in record.diff_against(previous).changes]
            changed = [Person._meta.get_field(field).verbose_name for field in fields if field not in hidden]
            if fields and not changed:
                continue
        changes.append({"record": record, "fields": changed})
    return changes


def transfer_destination(*, code: str, organization) -> Branch | None:
    """A branch named by its exact code on a transfer letter, inside or outside the user's area.

    The one read not narrowed to the user's area: a member may move to another district.
    Only a branch of the same organization, still active, answers; nothing else is shown.
    """
    return (
        Branch.objects.filter(code=code.strip(), organization=organization, dissolved_on__isnull=True)
        .select_related("area")
        .first()
    )
