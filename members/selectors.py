"""Reads of memberships, including the roll as it stood on any past date."""

import datetime
import re
from collections.abc import Collection

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Replace

from areas.models import Area, AreaLevel
from branches.models import Branch
from core.admin import folded_words_q
from core.folding import Folded
from core.vietnamese import fold

from . import privacy
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
    memberships = Membership.objects.visible_to(user).select_related(
        "person", "organization", "branch__area__parent__parent"
    )
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
        query = folded_words_q("person__name_key", text)
        if privacy.may_see_personal_numbers(user):
            query |= personal_number_q(text, prefix="person__")
        memberships = memberships.filter(query)
    return memberships.order_by("person__sort_key", "person_id", "organization__sort_order")


_NUMBER_SEPARATORS = re.compile(r"[\s.\-()]")


def _digits(text: str) -> str:
    return _NUMBER_SEPARATORS.sub("", text or "").removeprefix("+")


def looks_like_number(text: str) -> bool:
    """Digits, perhaps grouped with spaces, dots or dashes, perhaps after a "+": a CCCD or a phone number."""
    return _digits(text).isdigit()


def personal_number_q(text: str, *, prefix: str = "") -> Q:
    """People whose CCCD or phone is the number typed, exactly (a phone also as 0… for +84…, and back).

    Only for users who see personal numbers (``privacy.may_see_personal_numbers``): for anyone else
    the answer would tell who holds a number.
    """
    digits = _digits(text)
    if not digits.isdigit():
        return Q(pk__in=[])
    phones = {digits, text.strip()}
    local = f"0{digits[2:]}" if digits.startswith("84") and len(digits) >= 11 else digits
    if local.startswith("0"):
        phones |= {local, f"+84{local[1:]}", f"84{local[1:]}"}
    return Q(**{f"{prefix}cccd": digits}) | Q(**{f"{prefix}phone__in": sorted(phones)})


# ---------------------------------------------------------------------------
# Where a branch is: told apart from its namesakes


def same_name_communes(*, user) -> frozenset[tuple[str, str]]:
    """(unit type, name) of each commune name the user's area holds more than once (one query).

    A list naming "Xã Tân Phú" then also names its district (or, in the units of 2025, its province),
    so that a provincial officer tells the Tân Phú of one district from the other's.
    """
    rows = (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.COMMUNE)
        .values("unit_type", "name")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by()
    )
    return frozenset((row["unit_type"], row["name"]) for row in rows)


def branch_place(area: Area, same_name: Collection[tuple[str, str]] = ()) -> list[Area]:
    """Where a branch sits: its hamlet, the commune, and the commune's parent if the commune has a namesake.

    ``area`` comes with ``parent`` (and ``parent__parent``) selected.
    """
    places = [area]
    commune = area
    if area.level == AreaLevel.HAMLET and area.parent_id is not None:
        commune = area.parent
        places.append(commune)
    if commune.level == AreaLevel.COMMUNE and (commune.unit_type, commune.name) in same_name and commune.parent_id:
        places.append(commune.parent)
    return places


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


# ---------------------------------------------------------------------------
# The receiving branch of a transfer, found by typing


TRANSFER_MATCHES = 20


_CODE_SEPARATORS = re.compile(r"[\s._-]+")


def branch_matches(branches: QuerySet[Branch], text: str, *, limit: int = TRANSFER_MATCHES) -> list[Branch]:
    """The branches (of a queryset already limited to the user's area) that every word typed begins a word
    of: of the branch's name, its hamlet, its commune (with their unit types) or its code, whose parts
    ("30130", "01", "doan" in "30130-01-DOAN") count as words; ignoring case and diacritics
    ("ap 1 tan phu", "chi doan tan", "30130-01").

    At most ``limit`` + 1, in the order of the area tree, so that the page can say there are more.
    """
    words = _CODE_SEPARATORS.split(fold(text).strip())
    if not any(words):
        return []
    space = Value(" ")
    code_parts = Replace(Replace(Replace(F("code"), Value("-"), space), Value("."), space), Value("_"), space)
    folded = Folded(
        Concat(
            "name",
            space,
            "area__unit_type",
            space,
            "area__name",
            space,
            Coalesce(F("area__parent__unit_type"), Value("")),
            space,
            Coalesce(F("area__parent__name"), Value("")),
            space,
            code_parts,
            output_field=CharField(),
        )
    )
    # A space in front, so that " word" finds a word that begins the text too.
    matches = branches.annotate(haystack=Concat(space, folded, output_field=CharField()))
    for word in filter(None, words):
        matches = matches.filter(haystack__contains=f" {word}")
    return list(matches.select_related("area__parent__parent").order_by("area__path", "name", "pk")[: limit + 1])


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
