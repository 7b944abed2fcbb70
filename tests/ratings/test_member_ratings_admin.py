"""Members' ratings in the admin: the pages' rules (staff change drafts only; the state moves through the services)."""

import pytest
from django.urls import reverse

from ratings.models import Grade, MemberRating, RatingState
from tests import factories


def grade(code: str) -> Grade:
    return Grade.objects.get(scheme__code="NHIEMVU", code=code)


def change_url(rating) -> str:
    return reverse("admin:ratings_memberrating_change", args=[rating.pk])


def data(rating, **changes) -> dict:
    return {
        "membership": rating.membership_id,
        "year": rating.year,
        "grade": rating.grade_id,
        "note": rating.note,
        "state": rating.state,
        "review_comment": rating.review_comment,
        **changes,
    }


@pytest.fixture
def draft(world):
    return MemberRating.objects.create(membership=world.membership_anh, year=2024, grade=grade("done"))


def test_staff_change_and_submit_a_draft_but_not_a_submitted_rating(client, district_a, draft):
    client.force_login(district_a)
    assert client.get(reverse("admin:ratings_memberrating_changelist")).status_code == 200
    response = client.post(change_url(draft), data(draft, grade=grade("well_done").pk, state=RatingState.SUBMITTED))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.grade.code, draft.state) == ("well_done", RatingState.SUBMITTED) and draft.submitted_at

    response = client.post(change_url(draft), data(draft, grade=grade("not_done").pk))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.grade.code == "well_done"


def test_an_administrator_approves_and_the_approver_is_stamped(client, admin_user, draft):
    client.force_login(admin_user)
    response = client.post(change_url(draft), data(draft, state=RatingState.APPROVED))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.approved_by) == (RatingState.APPROVED, admin_user)


def test_another_districts_rating_answers_404(client, district_b, draft):
    client.force_login(district_b)
    assert client.get(change_url(draft)).status_code == 404
    listed = client.get(reverse("admin:ratings_memberrating_changelist"))
    assert listed.status_code == 200 and draft.membership.person.full_name not in listed.content.decode()


def test_the_member_scheme_assignments_are_listed(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:ratings_memberschemeassignment_changelist"))
    assert response.status_code == 200
    assert factories.organization("DOAN").name in response.content.decode()
