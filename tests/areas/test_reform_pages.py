"""The reform on the administrators' page: preview, a hamlet's successor chosen, the plan, the run, undo."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from areas.models import Area, Reorganization, ReorganizationRun, RunState
from areas.plan_file import read_plan
from branches.models import BranchPlacement
from tests import factories
from tests.areas import reform_world
from tests.areas.reform_world import new_area

pytestmark = pytest.mark.django_db
PREVIEW = reverse("areas:reform_preview")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    world = reform_world.build()
    world.users["admin"] = factories.admin_user()
    return world


@pytest.fixture
def admin(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def _of_earlier_dates(reports: dict) -> dict:
    """The reports of periods that end before the effective date (later ones read the new tree)."""

    def last_day(period: dict) -> str:
        if "date" in period or "end" in period:
            return period.get("date") or period["end"]
        return f"{period['year']}-{period.get('month', 12):02d}-28"

    effective = reform_world.EFFECTIVE.isoformat()
    return {key: data for key, data in reports.items() if last_day(data["period"]) < effective}


def _form(**extra) -> dict:
    return {"provinces": ["87"], "effective_on": "01/07/2025", **extra}


def test_the_preview_changes_nothing_and_a_chosen_successor_moves_the_hamlet(admin):
    page = admin.get(reverse("areas:reorganisations"))
    assert page.status_code == 200 and "87" in [a.code for a in page.context["form"].fields["provinces"].queryset]
    preview = admin.post(PREVIEW, _form(preview="1"))
    assert preview.status_code == 200 and not Reorganization.objects.exists()
    assert {move.hamlet.code for move in preview.context["result"].to_review} == {"T1", "T2"}
    defaults = {move.hamlet.code: move.new_commune.code for move in preview.context["result"].to_review}
    assert defaults == {"T1": "30157", "T2": "30157"}

    chosen = admin.post(PREVIEW, _form(preview="1", **{"hamlet-T2": "30130"}))
    communes = {c["code"]: c for p in chosen.context["data"]["new_provinces"] for c in p["communes"]}
    in_30130 = {h["code"] for old in communes["30130"]["receives"] for h in old["hamlets"]}
    assert "T2" in in_30130 and "M1" in in_30130
    download = admin.post(PREVIEW, _form(download="1", **{"hamlet-T2": "30130"}))
    assert read_plan(download.content) == {"T1": "30157", "T2": "30130"}
    assert not Reorganization.objects.exists()


def test_confirming_what_was_previewed_runs_the_reform_and_undo_puts_it_back(
    admin, world, django_capture_on_commit_callbacks
):
    before = _of_earlier_dates(reform_world.all_reports())
    assert len(before) > 30
    choice = {"hamlet-T2": "30130"}
    preview = admin.post(PREVIEW, _form(preview="1", **choice))
    with django_capture_on_commit_callbacks(execute=True):
        applied = admin.post(PREVIEW, _form(apply="1", previewed=preview.context["fingerprint"], **choice))
    run = ReorganizationRun.objects.get()
    assert applied.status_code == 302 and applied["Location"] == reverse("areas:run", args=[run.pk])
    assert run.state == RunState.DONE and run.plan == {"T1": "30157", "T2": "30130"}
    assert run.event.created_by == world.users["admin"]
    progress = admin.get(reverse("areas:run_progress", args=[run.pk])).json()
    assert progress["busy"] is False and progress["percent"] == 100
    assert admin.get(reverse("areas:run", args=[run.pk]))["Location"] == reverse("areas:event", args=[run.event_id])
    t2 = Area.objects.get(code="T2")
    assert t2.parent == new_area("30130")
    assert BranchPlacement.objects.filter(branch__code="T2-DOAN", valid_to__isnull=True).get().path == t2.path
    assert _of_earlier_dates(reform_world.all_reports()) == before

    event_page = admin.get(reverse("areas:event", args=[run.event_id]))
    assert event_page.context["blockers"] == [] and 'data-testid="undo"' in event_page.content.decode()
    admin.post(reverse("areas:event_undo", args=[run.event_id]))
    assert Reorganization.objects.get().undone_at is not None
    assert Area.objects.get(code="T2").parent.code == "30157"


def test_a_confirmation_of_other_choices_than_previewed_only_previews(admin):
    preview = admin.post(PREVIEW, _form(preview="1"))
    response = admin.post(
        PREVIEW, _form(apply="1", previewed=preview.context["fingerprint"], **{"hamlet-T2": "30130"})
    )
    assert response.status_code == 200 and not ReorganizationRun.objects.exists()


def test_a_bad_plan_or_date_is_refused_in_vietnamese_and_changes_nothing(admin):
    bad = io.BytesIO(b"not a workbook")
    bad.name = "plan.xlsx"
    response = admin.post(PREVIEW, {**_form(preview="1"), "plan_file": bad})
    assert "Tệp phương án không phải bảng tính đọc được" in response.content.decode()
    response = admin.post(PREVIEW, _form(preview="1", effective_on="31/02/2025"))
    assert "Hãy nhập một ngày có thật" in response.content.decode()
    wrong = admin.post(PREVIEW, _form(preview="1", **{"hamlet-T2": "30154"}))
    assert wrong.context["result"] is None and wrong.context["form"].non_field_errors()
    assert not Reorganization.objects.exists() and not ReorganizationRun.objects.exists()


@pytest.mark.parametrize("who", ["district", "merged", "province"])
def test_only_administrators_reach_the_reform_pages(world, who):
    client = Client()
    client.force_login(world.users[who])
    assert client.get(reverse("areas:reorganisations")).status_code == 403
    assert client.post(PREVIEW, _form(preview="1")).status_code == 403
    event = Reorganization.objects.create(kind="reform", effective_on=reform_world.EFFECTIVE)
    assert client.get(reverse("areas:event", args=[event.pk])).status_code == 403
    assert client.post(reverse("areas:event_undo", args=[event.pk])).status_code == 403
    assert Reorganization.objects.get().undone_at is None
    run = ReorganizationRun.objects.create(
        effective_on=reform_world.EFFECTIVE, provinces=["87"], created_by=world.users["province"]
    )
    assert client.get(reverse("areas:run", args=[run.pk])).status_code == 403
    assert client.get(reverse("areas:run_progress", args=[run.pk])).status_code == 403


def test_the_preview_runs_a_fixed_number_of_queries(admin, world, django_assert_max_num_queries):
    # A province's reform moves thousands of rows; its preview must not ask once per hamlet.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin.post(PREVIEW, _form(preview="1"))
    for i in range(6):
        hamlet = factories.area(f"Q9{i}", f"Ấp Mới {i}", "hamlet", "ap", reform_world.old_area("30133"))
        factories.membership(factories.branch(hamlet, "DOAN", code=f"Q9{i}-DOAN"), person=factories.person(f"Ai {i}"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin.post(PREVIEW, _form(preview="1"))


def test_a_run_whose_worker_stopped_is_shown_failed(admin, world):
    import datetime

    from django.utils import timezone

    run = ReorganizationRun.objects.create(
        effective_on=reform_world.EFFECTIVE,
        provinces=["87"],
        created_by=world.users["admin"],
        state=RunState.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    progress = admin.get(reverse("areas:run_progress", args=[run.pk])).json()
    assert progress["busy"] is False and progress["state"] == RunState.FAILED
    assert "Xác nhận lại" in admin.get(reverse("areas:run", args=[run.pk])).content.decode()
    assert not Reorganization.objects.exists()
