"""The member book's sections on the pages below it: each membership's cards, a person's awards and
discipline, and the link to the members without a card on an area's and a branch's page."""

from django.urls import reverse

from core import panels
from core.panels import Section

from . import awards, cards

CARDS_ORDER = 10
AWARDS_ORDER = 20


def membership_cards(*, memberships, user) -> dict[int, Section]:
    """The card in use and those before it, per membership (one query for all)."""
    books = cards.cards_of(memberships)
    return {
        membership.pk: Section(
            "book/cards_membership.html",
            {"book": books[membership.pk], "may_issue": user.can_edit and membership.ended_on is None},
            order=CARDS_ORDER,
        )
        for membership in memberships
    }


def person_awards(*, person, user) -> Section | None:
    found = list(awards.person_awards(person=person, user=user))
    if not found and not user.can_edit:
        return None
    return Section("book/awards_person.html", {"person": person, "awards": found}, order=AWARDS_ORDER)


def area_missing_cards(*, area, user) -> Section:
    return Section("book/cards_missing_link.html", {"url": reverse("book:cards_missing", args=[area.key])})


def branch_missing_cards(*, branch, user) -> Section:
    url = f"{reverse('book:cards_missing', args=[branch.area.key])}?branch={branch.pk}"
    return Section("book/cards_missing_link.html", {"url": url}, order=CARDS_ORDER)


def register_cards_and_awards() -> None:
    panels.membership_section(membership_cards)
    panels.section("person")(person_awards)
    panels.section("area")(area_missing_cards)
    panels.section("branch")(branch_missing_cards)
