"""Letters of introduction (giấy giới thiệu sinh hoạt): issued, received, recorded from outside; the book.

A letter's number is its issuing commune's sequence of the year for the organization, the year, the
letter's mark and the organization's initials, then the commune's code: "12/2025/GGT-ĐTN-30130".
The year and the commune make it one letter's number in the whole application (the receiving staff
find it by that alone); a commune that took over the code of an earlier one in the same year (the
2025 reform reused codes) goes on from that one's numbers.

Sent to a branch of the application, the member stays on the old roll until that branch records the
arrival (``receive_letter``: a transfer on the day of arrival); sent outside, the membership ends as
transferred on the letter's date. A letter once received is no longer found.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel
from branches.models import Branch, Organization
from core.concurrency import ensure_current
from members.models import EndReason, Membership, Person
from members.services import create_member, create_membership, end_membership, transfer_membership

from .models import TransferLetter

LETTER_MARK = "GGT"  # giấy giới thiệu


def initials(organization: Organization) -> str:
    """ "Đoàn Thanh niên" -> "ĐTN", "Hội Nông dân" -> "HND"; the code for an organization without a short name."""
    words = organization.short_name.split()
    return "".join(word[0] for word in words).upper() if words else organization.code


def letter_number(*, sequence: int, year: int, organization: Organization, commune: Area) -> str:
    return f"{sequence}/{year}/{LETTER_MARK}-{initials(organization)}-{commune.code}"


def commune_of(branch: Branch) -> Area:
    """The commune a branch sits in today (``branch.area`` with its parent)."""
    return branch.area.parent if branch.area.level == AreaLevel.HAMLET else branch.area


def _next_sequence(*, commune: Area, organization: Organization, year: int) -> int:
    # Locked so that two letters issued at once do not take the same number.
    Area.objects.select_for_update().filter(pk=commune.pk).values_list("pk").first()
    last = TransferLetter.objects.filter(
        organization=organization, year=year, issuing_area__code=commune.code, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def pending_letter(membership: Membership) -> TransferLetter | None:
    """A letter to a branch of the application that is still waiting for the member's arrival."""
    return TransferLetter.objects.filter(
        membership=membership, to_branch__isnull=False, received_on__isnull=True
    ).first()


@transaction.atomic
def issue_letter(
    *,
    membership: Membership,
    issued_on: datetime.date,
    to_branch: Branch | None = None,
    to_description: str = "",
    reason: str = "",
    valid_until: datetime.date | None = None,
    user=None,
    expected_version: int | None = None,
) -> TransferLetter:
    """Issue a letter for a current membership, to a branch of the application or to a unit outside it."""
    ensure_current(membership, expected_version)
    to_description = to_description.strip()
    if (to_branch is None) == (not to_description):
        raise ValidationError(_("Name either a branch of the application or a unit outside it."))
    if membership.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    if issued_on < membership.joined_on:
        message = _("The date cannot be before the member joined (%(date)s).")
        raise ValidationError({"issued_on": message % {"date": membership.joined_on.strftime("%d/%m/%Y")}})
    if valid_until is not None and valid_until < issued_on:
        raise ValidationError({"valid_until": _("A letter cannot expire before its date.")})
    if to_branch is not None:
        if to_branch.organization_id != membership.organization_id:
            raise ValidationError(_("A membership can only move to a branch of the same organization."))
        if to_branch.pk == membership.branch_id:
            raise ValidationError(_("The member already belongs to this branch."))
        if to_branch.dissolved_on is not None:
            raise ValidationError(_("That branch was dissolved."))
    waiting = pending_letter(membership)
    if waiting is not None:
        raise ValidationError(
            _("Letter %(number)s of %(date)s is still waiting for the member's arrival.")
            % {"number": waiting.number, "date": waiting.issued_on.strftime("%d/%m/%Y")}
        )
    from_branch = Branch.objects.select_related("area__parent").get(pk=membership.branch_id)
    commune = commune_of(from_branch)
    organization = membership.organization
    sequence = _next_sequence(commune=commune, organization=organization, year=issued_on.year)
    letter = TransferLetter(
        number=letter_number(sequence=sequence, year=issued_on.year, organization=organization, commune=commune),
        year=issued_on.year,
        sequence=sequence,
        issuing_area=commune,
        organization=organization,
        person_id=membership.person_id,
        membership=membership,
        from_branch=from_branch,
        to_branch=to_branch,
        to_description=to_description,
        issued_on=issued_on,
        valid_until=valid_until,
        reason=reason.strip(),
        issued_by=user if getattr(user, "is_authenticated", False) else None,
    )
    letter.full_clean()
    letter.save()
    if to_branch is None:
        end_membership(
            membership=membership,
            on=issued_on,
            reason=EndReason.TRANSFERRED,
            note=to_description,
        )
    return letter


# --- Arrival -----------------------------------------------------------------------------------


def number_variants(typed: str) -> set[str]:
    """The ways a number may have been typed: without spaces, in capitals, with Đ typed as D."""
    number = "".join(typed.split()).upper()
    return {number, number.replace("D", "Đ")} if number else set()


def letters_to_receive(*, number: str, organization: Organization | None = None) -> QuerySet[TransferLetter]:
    """The letters of the application not yet received that bear exactly this number.

    The one read of letters not narrowed to the user's area: whoever holds the paper may record the
    arrival; the page shows what the paper shows.
    """
    letters = TransferLetter.objects.filter(
        number__in=number_variants(number), from_branch__isnull=False, received_on__isnull=True
    )
    if organization is not None:
        letters = letters.filter(organization=organization)
    return letters.select_related(
        "organization",
        "person__residence__parent",
        "membership",
        "issuing_area",
        "issued_by",
        "from_branch__area__parent",
        "to_branch__area__parent",
    ).order_by("organization__sort_order", "pk")


