"""The rating grid: drafts, submission by district staff, approval or sending back by approvers, locks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.concurrency import STALE_MESSAGE
from ratings import services
from ratings.models import BranchRating, Grade, RatingState
from tests import factories
from tests.pages import says, text

D = datetime.date
YEAR = 2024


def grade(code: str) -> Grade:
    return Grade.objects.get(scheme__code="DEFAULT", code=code)


def grid_url(world) -> str:
    return reverse("ratings:commune_grid", args=[world.tree.commune_a.code, YEAR])


def line(branch, grade_code: str = "", score: str = "", note: str = "", version="") -> dict:
    prefix = f"b{branch.pk}-"
    value = grade(grade_code).pk if grade_code else ""
    return {f"{prefix}grade": value, f"{prefix}score": score, f"{prefix}note": note, f"{prefix}version": version}


def states(response) -> dict:
    return {row.row.branch.code: row.row.state for row in response.context["lines"]}


def test_grid_has_a_line_per_branch_of_the_commune_active_that_year(as_district_a, world):
    factories.branch(world.tree.hamlet_a1, "HND", code="A1-HND", founded_on=D(2025, 1, 1))  # not yet in 2024
    response = as_district_a.get(grid_url(world))
    assert [form.row.branch.code for form in response.context["lines"]] == ["A1-DOAN", "A2-DOAN"]
    assert [grade.label for grade in response.context["lines"][0].row.grades] == [
        "Mạnh",
        "Khá",
        "Trung bình",
        "Yếu kém",
    ]


def test_save_draft_then_submit(as_district_a, world):
    url = grid_url(world)
    response = as_district_a.post(
        url, {"action": "save", **line(world.a1, "good", "81,5", "Khá tốt"), **line(world.a2)}
    )
    assert response.status_code == 302
    rating = BranchRating.objects.get(branch=world.a1, year=YEAR)
    assert (rating.grade.code, str(rating.score), rating.state) == ("good", "81.50", RatingState.DRAFT)
    assert not BranchRating.objects.filter(branch=world.a2).exists()

    response = as_district_a.post(
        url,
        {"action": "submit", **line(world.a1, "good", "81,5", "Khá tốt", rating.version), **line(world.a2, "strong")},
        follow=True,
    )
    assert states(response) == {"A1-DOAN": "submitted", "A2-DOAN": "submitted"}
    assert 'data-state="submitted"' in text(response)
    rating.refresh_from_db()
    assert rating.submitted_at is not None


def test_grid_validation_saves_nothing(as_district_a, world):
    response = as_district_a.post(
        grid_url(world),
        {"action": "save", **line(world.a1, "good", "150"), **line(world.a2, "", "", "note without grade")},
    )
    assert response.status_code == 400
    forms = response.context["lines"]
    assert "score" in forms[0].errors and "grade" in forms[1].errors
    assert not BranchRating.objects.exists()


def test_district_staff_cannot_approve_and_cannot_change_a_submitted_line(as_district_a, world):
    rating = factories.rating(world.a1, year=YEAR, grade_code="good", state=RatingState.SUBMITTED)
    response = as_district_a.post(grid_url(world), {"action": "approve", "selected": [rating.pk]})
    assert response.status_code == 403
    as_district_a.post(
        grid_url(world), {"action": "save", **line(world.a1, "weak", version=rating.version), **line(world.a2)}
    )
    rating.refresh_from_db()
    assert (rating.grade.code, rating.state) == ("good", RatingState.SUBMITTED)


def test_provincial_officer_approves_and_the_rating_is_locked(client, province_user, world, district_a):
    rating = factories.rating(world.a1, year=YEAR, grade_code="good", state=RatingState.SUBMITTED)
    client.force_login(province_user)
    response = client.get(grid_url(world))
    assert response.context["may_review"] and not response.context["may_edit"]
    response = client.post(
        grid_url(world), {"action": "approve", "selected": [rating.pk], f"b{world.a1.pk}-version": rating.version}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.state, rating.approved_by) == (RatingState.APPROVED, province_user)
    # Provincial officers do not enter grades.
    assert client.post(grid_url(world), {"action": "save", **line(world.a1, "weak")}).status_code == 403

    client.force_login(district_a)
    client.post(
        grid_url(world), {"action": "save", **line(world.a1, "weak", version=rating.version), **line(world.a2)}
    )
    rating.refresh_from_db()
    assert (rating.grade.code, rating.state) == ("good", RatingState.APPROVED)
    with pytest.raises(ValidationError):
        services.save_grid(
            user=district_a,
            year=YEAR,
            lines=[services.GridLine(branch=world.a1, rating=rating, grade=grade("weak"))],
            submit=False,
        )


def test_send_back_needs_a_comment_and_returns_the_line_to_draft(as_province, world):
    rating = factories.rating(world.a1, year=YEAR, grade_code="good", state=RatingState.SUBMITTED)
    url = grid_url(world)
    response = as_province.post(url, {"action": "send_back", "selected": [rating.pk], "comment": ""})
    assert response.status_code == 400
    rating.refresh_from_db()
    assert rating.state == RatingState.SUBMITTED
    response = as_province.post(
        url, {"action": "send_back", "selected": [rating.pk], "comment": "Điểm chưa khớp biên bản"}, follow=True
    )
    rating.refresh_from_db()
    assert (rating.state, rating.review_comment) == (RatingState.DRAFT, "Điểm chưa khớp biên bản")
    assert 'data-state="sent_back"' in text(response)
    assert "Điểm chưa khớp biên bản" in text(response)


def test_approving_nothing_ticked_is_refused(as_province, world):
    factories.rating(world.a1, year=YEAR, state=RatingState.SUBMITTED)
    response = as_province.post(grid_url(world), {"action": "approve"})
    assert response.status_code == 400
    assert not BranchRating.objects.filter(state=RatingState.APPROVED).exists()


def test_a_line_changed_meanwhile_refuses_the_whole_grid(as_district_a, world, district_a):
    rating = factories.rating(world.a1, year=YEAR, grade_code="good")
    drawn = rating.version
    services.save_grid(
        user=district_a,
        year=YEAR,
        lines=[services.GridLine(branch=world.a1, rating=rating, grade=grade("strong"), expected_version=drawn)],
        submit=False,
    )
    response = as_district_a.post(
        grid_url(world), {"action": "save", **line(world.a1, "weak", version=drawn), **line(world.a2, "good")}
    )
    assert response.status_code == 400
    assert says(response, STALE_MESSAGE)
    rating.refresh_from_db()
    assert rating.grade.code == "strong"
    assert not BranchRating.objects.filter(branch=world.a2).exists()


def test_a_branch_rated_meanwhile_is_not_overwritten(as_district_a, world):
    url = grid_url(world)
    as_district_a.get(url)  # the grid is drawn with no rating for A2
    factories.rating(world.a2, year=YEAR, grade_code="average")
    response = as_district_a.post(url, {"action": "save", **line(world.a1), **line(world.a2, "strong")})
    assert says(response, STALE_MESSAGE)
    assert BranchRating.objects.get(branch=world.a2).grade.code == "average"


def test_another_districts_commune_answers_404(as_district_a, world):
    url = reverse("ratings:commune_grid", args=[world.tree.commune_b.code, YEAR])
    assert as_district_a.get(url).status_code == 404
    assert as_district_a.post(url, {"action": "save"}).status_code == 404


def test_communes_list_and_grid_run_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    list_url = reverse("ratings:grid") + f"?year={YEAR}"
    with CaptureQueriesContext(connection) as small_list:
        as_district_a.get(list_url)
    with CaptureQueriesContext(connection) as small_grid:
        as_district_a.get(grid_url(world))
    for i in range(4):
        commune = factories.area(f"9910{i + 5}", f"Xã {i}", "commune", "xa", world.tree.district_a)
        hamlet = factories.area(f"9910{i + 5}-01", "Ấp 1", "hamlet", "ap", commune)
        factories.rating(factories.branch(hamlet), year=YEAR, state=RatingState.SUBMITTED)
        more = factories.branch(world.tree.hamlet_a1, ["HND", "LHPN", "CCB", "DOAN"][i], code=f"A1-X{i}")
        factories.rating(more, year=YEAR)
    with django_assert_num_queries(len(small_list.captured_queries)):
        response = as_district_a.get(list_url)
    assert len(response.context["page"]) == 5
    with django_assert_num_queries(len(small_grid.captured_queries)):
        response = as_district_a.get(grid_url(world))
    assert len(response.context["lines"]) == 6


def test_commune_staff_land_on_their_grid(client, world):
    user = factories.user("commune", world.tree.commune_a)
    client.force_login(user)
    response = client.get(reverse("ratings:grid"), {"year": YEAR})
    assert response["Location"] == grid_url(world)


# ---------------------------------------------------------------------------
# Who may move a rating (the services)


def test_who_may_move_a_rating(world, district_a, province_user, admin_user):
    rating = factories.rating(world.a1, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.submit_rating(rating=rating, user=province_user)
    services.submit_rating(rating=rating, user=district_a)
    with pytest.raises(PermissionDenied):
        services.approve_rating(rating=rating, user=district_a)
    with pytest.raises(PermissionDenied):
        services.send_back_rating(rating=rating, user=district_a, comment="x")
    services.approve_rating(rating=rating, user=province_user)
    with pytest.raises(ValidationError):
        services.send_back_rating(rating=rating, user=province_user, comment="x")  # approved is locked
    with pytest.raises(PermissionDenied):
        services.reopen_rating(rating=rating, user=province_user)
    services.reopen_rating(rating=rating, user=admin_user)
    assert (rating.state, rating.approved_at) == (RatingState.DRAFT, None)


def test_only_submitted_ratings_are_approved(world, province_user):
    rating = factories.rating(world.a1, year=YEAR)
    with pytest.raises(ValidationError):
        services.approve_rating(rating=rating, user=province_user)


def test_ticking_works_for_ratings_numbered_past_a_thousand(as_province, world):
    rating = factories.rating(world.a1, year=YEAR, state=RatingState.SUBMITTED, pk=12345)
    response = as_province.get(grid_url(world))
    assert 'value="12345"' in text(response)  # not "12.345", the Vietnamese thousands separator
    response = as_province.post(
        grid_url(world), {"action": "approve", "selected": ["12345"], f"b{world.a1.pk}-version": rating.version}
    )
    assert response.status_code == 302
