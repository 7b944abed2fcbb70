"""The hamlet merge page: commune staff choose, preview and confirm; nothing outside their area is reachable."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Area, AreaLevel, Reorganization, UnitType
from branches.models import Branch
from tests import factories
from tests.areas import merge_world

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return merge_world.build()


def _url(area) -> str:
    return reverse("branches:hamlet_merge", args=[area.key])


def _data(world, *, hamlets=("99101-02", "99101-03"), on="01/07/2026", **extra) -> dict:
    return {
        "into": world.hamlets["99101-01"].pk,
        "hamlets": [world.hamlets[code].pk for code in hamlets],
        "effective_on": on,
        **extra,
    }


def test_commune_staff_preview_then_confirm_a_merge(client, world):
    client.force_login(world.users["commune"])
    area_page = client.get(reverse("branches:area", args=[world.tree.commune_a.key]))
    assert _url(world.tree.commune_a) in area_page.content.decode()
    form = client.get(_url(world.tree.commune_a)).context["form"]
    assert [h.code for h in form.fields["hamlets"].queryset] == list(merge_world.HAMLETS)

    preview = client.post(_url(world.tree.commune_a), _data(world, preview="1"))
    assert preview.status_code == 200 and not Reorganization.objects.exists()
    shown = preview.context["preview"]
    expected = {
        code: sum(1 for s in world.stories if s.ended_on is None and s.changes[-1][1].startswith(code))
        for code in ("99101-02", "99101-03")
    }
    assert {h["code"]: h["memberships"] for h in shown["merged"]} == expected
    assert {h["code"]: h["branches"] for h in shown["merged"]} == {"99101-02": 2, "99101-03": 2}
    assert "Sáp nhập các ấp" in preview.content.decode()

    done = client.post(_url(world.tree.commune_a), _data(world, confirm="1", previewed=preview.context["fingerprint"]))
    survivor = world.hamlets["99101-01"]
    assert done.status_code == 302 and done["Location"] == reverse("branches:area", args=[survivor.key])
    event = Reorganization.objects.get()
    assert event.created_by == world.users["commune"] and event.effective_on == D(2026, 7, 1)
    assert set(Branch.objects.filter(code__startswith="99101").values_list("area_id", flat=True)) == {survivor.pk}
    ended = client.get(reverse("branches:area", args=[world.hamlets["99101-02"].key])).content.decode()
    assert "Ấp Tân Thạnh (99101-02) đã sáp nhập vào Ấp Tân Phú (99101-01) từ 01/07/2026" in ended
    survivor_page = client.get(reverse("branches:area", args=[survivor.key]))
    assert [area.code for area in survivor_page.context["predecessors"]] == ["99101-02", "99101-03"]


def test_a_confirmation_of_other_choices_than_previewed_only_previews(client, world):
    client.force_login(world.users["commune"])
    preview = client.post(_url(world.tree.commune_a), _data(world, preview="1"))
    changed = _data(world, on="01/08/2026", confirm="1", previewed=preview.context["fingerprint"])
    response = client.post(_url(world.tree.commune_a), changed)
    assert response.status_code == 200 and response.context["preview"]["effective_on"] == "2026-08-01"
    assert not Reorganization.objects.exists()


def test_a_bad_merge_is_refused_on_the_page_in_vietnamese(client, world):
    client.force_login(world.users["commune"])
    response = client.post(_url(world.tree.commune_a), _data(world, hamlets=["99101-01"], confirm="1"))
    assert "Chọn ít nhất một ấp" in response.content.decode()
    founded = _data(world, on="01/07/1990", preview="1")
    Area.objects.filter(code="99101-03").update(valid_from=D(2026, 7, 1))
    response = client.post(_url(world.tree.commune_a), founded)
    assert response.context["preview"] is None and "không có hiệu lực vào ngày 01/07/1990" in response.content.decode()
    assert not Reorganization.objects.exists()


def test_staff_of_another_commune_reach_nothing_of_it(client, world):
    client.force_login(world.users["other_commune"])
    assert client.get(_url(world.tree.commune_a)).status_code == 404
    assert client.post(_url(world.tree.commune_a), _data(world, confirm="1")).status_code == 404
    # From their own commune's page, the hamlets of another are not among the choices.
    response = client.post(_url(world.tree.commune_b), _data(world, preview="1"))
    assert response.status_code == 200 and response.context["preview"] is None
    assert set(response.context["form"].errors) == {"into", "hamlets"}
    assert not Reorganization.objects.exists()


def test_provincial_officers_read_and_do_not_merge(client, world):
    client.force_login(world.users["province"])
    area_page = client.get(reverse("branches:area", args=[world.tree.commune_a.key]))
    assert _url(world.tree.commune_a) not in area_page.content.decode()
    assert client.get(_url(world.tree.commune_a)).status_code == 403


def test_the_preview_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.users["commune"])
    url = _url(world.tree.commune_a)
    with CaptureQueriesContext(connection) as small:
        client.post(url, _data(world, hamlets=["99101-02"], preview="1"))
    for i in range(4):
        hamlet = factories.area(f"99101-1{i}", f"Ấp Mới {i}", AreaLevel.HAMLET, UnitType.AP, world.tree.commune_a)
        world.hamlets[hamlet.code] = hamlet
        factories.membership(factories.branch(hamlet), person=factories.person(f"Hội Viên {i}"))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.post(
            url, _data(world, hamlets=["99101-02", *(f"99101-1{i}" for i in range(4))], preview="1")
        )
    assert len(response.context["preview"]["merged"]) == 5


def _split_workbook(rows) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Mã ấp mới", "Tên ấp mới", "Mã chi"])
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "tach-ap.xlsx"
    return buffer


SPLIT_ROWS = [("99101-31", "Tân Hòa A", "99101-03-DOAN"), ("99101-32", "Tân Hòa B", "99101-03-HND")]


def test_commune_staff_split_a_hamlet_from_its_page(client, world):
    client.force_login(world.users["commune"])
    hamlet = world.hamlets["99101-03"]
    url = reverse("branches:hamlet_split", args=[hamlet.key])
    assert url in client.get(reverse("branches:area", args=[hamlet.key])).content.decode()
    preview = client.post(
        url, {"effective_on": "01/07/2026", "plan_file": _split_workbook(SPLIT_ROWS), "preview": "1"}
    )
    assert [h["branches"] for h in preview.context["preview"]["new_hamlets"]] == [["99101-03-DOAN"], ["99101-03-HND"]]
    assert not Reorganization.objects.exists()
    # Confirmed without the file again: the preview keeps what it read, signed.
    done = client.post(
        url, {"effective_on": "01/07/2026", "previewed": preview.context["fingerprint"], "confirm": "1"}
    )
    assert done.status_code == 302 and Reorganization.objects.get().kind == "hamlet_split"
    assert Branch.objects.get(code="99101-03-HND").area.code == "99101-32"


def test_a_split_plan_that_leaves_a_branch_out_or_is_forged_changes_nothing(client, world):
    client.force_login(world.users["commune"])
    url = reverse("branches:hamlet_split", args=[world.hamlets["99101-03"].key])
    missing = client.post(
        url, {"effective_on": "01/07/2026", "plan_file": _split_workbook([SPLIT_ROWS[0], ("99101-32", "B", "")])}
    )
    assert "Phương án chưa cho biết chi 99101-03-HND" in missing.content.decode()
    forged = client.post(url, {"effective_on": "01/07/2026", "previewed": "{}", "confirm": "1"})
    assert forged.status_code == 200 and "Hãy chọn tệp phương án" in forged.content.decode()
    assert not Reorganization.objects.exists()


def test_staff_of_another_commune_cannot_split_its_hamlets(client, world):
    client.force_login(world.users["other_commune"])
    url = reverse("branches:hamlet_split", args=[world.hamlets["99101-03"].key])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"effective_on": "01/07/2026", "plan_file": _split_workbook(SPLIT_ROWS)}).status_code == 404
    )
    assert not Reorganization.objects.exists()