def arrival_note(letter: TransferLetter) -> str:
    return _("Letter of introduction %(number)s") % {"number": letter.number}


@transaction.atomic
def receive_letter(*, letter: TransferLetter, branch: Branch, on: datetime.date, user=None) -> TransferLetter:
    """Record the member's arrival in ``branch`` on ``on``: the membership moves there from that day
    (or, when it had ended, for a letter to outside, a new one begins there), and the letter is received."""
    letter = TransferLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.received_on is not None or letter.from_branch_id is None:
        raise ValidationError(_("This letter was already received."))
    if branch.organization_id != letter.organization_id:
        raise ValidationError({"branch": _("The branch belongs to another organization.")})
    if branch.dissolved_on is not None and branch.dissolved_on <= on:
        raise ValidationError({"branch": _("That branch was dissolved before the date of the transfer.")})
    if on < letter.issued_on:
        message = _("The member cannot arrive before the date of the letter (%(date)s).")
        raise ValidationError({"on": message % {"date": letter.issued_on.strftime("%d/%m/%Y")}})
    membership = letter.membership
    if membership is not None and membership.ended_on is None:
        if membership.branch_id != branch.pk:  # already moved there by hand: only the letter is left
            membership = transfer_membership(
                membership=membership, to_branch=branch, on=on, reason=arrival_note(letter)
            )
    else:
        person = Person.objects.get(pk=letter.person_id)
        card = membership.card_number if membership is not None else ""
        membership = create_membership(
            person=person, branch=branch, joined_on=on, card_number=card, note=arrival_note(letter)
        )
    letter.received_on, letter.received_branch, letter.received_membership = on, branch, membership
    letter.full_clean()
    letter.save(update_fields=["received_on", "received_branch", "received_membership"])
    return letter


@transaction.atomic
def record_letter_from_outside(
    *,
    person_fields: dict,
    branch: Branch,
    received_on: datetime.date,
    number: str,
    from_description: str,
    issued_on: datetime.date,
    status: str,
    card_number: str = "",
    introduced_to_party_on: datetime.date | None = None,
) -> TransferLetter:
    """A member who arrives with a letter from outside the application: the person, their membership
    in ``branch`` from the day of arrival, and the letter (its number as printed), received."""
    if not from_description.strip():
        raise ValidationError({"from_description": _("Name the unit that sent the letter.")})
    if received_on < issued_on:
        message = _("The member cannot arrive before the date of the letter (%(date)s).")
        raise ValidationError({"received_on": message % {"date": issued_on.strftime("%d/%m/%Y")}})
    membership = create_member(
        person_fields=person_fields,
        branch=branch,
        joined_on=received_on,
        status=status,
        card_number=card_number,
        introduced_to_party_on=introduced_to_party_on,
    )
    letter = TransferLetter(
        number=" ".join(number.split()),
        year=issued_on.year,
        organization_id=branch.organization_id,
        person=membership.person,
        from_description=from_description.strip(),
        issued_on=issued_on,
        received_on=received_on,
        received_branch=branch,
        received_membership=membership,
    )
    letter.full_clean()
    letter.save()
    membership.note = arrival_note(letter)
    membership.save(update_fields=["note"])
    return letter


# --- Reads -------------------------------------------------------------------------------------


def letter_for_page(*, pk: int, user) -> TransferLetter:
    """A letter the user's area sent or received (``TransferLetter.scope_q``), with what its page prints."""
    return (
        TransferLetter.objects.visible_to(user)
        .select_related(
            "organization",
            "person__residence__parent",
            "membership",
            "from_branch__area__parent",
            "issuing_area",
            "to_branch__area__parent",
            "received_branch__area",
            "issued_by",
        )
        .get(pk=pk)
    )


def person_letters(*, person: Person, user) -> list[TransferLetter]:
    return list(
        TransferLetter.objects.visible_to(user)
        .filter(person=person)
        .select_related("organization", "from_branch", "to_branch", "received_branch")
        .order_by("-issued_on", "-pk")
    )


@dataclass
class LetterBook:
    sent: list[TransferLetter]
    received: list[TransferLetter]


def letter_book(*, area: Area, year: int, user, organization: Organization | None = None) -> LetterBook:
    """The letters sent by the area's branches (today's) in the year, and those they received in it: two queries."""
    letters = TransferLetter.objects.visible_to(user).select_related(
        "organization", "person", "from_branch__area__parent", "to_branch__area__parent", "received_branch__area"
    )
    if organization is not None:
        letters = letters.filter(organization=organization)
    sent = letters.filter(from_branch__area__path__startswith=area.path, issued_on__year=year).order_by(
        "issued_on", "issuing_area__code", "sequence", "pk"
    )
    received = letters.filter(received_branch__area__path__startswith=area.path, received_on__year=year).order_by(
        "received_on", "pk"
    )
    return LetterBook(sent=list(sent), received=list(received))


def sender_label(letter: TransferLetter) -> str:
    """Who sent a letter: the branch and its commune, or the unit outside as the letter names it."""
    if letter.from_branch_id is None:
        return letter.from_description
    return f"{letter.from_branch.name} ({commune_of(letter.from_branch)})"


def destination_label(letter: TransferLetter) -> str:
    if letter.to_branch_id is None:
        return letter.to_description
    return f"{letter.to_branch.name} ({commune_of(letter.to_branch)})"
