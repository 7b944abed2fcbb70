"""The member book's sections on the pages below it: the letters of introduction of a person and the
button that issues one for a current membership; ageing out, the arrival of a member and the book of
letters from an area's and a branch's page."""

from django.urls import reverse
from django.utils import timezone

from core import panels
from core.panels import Section

from . import letters

LETTERS_ORDER = 30
AGEING_ORDER = 40


def membership_letter(*, memberships, user) -> dict[int, Section]:
    """The "transfer with a letter" button of each current membership (no query)."""
    if not user.can_edit:
        return {}
    return {
        membership.pk: Section(
            "book/letter_membership.html",
            {"url": reverse("book:letter_issue", args=[membership.pk])},
            order=LETTERS_ORDER,
        )
        for membership in memberships
        if membership.ended_on is None
    }


def person_letters(*, person, user) -> Section | None:
    """The letters of the person that the user's area sent or received (one query)."""
    found = letters.person_letters(person=person, user=user)
    if not found:
        return None
    return Section("book/letter_person.html", {"letters": found}, order=LETTERS_ORDER)


def area_book(*, area, user) -> Section | None:
    if area.valid_to is not None:
        return None
    year = timezone.localdate().year
    data = {
        "ageing_url": reverse("book:ageing", args=[area.key, year]),
        "book_url": reverse("book:letter_book", args=[area.key, year]),
        "receive_url": reverse("book:letter_receive") if user.can_edit else "",
    }
    return Section("book/letter_buttons.html", data, order=LETTERS_ORDER)


def branch_book(*, branch, user) -> Section:
    year = timezone.localdate().year
    commune = letters.commune_of(branch)
    ageing = ""
    if branch.organization.max_age is not None:  # only organizations with an age limit have members age out
        ageing = f"{reverse('book:ageing', args=[branch.area.key, year])}?branch={branch.pk}"
    data = {
        "ageing_url": ageing,
        "book_url": reverse("book:letter_book", args=[commune.key, year]),
        "receive_url": f"{reverse('book:letter_receive')}?branch={branch.pk}" if user.can_edit else "",
    }
    return Section("book/letter_buttons.html", data, order=LETTERS_ORDER)


def register_letters_and_ageing() -> None:
    panels.membership_section(membership_letter)
    panels.section("person")(person_letters)
    panels.section("area")(area_book)
    panels.section("branch")(branch_book)
