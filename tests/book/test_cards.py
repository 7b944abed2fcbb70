"""Member cards: the first issue and a reissue keep the history and set the card in use; refusals
say why and write nothing; the members without a card, on the page and in the download, against a
count made here from the memberships; every new page answers 404 outside the user's area."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from book import cards
from book.models import CardReason, MemberCard
from core.concurrency import STALE_MESSAGE
from core.models import DownloadLog
from members import services as member_services
from members.models import Membership
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures
from tests.pages import says

D = datetime.date


def issue_url(membership) -> str:
    return reverse("book:card_issue", args=[membership.pk])


def post_issue(client, membership, **values):
    data = {"number": "DV2024-001", "issued_on": "05/03/2024", "note": "", "version": membership.version}
    data.update(values)
    return client.post(issue_url(membership), data)


def card_state(membership) -> tuple:
    membership.refresh_from_db()
    return membership.card_number, list(MemberCard.objects.filter(membership=membership).values_list("number"))


# --- Issue and reissue ------------------------------------------------------------------


def test_the_first_issue_sets_the_card_in_use_and_the_membership_history_records_it(as_district_a, world):
    membership = world.membership_anh

    response = post_issue(as_district_a, membership)

    assert response.status_code == 302
    card = MemberCard.objects.get(membership=membership)
    assert (card.number, card.issued_on, card.reason) == ("DV2024-001", D(2024, 3, 5), CardReason.FIRST)
    assert card.recorded_by.username == "huyen-a"
    membership.refresh_from_db()
    assert membership.card_number == "DV2024-001"
    assert membership.history.latest().card_number == "DV2024-001"
    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    in_use = page.content.decode().split('data-testid="card-in-use"')[1].split("</tr>")[0]
    assert "DV2024-001" in in_use and "05/03/2024" in in_use


def test_a_reissue_keeps_the_card_it_replaces(as_district_a, world):
    membership = world.membership_anh
    post_issue(as_district_a, membership, number="DV2021-007", issued_on="10/01/2021")
    membership.refresh_from_db()

    response = post_issue(as_district_a, membership, number="DV2024-050", issued_on="01/06/2024", reason="lost")

    assert response.status_code == 302
    assert card_state(membership) == ("DV2024-050", [("DV2021-007",), ("DV2024-050",)])
    book = cards.cards_of([membership])[membership.pk]
    assert book.in_use.number == "DV2024-050" and book.in_use.reason == CardReason.LOST
    assert [card.number for card in book.earlier] == ["DV2021-007"]
    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    assert page.content.decode().count('data-testid="card-earlier"') == 1
    assert says(page, CardReason.LOST.label)


def test_a_number_changed_on_the_membership_form_stays_in_the_card_history(as_district_a, world):
    membership = world.membership_anh
    member_services.update_membership(
        membership=membership, expected_version=None, card_number="CU-123", introduced_to_party_on=None, note=""
    )

    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    assert says(page, gettext("Recorded on the membership; no issue recorded in the book."))
    assert 'data-testid="card-reissue"' in page.content.decode()

    membership.refresh_from_db()
    post_issue(as_district_a, membership, number="DV2024-900", issued_on="02/02/2024", reason="damaged")

    kept = MemberCard.objects.get(membership=membership, number="CU-123")
    assert kept.issued_on is None
    assert card_state(membership)[0] == "DV2024-900"
    assert [c.number for c in cards.cards_of([membership])[membership.pk].earlier] == ["CU-123"]


# --- Refusals ---------------------------------------------------------------------------


@pytest.fixture
def anh_holds_a_card(world):
    cards.issue_card(
        membership=world.membership_anh, number="DV-HELD", issued_on=D(2022, 1, 1), reason=CardReason.FIRST
    )
    world.membership_anh.refresh_from_db()
    return world.membership_anh


def test_a_number_held_by_another_current_member_is_refused(as_district_a, world, anh_holds_a_card):
    dung = world.membership_dung
    before = card_state(dung)

    response = post_issue(as_district_a, dung, number="DV-HELD")

    assert response.status_code == 200
    message = gettext("The card number %(number)s is already held by another current member of %(organization)s.") % {
        "number": "DV-HELD",
        "organization": dung.organization.name,
    }
    assert says(response, message)
    assert card_state(dung) == before


def test_a_number_of_a_former_member_or_of_another_organization_may_be_issued(world, anh_holds_a_card):
    other_org = factories.membership(factories.branch(world.tree.hamlet_a1, "HND"), person=world.dung)
    cards.issue_card(membership=other_org, number="DV-HELD", issued_on=D(2023, 1, 1), reason=CardReason.FIRST)
    member_services.end_membership(membership=anh_holds_a_card, on=D(2024, 1, 1), reason="aged_out")
    cards.issue_card(membership=world.membership_dung, number="DV-HELD", issued_on=D(2024, 2, 1), reason="first")
    assert Membership.objects.filter(card_number="DV-HELD").count() == 3


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"issued_on": "31/12/2099"}, "issued_on", "The date of issue cannot be in the future."),
        ({"issued_on": "01/01/2019"}, "issued_on", "The date of issue cannot be before the member joined (%(date)s)."),
        ({"number": ""}, "number", None),
    ],
    ids=["future", "before-joining", "no-number"],
)
def test_a_first_issue_with_a_wrong_date_or_no_number_is_refused(as_district_a, world, values, field, message):
    membership = world.membership_anh
    before = card_state(membership)

    response = post_issue(as_district_a, membership, **values)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert says(response, gettext(message) % {"date": "01/01/2020"})
    assert card_state(membership) == before


def test_an_issue_drawn_from_a_stale_page_is_refused(as_district_a, world):
    membership = world.membership_anh
    stale = membership.version
    member_services.update_membership(
        membership=membership, expected_version=None, card_number="", introduced_to_party_on=None, note="Đổi"
    )
    before = card_state(membership)

    response = post_issue(as_district_a, membership, version=stale)

    assert says(response, STALE_MESSAGE)
    assert card_state(membership) == before


def test_a_reissue_dated_before_the_card_in_use_is_refused(as_district_a, world, anh_holds_a_card):
    before = card_state(anh_holds_a_card)

    response = post_issue(as_district_a, anh_holds_a_card, number="DV-NEW", issued_on="31/12/2021", reason="lost")

    assert says(
        response,
        gettext("The date of issue cannot be before the card issued last (%(date)s).") % {"date": "01/01/2022"},
    )
    assert card_state(anh_holds_a_card) == before


def test_the_same_number_again_and_the_wrong_reason_are_refused(world, anh_holds_a_card):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as same:
        cards.issue_card(membership=anh_holds_a_card, number="DV-HELD", issued_on=D(2023, 1, 1), reason="lost")
    assert same.value.message_dict["number"] == [gettext("This card number was already issued to this member.")]
    with pytest.raises(ValidationError) as first:
        cards.issue_card(membership=anh_holds_a_card, number="DV-2", issued_on=D(2023, 1, 1), reason="first")
    assert "reason" in first.value.message_dict
    with pytest.raises(ValidationError) as nothing:
        cards.issue_card(membership=world.membership_dung, number="DV-3", issued_on=D(2023, 1, 1), reason="lost")
    assert "reason" in nothing.value.message_dict
    assert card_state(anh_holds_a_card) == ("DV-HELD", [("DV-HELD",)])


def test_an_ended_membership_gets_no_card(as_district_a, world):
    membership = member_services.end_membership(membership=world.membership_anh, on=D(2024, 1, 1), reason="removed")

    page = as_district_a.get(issue_url(membership))
    response = post_issue(as_district_a, membership)

    assert page.status_code == 302 and response.status_code == 302
    assert not MemberCard.objects.filter(membership=membership).exists()
    followed = as_district_a.get(response.url)
    assert says(followed, gettext("This membership has ended: a card is issued only to a current member."))


def test_a_provincial_officer_reads_the_cards_but_issues_none(as_province, world, anh_holds_a_card):
    page = as_province.get(reverse("members:person", args=[world.anh.pk]))
    assert "DV-HELD" in page.content.decode() and 'data-testid="card-reissue"' not in page.content.decode()
    assert as_province.get(issue_url(world.membership_dung)).status_code == 403


# --- Members without a card -----------------------------------------------------------


@pytest.fixture
def roll(world):
    """Beside the world's three members without a card: one with a card, one ended, one of another
    organization in the second hamlet, one who joins tomorrow."""
    tree = world.tree
    hnd = factories.branch(tree.hamlet_a2, "HND", code="A2-HND")
    with_card = factories.membership(world.a2, person=factories.person("Trần Thị Có Thẻ"), card_number="DV-9")
    ended = factories.membership(world.a1, person=factories.person("Lý Văn Nghỉ"))
    member_services.end_membership(membership=ended, on=D(2024, 6, 1), reason="resigned")
    farmer = factories.membership(hnd, person=factories.person("Võ Văn Nông"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    factories.membership(world.a2, person=factories.person("Mai Văn Mai"), joined_on=tomorrow)
    return {"hnd": hnd, "with_card": with_card, "ended": ended, "farmer": farmer}


def expected_without_card(area_path: str, branch=None) -> set[int]:
    """Counted here: every membership read once, filtered in Python."""
    today = timezone.localdate()
    found = set()
    for m in Membership.objects.select_related("branch__area"):
        current = m.joined_on <= today and (m.ended_on is None or m.ended_on > today)
        in_area = m.branch.area.path.startswith(area_path) and (branch is None or m.branch_id == branch.pk)
        if current and in_area and not m.card_number:
            found.add(m.pk)
    return found


def listed(response) -> set[int]:
    return {m.pk for m in response.context["page"].paginator.object_list}


def test_the_list_holds_the_current_members_of_the_area_without_a_card(as_district_a, world, roll):
    commune = world.tree.commune_a

    response = as_district_a.get(reverse("book:cards_missing", args=[commune.key]))

    assert response.status_code == 200
    expected = expected_without_card(commune.path)
    assert listed(response) == expected
    assert expected == {world.membership_anh.pk, world.membership_dung.pk, roll["farmer"].pk}
    assert world.membership_be.pk not in listed(response)  # another district
    assert {row["branch__code"]: row["count"] for row in response.context["by_branch"]} == {"A1-DOAN": 2, "A2-HND": 1}
    assert "Lý Văn Nghỉ" not in response.content.decode()


def test_a_branch_of_the_list_and_its_download(as_district_a, world, roll):
    commune = world.tree.commune_a
    url = reverse("book:cards_missing", args=[commune.key])

    one = as_district_a.get(url, {"branch": world.a1.pk})
    download = as_district_a.get(url, {"format": "xlsx"})

    assert listed(one) == expected_without_card(commune.path, world.a1)
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    expected = Membership.objects.filter(pk__in=expected_without_card(commune.path))
    assert sorted(names) == sorted(m.person.full_name for m in expected)
    logged = DownloadLog.objects.get()
    assert (logged.kind, logged.rows, logged.username) == ("members", len(names), "huyen-a")


def test_the_area_and_branch_pages_link_to_the_list(as_district_a, world):
    area = as_district_a.get(reverse("branches:area", args=[world.tree.commune_a.key]))
    branch = as_district_a.get(reverse("branches:branch", args=[world.a1.pk]))
    assert reverse("book:cards_missing", args=[world.tree.commune_a.key]) in area.content.decode()
    assert f"{reverse('book:cards_missing', args=[world.tree.hamlet_a1.key])}?branch={world.a1.pk}" in (
        branch.content.decode()
    )


def _more_members(world, count: int) -> None:
    for i in range(count):
        branch = factories.branch(world.tree.hamlet_a2, "LHPN" if i % 2 else "CCB", code=f"A2-X{i}")
        factories.membership(branch, person=factories.person(f"Phan Thị Số {i}"))
        factories.membership(world.a1, person=factories.person(f"Đỗ Văn Số {i}"))


def test_the_list_and_its_download_run_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("book:cards_missing", args=[world.tree.commune_a.key])
    with CaptureQueriesContext(connection) as page_small, CaptureQueriesContext(connection):
        as_district_a.get(url)
    with CaptureQueriesContext(connection) as xlsx_small:
        as_district_a.get(url, {"format": "xlsx"})
    _more_members(world, 30)  # 62 members: two pages
    with django_assert_num_queries(len(page_small.captured_queries)):
        response = as_district_a.get(url, {"page": 2})
    assert response.context["page"].paginator.num_pages == 2
    with django_assert_num_queries(len(xlsx_small.captured_queries)):
        as_district_a.get(url, {"format": "xlsx"})


def test_the_person_page_reads_all_cards_in_one_query(as_district_a, world, django_assert_num_queries):
    url = reverse("members:person", args=[world.anh.pk])
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    cards.issue_card(membership=world.membership_anh, number="A-1", issued_on=D(2021, 1, 1), reason="first")
    cards.issue_card(membership=world.membership_anh, number="A-2", issued_on=D(2022, 1, 1), reason="lost")
    for org in ("HND", "LHPN"):
        membership = factories.membership(factories.branch(world.tree.hamlet_a1, org), person=world.anh)
        cards.issue_card(membership=membership, number=f"{org}-1", issued_on=D(2023, 1, 1), reason="first")
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)


# --- Scope ------------------------------------------------------------------------------


def test_another_district_gets_404_on_every_card_page(as_district_b, world, roll):
    before = (MemberCard.objects.count(), list(Membership.objects.values_list("pk", "card_number")))
    commune = world.tree.commune_a
    missing = reverse("book:cards_missing", args=[commune.key])
    own_missing = reverse("book:cards_missing", args=[world.tree.commune_b.key])
    for url, query in [
        (issue_url(world.membership_anh), {}),
        (missing, {}),
        (missing, {"format": "xlsx"}),
        (missing, {"branch": world.a1.pk}),
        # Their own commune's list, asked for a branch of another district.
        (own_missing, {"branch": world.a1.pk}),
    ]:
        assert as_district_b.get(url, query).status_code == 404, (url, query)
    assert post_issue(as_district_b, world.membership_anh).status_code == 404
    assert (MemberCard.objects.count(), list(Membership.objects.values_list("pk", "card_number"))) == before
    assert not DownloadLog.objects.exists()
    assert as_district_b.get(own_missing).status_code == 200
