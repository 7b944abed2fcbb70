"""A branch's grid of its members' ratings: who is on it, drafts, submission, approval, sending back, locks,
refusals that write nothing, scope and a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role
from core.concurrency import STALE_MESSAGE
from members import services as member_services
from ratings import member_services as services
from ratings.models import Grade, MemberRating, RatingState
from tests import factories
from tests.pages import says, text

D = datetime.date
YEAR = 2024


def grade(code: str, scheme: str = "NHIEMVU") -> Grade:
    return Grade.objects.get(scheme__code=scheme, code=code)


def grid_url(branch, year: int = YEAR) -> str:
    return reverse("ratings:member_grid", args=[branch.pk, year])


def line(membership, grade_code: str = "", note: str = "", version="") -> dict:
    prefix = f"m{membership.pk}-"
    value = grade(grade_code).pk if grade_code else ""
    return {f"{prefix}grade": value, f"{prefix}note": note, f"{prefix}version": version}


def rate(membership, grade_code: str = "well_done", state: str = RatingState.DRAFT, year: int = YEAR, **fields):
    if state == RatingState.APPROVED:
        fields.setdefault("approved_at", timezone.now())
    return MemberRating.objects.create(
        membership=membership, year=year, grade=grade(grade_code), state=state, **fields
    )


def said(response, singular: str, plural: str, count: int) -> bool:
    """The page shows the plural message, in the language it was rendered in."""
    with translation.override(response.get("Content-Language") or "vi"):
        return escape(ngettext(singular, plural, count) % {"count": count}) in text(response)


def lines_of(response) -> dict:
    return {form.row.membership.person.full_name: form.row.state for form in response.context["lines"]}


@pytest.fixture
def moves(world):
    """Around 2024 in branch A1: a member who joined in November, one who left in March, one who
    left before 2024, one who joined in 2025, one transferred from A1 to A2 in June, one from A2 to A1."""
    tree = world.tree

    def member(name, branch, joined_on):
        return factories.membership(
            branch, person=factories.person(name, residence=tree.hamlet_a1), joined_on=joined_on
        )

    joined = member("Trần Văn Mới", world.a1, D(2024, 11, 5))
    left = member_services.end_membership(
        membership=member("Lê Thị Đi", world.a1, D(2019, 1, 1)), on=D(2024, 3, 15), reason="transferred"
    )
    gone = member_services.end_membership(
        membership=member("Phạm Văn Cũ", world.a1, D(2019, 1, 1)), on=D(2024, 1, 1), reason="resigned"
    )
    later = member("Võ Thị Sau", world.a1, D(2025, 1, 2))
    out = member_services.transfer_membership(
        membership=member("Huỳnh Văn Chuyển", world.a1, D(2020, 1, 1)), to_branch=world.a2, on=D(2024, 6, 1)
    )
    came = member_services.transfer_membership(
        membership=member("Ngô Thị Đến", world.a2, D(2020, 1, 1)), to_branch=world.a1, on=D(2024, 6, 1)
    )
    return world, {"joined": joined, "left": left, "gone": gone, "later": later, "out": out, "came": came}


def test_the_grid_lists_the_members_to_rate_in_the_year(as_district_a, moves):
    world, m = moves
    response = as_district_a.get(grid_url(world.a1))
    assert response.status_code == 200
    names = [form.row.membership.person.full_name for form in response.context["lines"]]
    # In A1 on 31/12/2024, or in A1 on their last day as members during 2024; in the Vietnamese order.
    assert sorted(names) == sorted(["Nguyễn Văn Ánh", "Đặng Thị Dung", "Trần Văn Mới", "Lê Thị Đi", "Ngô Thị Đến"])
    assert names.index("Nguyễn Văn Ánh") < names.index("Trần Văn Mới")  # Ánh before Mới: given names first
    assert [
        form.row.membership.person.full_name for form in as_district_a.get(grid_url(world.a2)).context["lines"]
    ] == ["Huỳnh Văn Chuyển"]
    assert [g.code for g in response.context["lines"][0].grades] == ["excellent", "well_done", "done", "not_done"]
    # Lê Thị Đi ended on 15/03/2024: her last day as a member was the 14th.
    left = next(form for form in response.context["lines"] if form.row.membership == m["left"])
    assert left.row.left_on == D(2024, 3, 14) and "14/03/2024" in text(response)


def test_save_draft_then_submit(as_district_a, world):
    url = grid_url(world.a1)
    anh, dung = world.membership_anh, world.membership_dung
    response = as_district_a.post(url, {"action": "save", **line(anh, "excellent", "Tiêu biểu"), **line(dung)})
    assert response.status_code == 302
    rating = MemberRating.objects.get(membership=anh, year=YEAR)
    assert (rating.grade.code, rating.note, rating.state) == ("excellent", "Tiêu biểu", RatingState.DRAFT)
    assert not MemberRating.objects.filter(membership=dung).exists()

    response = as_district_a.post(
        url,
        {"action": "submit", **line(anh, "excellent", "Tiêu biểu", rating.version), **line(dung, "done")},
        follow=True,
    )
    assert lines_of(response) == {"Nguyễn Văn Ánh": "submitted", "Đặng Thị Dung": "submitted"}
    assert said(
        response, "%(count)s rating was submitted for approval.", "%(count)s ratings were submitted for approval.", 2
    )
    rating.refresh_from_db()
    assert rating.submitted_at is not None


def test_a_line_in_error_saves_nothing(as_district_a, world):
    anh, dung = world.membership_anh, world.membership_dung
    response = as_district_a.post(
        grid_url(world.a1), {"action": "save", **line(anh, "excellent"), **line(dung, "", "a note without a grade")}
    )
    assert response.status_code == 400
    assert "grade" in response.context["lines"][1].errors or "grade" in response.context["lines"][0].errors
    assert not MemberRating.objects.exists()


def test_provincial_officer_approves_and_the_rating_is_locked(client, province_user, district_a, world):
    anh = world.membership_anh
    rating = rate(anh, "well_done", RatingState.SUBMITTED)
    client.force_login(province_user)
    response = client.get(grid_url(world.a1))
    assert response.context["may_review"] and not response.context["may_edit"]
    # Provincial officers do not enter grades.
    assert client.post(grid_url(world.a1), {"action": "save", **line(anh, "not_done")}).status_code == 403
    response = client.post(
        grid_url(world.a1), {"action": "approve", "selected": [rating.pk], f"m{anh.pk}-version": rating.version}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.state, rating.approved_by) == (RatingState.APPROVED, province_user)

    client.force_login(district_a)
    response = client.get(grid_url(world.a1))
    approved = next(form for form in response.context["lines"] if form.row.rating == rating)
    assert not approved.editable and approved.fields["grade"].disabled
    client.post(grid_url(world.a1), {"action": "save", **line(anh, "not_done", version=rating.version)})
    rating.refresh_from_db()
    assert (rating.grade.code, rating.state) == ("well_done", RatingState.APPROVED)
    with pytest.raises(ValidationError) as refused:
        services.save_member_grid(
            user=district_a,
            branch=world.a1,
            year=YEAR,
            lines=[
                services.MemberLine(
                    membership=anh, rating=rating, grade=grade("not_done"), expected_version=rating.version
                )
            ],
            submit=False,
        )
    assert refused.value.code == "locked"


def test_district_staff_cannot_approve(as_district_a, world):
    rating = rate(world.membership_anh, state=RatingState.SUBMITTED)
    assert as_district_a.post(grid_url(world.a1), {"action": "approve", "selected": [rating.pk]}).status_code == 403
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED


def test_send_back_needs_a_comment_and_returns_a_draft(as_province, world):
    anh = world.membership_anh
    rating = rate(anh, state=RatingState.SUBMITTED)
    response = as_province.post(grid_url(world.a1), {"action": "send_back", "selected": [rating.pk], "comment": " "})
    assert response.status_code == 400
    assert says(response, _("Say why the rating is sent back."))
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED

    response = as_province.post(
        grid_url(world.a1), {"action": "send_back", "selected": [rating.pk], "comment": "Xem lại mức xếp loại"}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.state, rating.review_comment) == (RatingState.DRAFT, "Xem lại mức xếp loại")
    assert "Xem lại mức xếp loại" in text(as_province.get(grid_url(world.a1)))


def test_approving_nothing_ticked_is_refused_with_a_message(as_province, world):
    rating = rate(world.membership_anh, state=RatingState.SUBMITTED)
    response = as_province.post(grid_url(world.a1), {"action": "approve"})
    assert response.status_code == 400
    assert says(response, _("Tick the submitted lines to approve or send back."))
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED


def test_a_stale_line_refuses_the_whole_grid(as_district_a, world):
    anh, dung = world.membership_anh, world.membership_dung
    rating = rate(anh, "done")
    stale = rating.version
    rating.note = "đổi bởi người khác"
    rating.save()
    response = as_district_a.post(
        grid_url(world.a1), {"action": "save", **line(anh, "excellent", version=stale), **line(dung, "done")}
    )
    assert response.status_code == 400
    assert says(response, STALE_MESSAGE)
    rating.refresh_from_db()
    assert rating.grade.code == "done" and not MemberRating.objects.filter(membership=dung).exists()
    # A line drawn before anyone rated the member: someone rated them meanwhile.
    response = as_district_a.post(grid_url(world.a1), {"action": "save", **line(anh, "excellent"), **line(dung)})
    assert response.status_code == 400 and says(response, STALE_MESSAGE)


def test_a_stale_approval_is_refused(as_province, world):
    anh = world.membership_anh
    rating = rate(anh, state=RatingState.SUBMITTED)
    response = as_province.post(
        grid_url(world.a1),
        {"action": "approve", "selected": [rating.pk], f"m{anh.pk}-version": rating.version - 1 or 99},
    )
    assert response.status_code == 400 and says(response, STALE_MESSAGE)
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED


def test_the_services_refuse_a_grade_of_another_scheme_and_a_member_not_on_the_roll(district_a, world):
    with pytest.raises(ValidationError) as refused:
        services.save_member_grid(
            user=district_a,
            branch=world.a1,
            year=YEAR,
            lines=[
                services.MemberLine(membership=world.membership_anh, rating=None, grade=grade("strong", "DEFAULT"))
            ],
            submit=False,
        )
    assert "grade" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.save_member_grid(
            user=district_a,
            branch=world.a1,
            year=YEAR,
            lines=[services.MemberLine(membership=world.membership_be, rating=None, grade=grade("done"))],
            submit=False,
        )
    assert refused.value.code == "not_on_roll"
    assert not MemberRating.objects.exists()


def test_an_organization_with_another_scheme_from_a_year_offers_its_grades(as_district_a, world):
    from ratings.models import MemberSchemeAssignment, RatingScheme

    MemberSchemeAssignment.objects.create(
        organization=world.a1.organization, scheme=RatingScheme.objects.get(code="DEFAULT"), from_year=2025
    )
    grades = lambda year: [g.code for g in as_district_a.get(grid_url(world.a1, year)).context["lines"][0].grades]  # noqa: E731
    assert grades(2024) == ["excellent", "well_done", "done", "not_done"]
    assert grades(2025) == ["strong", "good", "average", "weak"]


def test_other_areas_answer_404(client, world, district_b):
    client.force_login(district_b)
    assert client.get(grid_url(world.a1)).status_code == 404
    assert client.post(grid_url(world.a1), {"action": "save", **line(world.membership_anh, "done")}).status_code == 404
    commune_b = factories.user(Role.COMMUNE, world.tree.commune_b, username="xa-b")
    client.force_login(commune_b)
    assert client.get(grid_url(world.a1)).status_code == 404
    assert client.get(grid_url(world.b1)).status_code == 200
    assert client.get(reverse("ratings:member_grid", args=[world.a1.pk, 1800])).status_code == 404
    assert not MemberRating.objects.exists()


def test_the_grid_runs_a_fixed_number_of_queries(as_district_a, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_district_a.get(grid_url(world.a1)).status_code == 200
        return len(captured)

    rate(world.membership_anh, state=RatingState.APPROVED, approved_by=factories.admin_user())
    few = queries()
    for n in range(6):
        membership = factories.membership(
            world.a1, person=factories.person(f"Thành Viên {n}"), joined_on=D(2022, 1, 1)
        )
        rate(membership, ["excellent", "done"][n % 2], [RatingState.DRAFT, RatingState.SUBMITTED][n % 2])
    assert queries() == few


def test_the_branch_page_links_to_the_grid_and_the_person_page_shows_the_ratings(as_district_a, world):
    rate(world.membership_anh, "excellent", RatingState.APPROVED, year=2023)
    rate(world.membership_anh, "done", RatingState.DRAFT, year=2024)
    year = timezone.localdate().year
    page = text(as_district_a.get(reverse("branches:branch", args=[world.a1.pk])))
    assert reverse("ratings:member_grid", args=[world.a1.pk, year]) in page
    person = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    assert 'data-testid="member-ratings"' in text(person)
    assert "Hoàn thành xuất sắc nhiệm vụ" in text(person) and "Hoàn thành nhiệm vụ" in text(person)


def overview_url(**query) -> str:
    return reverse("ratings:member_overview") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_overview_lists_the_branches_awaiting_approval_first(as_province, world):
    rate(world.membership_anh, "done", RatingState.APPROVED)
    rate(world.membership_be, "done", RatingState.SUBMITTED)
    response = as_province.get(overview_url(year=YEAR))
    branches = list(response.context["page"])
    assert branches[0].code == "B1-DOAN"
    a1 = next(b for b in branches if b.code == "A1-DOAN")
    assert (a1.to_rate, a1.draft_count, a1.submitted_count, a1.approved_count) == (2, 0, 0, 1)
    assert reverse("ratings:member_grid", args=[world.b1.pk, YEAR]) in text(response)
    area_page = text(as_province.get(reverse("branches:area", args=[world.tree.commune_a.key])))
    assert reverse("ratings:member_overview") in area_page


def test_the_overview_stays_in_the_users_area(as_district_a, world):
    response = as_district_a.get(overview_url(year=YEAR))
    assert {b.code for b in response.context["page"]} == {"A1-DOAN", "A2-DOAN"}
    assert as_district_a.get(overview_url(area=world.tree.district_b.key)).status_code == 404
    assert as_district_a.get(overview_url(area=world.tree.province.key)).status_code == 404
    assert as_district_a.get(overview_url(area="%00")).status_code == 404


def test_the_overview_runs_a_fixed_number_of_queries(as_province, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_province.get(overview_url(year=YEAR)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(3):
        branch = factories.branch(world.tree.hamlet_a2, "HND", code=f"A2-HND-{n}")
        rate(factories.membership(branch, person=factories.person(f"Hội Viên {n}")), "done", RatingState.SUBMITTED)
    assert queries() == few
