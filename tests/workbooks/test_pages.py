"""The import page: upload, preview page by page, confirm, outcome workbook; scope and roles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Person
from workbooks.models import BatchState, ImportBatch

from .helpers import member, roster, rows_of

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data, kind="members"):
    file = SimpleUploadedFile("danh-sach.xlsx", data, content_type=XLSX)
    return client.post(reverse("workbooks:import"), {"kind": kind, "file": file})


def test_upload_preview_and_confirm(world, client):
    client.force_login(world.staff_a)
    data = roster([member(f"Người Số {i}", 1990 + i % 10, world.doan_a1.code) for i in range(3)])
    response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("workbooks:batch", args=[batch.pk])
    assert (batch.state, batch.created_count, batch.file_name, batch.file_size) == (
        "previewed",
        3,
        "danh-sach.xlsx",
        len(data),
    )
    page = client.get(response.url)
    assert page.status_code == 200
    assert b'data-testid="count-created">3<' in page.content
    assert not Person.objects.exists()
    client.post(reverse("workbooks:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTED and batch.imported_at
    assert Person.objects.count() == 3


def test_refused_rows_come_first_page_by_page_and_block_the_import(world, client):
    client.force_login(world.staff_a)
    rows = [member(f"Người Số {i}", 1990, world.doan_a1.code) for i in range(150)]
    rows[120] = member("Sai", 1990, "KHONG-CO")
    upload(client, roster(rows))
    batch = ImportBatch.objects.get()
    assert (batch.refused_count, batch.created_count) == (1, 149)
    first = client.get(reverse("workbooks:batch", args=[batch.pk]))
    content = first.content.decode()
    assert content.index("KHONG-CO") < content.index("Người Số 0")  # the refused row (row 122) leads
    assert content.count("<tr class=") == 100  # one page, not every row
    assert 'data-testid="confirm"' not in content
    second = client.get(reverse("workbooks:batch", args=[batch.pk]), {"page": 2})
    assert second.content.decode().count("<tr class=") == 50
    response = client.post(reverse("workbooks:confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert not Person.objects.exists()
    outcome = client.get(reverse("workbooks:outcome", args=[batch.pk]))
    lines = rows_of(outcome.content)
    assert lines[1][0] == 122 and lines[1][3] == "Mã chi"
    assert len(lines) == 151


def test_staff_of_another_district_get_404(world, client):
    client.force_login(world.staff_a)
    upload(client, roster([member("A", 1990, world.doan_a1.code)]))
    batch = ImportBatch.objects.get()
    client.force_login(world.staff_b)
    for name in ("batch", "progress", "outcome"):
        assert client.get(reverse(f"workbooks:{name}", args=[batch.pk])).status_code == 404
    for name in ("confirm", "discard", "undo"):
        assert client.post(reverse(f"workbooks:{name}", args=[batch.pk])).status_code == 404
    assert not Person.objects.exists()


def test_export_of_another_districts_area_is_404_and_the_export_stays_in_scope(world, client):
    from tests import factories

    factories.membership(world.doan_b1, person=factories.person("Người Huyện B", 1990))
    factories.membership(world.doan_a1, person=factories.person("Người Huyện A", 1990))
    client.force_login(world.staff_a)
    assert client.get(reverse("workbooks:export", args=["members"]), {"area": world.commune_b.code}).status_code == 404
    names = [row[1] for row in rows_of(client.get(reverse("workbooks:export", args=["members"])).content)[1:]]
    assert names == ["Người Huyện A"]


def test_provincial_officers_may_export_but_not_import(world, client):
    from tests import factories

    factories.membership(world.doan_a1, person=factories.person("Có Số", 1990, cccd="087090000011", phone="0912"))
    client.force_login(world.province)
    assert upload(client, roster([member("A", 1990, world.doan_a1.code)])).status_code == 403
    rows = rows_of(client.get(reverse("workbooks:export", args=["members"])).content)
    # Readers get the CCCD and phone masked (a number too short to show any part is hidden whole).
    assert (rows[1][1], rows[1][6], rows[1][7]) == ("Có Số", "0870•••••011", "••••")


def test_template_download(world, client):
    client.force_login(world.staff_a)
    response = client.get(reverse("workbooks:template", args=["officers"]))
    assert response["Content-Type"] == XLSX
    assert rows_of(response.content)[0][:2] == ["Mã chi", "Họ và tên"]
    assert client.get(reverse("workbooks:template", args=["nothing"])).status_code == 404


def test_admin_import_button_leads_to_the_import_page_and_export_uses_the_template_layout(world, client):
    client.force_login(world.admin)
    response = client.get(reverse("admin:branches_branch_import"))
    assert response.url == reverse("workbooks:import") + "?kind=branches"
    changelist = client.get(reverse("admin:branches_branch_changelist"))
    assert reverse("admin:branches_branch_import").encode() in changelist.content
    exported = client.get(reverse("admin:branches_branch_export"))
    rows = rows_of(exported.content)
    assert rows[0] == ["Mã chi", "Tên chi", "Đoàn thể", "Mã ấp", "Loại chi", "Ngày thành lập"]
    assert len(rows) == 1 + 4
    client.force_login(world.province)
    assert client.get(reverse("admin:branches_branch_import")).status_code == 403
