"""Member cards: the first issue and each reissue of a membership's card, and the members without one.

``Membership.card_number`` stays the card in use (the roll, the imports and the person page
read it); each card issued is a ``MemberCard``. The membership form may still change the
number without a card being issued: the person page then shows that number as the card in
use with no recorded issue, and the next issue first records it as a card of unknown date
(as ``book/0002`` did with the numbers kept before the book), so that no number is lost.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel, in_force_q
from areas.selectors import nearest_day, placement_on
from branches.models import Branch, Organization
from core.concurrency import ensure_current
from members import services as member_services
from members.models import Membership

from .models import CardReason, MemberCard


def _refuse(field_name: str | None, message: str, **params) -> ValidationError:
    error = ValidationError(message, params=params or None)
    return ValidationError({field_name: error}) if field_name else error


@transaction.atomic
def issue_card(
    *,
    membership: Membership,
    number: str,
    issued_on: datetime.date,
    reason: str,
    note: str = "",
    user=None,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> MemberCard:
    """Issue a card (the first, or a reissue with its reason) and make it the card in use.

    Refused for an ended membership, a date in the future or before the card in use, and a
    number that another current member of the organization holds. The number reaches the
    membership through ``members.services.update_membership``, so its history records it.
    """
    today = today or timezone.localdate()
    number = number.strip()
    ensure_current(membership, expected_version)
    membership = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    if membership.ended_on is not None:
        raise _refuse(None, _("This membership has ended: a card is issued only to a current member."))
    if issued_on > today:
        raise _refuse("issued_on", _("The date of issue cannot be in the future."))
    if issued_on < membership.joined_on:
        raise _refuse(
            "issued_on",
            _("The date of issue cannot be before the member joined (%(date)s)."),
            date=membership.joined_on.strftime("%d/%m/%Y"),
        )
    cards = list(membership.cards.order_by(F("issued_on").asc(nulls_first=True), "pk"))
    has_card = bool(membership.card_number) or bool(cards)
    if reason == CardReason.FIRST and has_card:
        raise _refuse("reason", _("This member already has a card: a new one is a reissue, with its reason."))
    if reason != CardReason.FIRST and not has_card:
        raise _refuse("reason", _("This member has no card to reissue: record the first issue."))
    dated = [card.issued_on for card in cards if card.issued_on is not None]
    if dated and issued_on < max(dated):
        raise _refuse(
            "issued_on",
            _("The date of issue cannot be before the card issued last (%(date)s)."),
            date=max(dated).strftime("%d/%m/%Y"),
        )
    if number and number in {card.number for card in cards} | {membership.card_number}:
        raise _refuse("number", _("This card number was already issued to this member."))
    # Two issues of one number at once would both pass the check: the organization's row, locked,
    # puts the issues of its cards one after the other.
    list(Organization.objects.select_for_update().filter(pk=membership.organization_id).values_list("pk"))
    if number and _held_by_another(membership, number):
        raise _refuse(
            "number",
            _("The card number %(number)s is already held by another current member of %(organization)s."),
            number=number,
            organization=membership.organization.name,
        )
    if membership.card_number and membership.card_number not in {card.number for card in cards}:
        # A number set on the membership form: kept in the history as a card of unknown date.
        kept = MemberCard(membership=membership, number=membership.card_number, reason=CardReason.FIRST)
        kept.full_clean()
        kept.save()
    card = MemberCard(
        membership=membership, number=number, issued_on=issued_on, reason=reason, note=note, recorded_by=user
    )
    card.full_clean()
    card.save()
    member_services.update_membership(
        membership=membership,
        expected_version=None,  # checked above
        card_number=number,
        introduced_to_party_on=membership.introduced_to_party_on,
        note=membership.note,
    )
    return card


def _held_by_another(membership: Membership, number: str) -> bool:
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id, ended_on__isnull=True, card_number=number
        )
        .exclude(pk=membership.pk)
        .exists()
    )


# --- The person page -----------------------------------------------------------------------


@dataclass
class CardBook:
    """A membership's cards: the one in use (None without a recorded issue) and those before it."""

    number: str  # the number in use, as the membership holds it
    in_use: MemberCard | None = None
    earlier: list[MemberCard] = field(default_factory=list)

    @property
    def unrecorded(self) -> bool:
        """The number in use was set on the membership, not by an issue recorded here."""
        return bool(self.number) and self.in_use is None


def cards_of(memberships: list[Membership]) -> dict[int, CardBook]:
    """Each membership's cards, the latest issued first (one query for all)."""
    books = {m.pk: CardBook(number=m.card_number) for m in memberships}
    cards = MemberCard.objects.filter(membership__in=list(books)).select_related("recorded_by")
    for card in cards.order_by("membership_id", F("issued_on").desc(nulls_last=True), "-pk"):
        book = books[card.membership_id]
        if book.in_use is None and not book.earlier and card.number == book.number:
            book.in_use = card
        else:
            book.earlier.append(card)
    return books


# --- Members without a card ------------------------------------------------------------------


def area_branches(area: Area, *, today: datetime.date) -> QuerySet[Branch]:
    """The branches placed in the area's subtree today (for an area that ended, on its last day)."""
    day = nearest_day(area, today)
    path = area.path
    if area.level == AreaLevel.HAMLET:
        placement = placement_on(area, day)
        path = placement.path if placement else path
    return Branch.objects.filter(in_force_q(day, "placements__"), placements__path__startswith=path)


def current_on(today: datetime.date) -> Q:
    return Q(joined_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def members_without_card(
    *, area: Area, user, today: datetime.date, branch: Branch | None = None
) -> QuerySet[Membership]:
    """The current members of the area's branches (or of one of them) with no card number, by branch."""
    branches = area_branches(area, today=today)
    if branch is not None:
        branches = branches.filter(pk=branch.pk)
    return (
        Membership.objects.visible_to(user)
        .filter(current_on(today), card_number="", branch_id__in=branches.values("pk"))
        .select_related("person", "branch__area", "organization")
        .order_by("branch__area__path", "branch__code", "person__sort_key", "pk")
    )


def without_card_by_branch(memberships: QuerySet[Membership]) -> list[dict]:
    """How many of them each branch has (one grouped query)."""
    return list(
        memberships.order_by()
        .values("branch_id", "branch__name", "branch__code")
        .annotate(count=Count("pk"))
        .order_by("branch__area__path", "branch__code")
    )
