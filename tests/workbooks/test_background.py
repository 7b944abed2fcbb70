"""Large uploads go to the task worker; the page follows their progress; the request returns at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from members.models import Person
from workbooks import services
from workbooks.models import BatchState, ImportBatch
from workbooks.progress import Progress

from .helpers import member, roster

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data):
    return client.post(
        reverse("workbooks:import"),
        {"kind": "members", "file": SimpleUploadedFile("big.xlsx", data, content_type=XLSX)},
    )


def test_a_large_upload_is_queued_and_the_request_returns_at_once(world, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKBOOK_BACKGROUND_ROWS = 5
    from django_tasks_db.models import DBTaskResult

    client.force_login(world.staff_a)
    data = roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(20)])
    response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert batch.state == BatchState.QUEUED and batch.file_data is not None  # not read in the request
    page = client.get(response.url)
    assert b'data-testid="progress"' in page.content
    progress = client.get(reverse("workbooks:progress", args=[batch.pk])).json()
    assert progress["busy"] is True and progress["state"] == "queued"
    assert DBTaskResult.objects.count() == 0  # enqueued when the upload's transaction commits


def test_the_worker_previews_then_imports_with_progress(world, client, settings, django_capture_on_commit_callbacks):
    settings.WORKBOOK_BACKGROUND_ROWS = 5
    client.force_login(world.staff_a)
    data = roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(20)])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.created_count, batch.file_data) == (BatchState.PREVIEWED, 20, None)
    progress = client.get(reverse("workbooks:progress", args=[batch.pk])).json()
    assert (progress["busy"], progress["done"], progress["total"], progress["percent"]) == (False, 20, 20, 100)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbooks:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTED
    assert Person.objects.count() == 20
    assert client.get(response.url).status_code == 200


def test_progress_reports_each_stage_with_counts(world):
    seen = []
    progress = Progress(None, echo=lambda stage, done, total: seen.append((str(stage), done, total)))
    data = roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(2500)])
    with translation.override("en"):
        result = services.import_workbook(
            kind="members", data=data, user=world.staff_a, file_name="f", progress=progress
        )
    assert result.imported
    stages = [stage for stage, _done, _total in seen]
    assert stages[0] == "Reading the workbook" and ("Reading the workbook", 2000, 2501) in seen
    assert "Checking the rows against the database" in stages and "Writing to the database" in stages
    writes = [(done, total) for stage, done, total in seen if stage == "Writing to the database"]
    assert writes[-1][0] == writes[-1][1] == 3  # people, memberships, periods
