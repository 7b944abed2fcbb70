"""Who confirms a previewed import, and with whose rights.

Only the user who uploaded a workbook confirms (or discards) its preview, while the batch lies in
their area: a batch outside it answers 404, a batch of a colleague or of an administrator placed in
the same area is refused (403). The rows are written with the rights the confirming user has at
that moment: ratings are approved only if that user may approve them now.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from members.models import Person
from ratings.models import BranchRating, RatingState
from tests import factories
from workbooks import services, tasks
from workbooks.models import BatchState, ImportBatch

from .helpers import fill, member, roster

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, user, data, kind="members"):
    client.force_login(user)
    file = SimpleUploadedFile("tep.xlsx", data, content_type=XLSX)
    client.post(reverse("workbooks:import"), {"kind": kind, "file": file})
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.PREVIEWED and not batch.refused_count, batch.error
    return batch


def ratings_file(world) -> bytes:
    return fill("ratings", [[world.doan_a1.code, 2024, "Khá", "", ""]])


@pytest.fixture
def colleague(world):
    return factories.user(Role.DISTRICT, world.district_a, username="huyen-a-2")


def test_a_colleague_cannot_confirm_or_discard_someone_elses_preview(world, client, colleague):
    batch = upload(client, world.staff_a, roster([member("Người Mới", 1990, world.doan_a1.code)]))
    client.force_login(colleague)
    page = client.get(reverse("workbooks:batch", args=[batch.pk]))
    assert page.status_code == 200  # the colleague reads it
    assert b'data-testid="confirm"' not in page.content
    assert reverse("workbooks:discard", args=[batch.pk]).encode() not in page.content
    assert client.post(reverse("workbooks:confirm", args=[batch.pk])).status_code == 403
    assert client.post(reverse("workbooks:discard", args=[batch.pk])).status_code == 403
    batch.refresh_from_db()
    assert batch.state == BatchState.PREVIEWED and not Person.objects.exists()


def test_an_administrators_preview_is_not_confirmed_by_district_staff(world, client):
    placed = factories.user(Role.ADMIN, world.district_a, username="quantri-huyen-a")
    in_district = upload(client, placed, ratings_file(world), kind="ratings")
    everywhere = upload(client, world.admin, ratings_file(world), kind="ratings")
    client.force_login(world.staff_a)
    assert client.post(reverse("workbooks:confirm", args=[in_district.pk])).status_code == 403
    assert client.post(reverse("workbooks:confirm", args=[everywhere.pk])).status_code == 404
    assert not BranchRating.objects.exists()


def test_the_worker_checks_the_user_it_is_given(world, client, colleague):
    batch = upload(client, world.staff_a, roster([member("Người Mới", 1990, world.doan_a1.code)]))
    for other in (world.staff_b, colleague, world.province):
        # As start_confirm leaves a batch it hands to the worker.
        ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.IMPORTING)
        tasks.confirm_import.call(batch.pk, other.pk)
        batch.refresh_from_db()
        assert batch.state == BatchState.PREVIEWED and batch.error, other
    assert not Person.objects.exists()
    ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.IMPORTING)
    tasks.confirm_import.call(batch.pk, world.staff_a.pk)
    batch.refresh_from_db()
    assert (batch.state, Person.objects.count()) == (BatchState.IMPORTED, 1)


def test_the_service_refuses_another_user(world, client, colleague):
    from django.core.exceptions import PermissionDenied

    batch = upload(client, world.staff_a, roster([member("Người Mới", 1990, world.doan_a1.code)]))
    for other in (world.staff_b, colleague):
        with pytest.raises(PermissionDenied):
            services.confirm_batch(batch=ImportBatch.objects.get(pk=batch.pk), user=other)
        with pytest.raises(PermissionDenied):
            services.start_confirm(batch=ImportBatch.objects.get(pk=batch.pk), user=other)
    assert ImportBatch.objects.get(pk=batch.pk).state == BatchState.PREVIEWED
    assert not Person.objects.exists()


def test_ratings_take_the_rights_the_confirming_user_has_when_confirming(world, client):
    """Previewed by an administrator, confirmed after the account became district staff: submitted."""
    user = factories.user(Role.ADMIN, world.district_a, username="quantri-huyen-a")
    batch = upload(client, user, ratings_file(world), kind="ratings")
    user.role = Role.DISTRICT
    user.save()
    client.force_login(user)
    client.post(reverse("workbooks:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTED
    rating = BranchRating.objects.get()
    assert (rating.state, rating.approved_by, rating.approved_at) == (RatingState.SUBMITTED, None, None)


def test_ratings_follow_the_user_given_to_the_service_not_the_one_who_previewed(world, client):
    """The batch still holds the previewing account as it was; the confirming user's rights decide."""
    user = factories.user(Role.ADMIN, world.district_a, username="quantri-huyen-a")
    batch = upload(client, user, ratings_file(world), kind="ratings")
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch.pk)  # created_by: an administrator
    user.role = Role.DISTRICT
    user.save()
    services.confirm_batch(batch=batch, user=type(user).objects.get(pk=user.pk))
    rating = BranchRating.objects.get()
    assert rating.state == RatingState.SUBMITTED and rating.approved_by is None


def test_an_approver_confirming_their_own_preview_records_approved_ratings(world, client):
    batch = upload(client, world.admin, ratings_file(world), kind="ratings")
    client.force_login(world.admin)
    client.post(reverse("workbooks:confirm", args=[batch.pk]))
    rating = BranchRating.objects.get()
    assert (rating.state, rating.approved_by) == (RatingState.APPROVED, world.admin)


def test_a_user_moved_to_another_area_cannot_confirm_what_they_previewed_before(world, client):
    batch = upload(client, world.staff_a, roster([member("Người Mới", 1990, world.doan_a1.code)]))
    world.staff_a.area = world.district_b
    world.staff_a.save()
    client.force_login(world.staff_a)
    assert client.post(reverse("workbooks:confirm", args=[batch.pk])).status_code == 404
    tasks.confirm_import.call(batch.pk, world.staff_a.pk)
    assert ImportBatch.objects.get(pk=batch.pk).state == BatchState.PREVIEWED
    assert not Person.objects.exists()
