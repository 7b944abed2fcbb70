"""Every download of personal data is logged, and only administrators read the log (SPEC sections 4 and 10).

The files with personal data are the members export (the page's and the admin's Export button),
the outcome workbook of an import of people, and a branch's roll. Each download writes exactly
one entry: who, when, which file, the query it was asked with, the area, and how many rows of
personal data it held, counted here in the file itself. A download refused for scope, or one
that fails, writes nothing; files without personal data (branches, templates, reports, a
branch's meeting log) write nothing either. Readers get the file with the numbers left out or
masked, and their download is logged like anyone's.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.admin import DownloadLogAdmin
from core.downloads import Counted
from core.models import DownloadKind, DownloadLog
from members.models import Membership
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures: world, district_a, district_b, province_user, admin_user
from tests.workbooks.helpers import fill, member, roster
from workbooks import services as workbook_services

D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CCCD_A, PHONE_A = "087099000123", "0912345678"


@pytest.fixture
def people(world):
    """Branch A1 with three members on the roll (one with a CCCD and a phone), A2 with one, B1 with one."""
    world.anh.cccd, world.anh.phone = CCCD_A, PHONE_A
    world.anh.save()
    extra = factories.person("Trần Thị Ba", birth_year=2001, residence=world.tree.hamlet_a1)
    factories.membership(world.a1, person=extra, joined_on=D(2022, 2, 2))
    factories.membership(world.a2, person=factories.person("Võ Văn Tư", residence=world.tree.hamlet_a2))
    return world


def open_memberships(area) -> int:
    """The open memberships of an area's branches, counted here from the test's data."""
    return sum(
        1
        for membership in Membership.objects.select_related("branch__area")
        if membership.ended_on is None and membership.branch.area.path.startswith(area.path)
    )


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def data_rows(response) -> list[tuple]:
    """The rows below the header of a workbook in the template's layout."""
    return [row for row in sheet_rows(response)[1:] if any(cell is not None for cell in row)]


def numbered_rows(response) -> list[tuple]:
    """The table rows of a document (the roll): those numbered 1, 2, 3… in the first column."""
    rows = [row for row in sheet_rows(response) if isinstance(row[0], int)]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    return rows


def file_name(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def the_entry() -> DownloadLog:
    assert DownloadLog.objects.count() == 1, list(DownloadLog.objects.values_list("kind", "file_name"))
    return DownloadLog.objects.get()


def all_text(response) -> str:
    return " | ".join(str(cell) for row in sheet_rows(response) for cell in row if cell is not None)


def members_batch(user, rows) -> object:
    batch = workbook_services.create_batch(kind="members", user=user, file_name="danh-sach.xlsx", data=roster(rows))
    workbook_services.start_preview(batch=batch)
    batch.refresh_from_db()
    return batch


# ---------------------------------------------------------------------------
# Each personal download writes one entry, with the right figures


def test_the_members_export_is_logged_with_its_filters_and_rows(client, people, district_a):
    client.force_login(district_a)
    commune = people.tree.commune_a
    url = reverse("workbooks:export", args=["members"])

    response = client.get(url, {"organization": "DOAN", "area": commune.key})

    rows = data_rows(response)
    assert len(rows) == open_memberships(commune) == 4
    entry = the_entry()
    assert (entry.user, entry.username, entry.kind) == (district_a, "huyen-a", DownloadKind.MEMBERS)
    assert entry.file_name == file_name(response) and entry.file_name.startswith("members-")
    assert entry.path == url
    assert entry.filters == {"organization": "DOAN", "area": commune.key}
    assert entry.rows == len(rows)
    assert (entry.area_path, entry.area_name) == (commune.path, "Xã Tân Mỹ")


def test_the_members_export_without_filters_is_limited_to_the_users_area(client, people, district_a):
    client.force_login(district_a)
    rows = data_rows(client.get(reverse("workbooks:export", args=["members"])))
    entry = the_entry()
    assert entry.rows == len(rows) == open_memberships(people.tree.district_a)
    assert (entry.filters, entry.area_path) == ({}, people.tree.district_a.path)


def test_the_admins_members_export_is_logged_with_the_changelists_filters(client, people, district_a):
    client.force_login(district_a)
    url = reverse("admin:members_membership_export")
    query = {"in_area": people.tree.hamlet_a1.path, "status": "present"}

    rows = data_rows(client.get(url, query))

    expected = Membership.objects.filter(branch=people.a1, status="present", ended_on__isnull=True).count()
    assert len(rows) == expected == 3
    entry = the_entry()
    assert (entry.user, entry.kind, entry.path, entry.rows) == (district_a, DownloadKind.MEMBERS, url, 3)
    assert entry.filters == query


def test_an_imports_outcome_is_logged_with_a_row_per_person(client, people, district_a):
    batch = members_batch(
        district_a,
        [
            member("Nguyễn Văn Mới", 2002, people.a1.code),
            member("Lê Thị Hai", 2003, people.a1.code),
            member("Phạm Văn Sai", 2004, "KHONG-CO"),  # refused: an unknown branch; a person still
        ],
    )
    client.force_login(district_a)

    response = client.get(reverse("workbooks:outcome", args=[batch.pk]))

    named = {row[2] for row in sheet_rows(response)[1:]}
    assert {"Nguyễn Văn Mới", "Lê Thị Hai", "Phạm Văn Sai"} <= {str(name).split(" (")[0] for name in named}
    entry = the_entry()
    assert (entry.user, entry.kind, entry.rows) == (district_a, DownloadKind.IMPORT_OUTCOME, 3)
    assert entry.filters == {"batch": batch.pk, "import_kind": "members"}
    assert entry.file_name == file_name(response) == f"ket-qua-nhap-{batch.pk}.xlsx"
    assert entry.area_path == people.tree.district_a.path


def test_a_branchs_roll_is_logged_with_its_date_and_members(client, people, district_a):
    client.force_login(district_a)
    url = reverse("meetings:roll_sheet", args=[people.a1.pk])

    response = client.get(url, {"on": "01/06/2024", "format": "xlsx"})

    rows = numbered_rows(response)
    on_the_roll = Membership.objects.filter(branch=people.a1, joined_on__lte=D(2024, 6, 1)).count()
    assert len(rows) == on_the_roll == 3
    entry = the_entry()
    assert (entry.user, entry.kind, entry.rows) == (district_a, DownloadKind.ROLL, 3)
    assert entry.filters == {"on": "2024-06-01", "format": "xlsx", "branch": people.a1.code}
    assert entry.file_name == file_name(response) == f"roll-{people.a1.code}-2024-06-01.xlsx"
    assert (entry.path, entry.area_path) == (url, people.tree.hamlet_a1.path)


def test_each_download_writes_its_own_entry(client, people, district_a):
    client.force_login(district_a)
    url = reverse("workbooks:export", args=["members"])
    for _ in range(3):
        client.get(url)
    assert DownloadLog.objects.filter(user=district_a, kind=DownloadKind.MEMBERS).count() == 3


def test_files_without_personal_data_write_no_entry(client, people, district_a):
    client.force_login(district_a)
    targets = fill("targets", [[people.tree.hamlet_a1.code, "Đoàn Thanh niên", 2024, 120]])
    batch = workbook_services.create_batch(kind="targets", user=district_a, file_name="chi-tieu.xlsx", data=targets)
    workbook_services.start_preview(batch=batch)
    downloads = [
        client.get(reverse("workbooks:export", args=["branches"])),
        client.get(reverse("admin:branches_branch_export")),
        client.get(reverse("workbooks:template", args=["members"])),
        client.get(reverse("meetings:branch_log", args=[people.a1.pk]), {"year": 2024, "format": "xlsx"}),
        client.get(reverse("reports:membership"), {"format": "csv"}),
        client.get(reverse("reports:officers"), {"format": "xlsx"}),
    ]
    batch.refresh_from_db()
    assert batch.rows  # a targets import has an outcome, of hamlets and figures only
    downloads.append(client.get(reverse("workbooks:outcome", args=[batch.pk])))
    assert [response.status_code for response in downloads] == [200] * len(downloads)
    assert all("attachment" in response["Content-Disposition"] for response in downloads)
    assert DownloadLog.objects.count() == 0


# ---------------------------------------------------------------------------
# Readers: numbers left out or masked, the download logged all the same


def test_a_readers_downloads_hold_no_full_number_and_are_logged(client, people, district_a, province_user):
    new_phone = "0987111222"
    row = member(people.anh.full_name, 2000, people.a1.code, cccd=CCCD_A, **{"Số điện thoại": new_phone})
    batch = members_batch(district_a, [row])
    client.force_login(province_user)
    downloads = {
        "export": client.get(reverse("workbooks:export", args=["members"])),
        "admin": client.get(reverse("admin:members_membership_export")),
        "outcome": client.get(reverse("workbooks:outcome", args=[batch.pk])),
        "roll": client.get(reverse("meetings:roll_sheet", args=[people.a1.pk]), {"format": "xlsx"}),
    }
    for name, response in downloads.items():
        text = all_text(response)
        assert people.anh.full_name in text, name
        assert CCCD_A not in text and PHONE_A not in text and new_phone not in text, name
    # Masked in the outcome, so that a reader sees what changed, not the numbers.
    assert "0912•••678 → 0987•••222" in all_text(downloads["outcome"])
    kinds = sorted(DownloadLog.objects.filter(user=province_user).values_list("kind", flat=True))
    assert kinds == sorted(["members", "members", "import_outcome", "roll"])
    assert DownloadLog.objects.count() == 4


def test_an_editor_downloads_the_numbers(client, people, district_a):
    client.force_login(district_a)
    text = all_text(client.get(reverse("workbooks:export", args=["members"])))
    assert CCCD_A in text and PHONE_A in text


# ---------------------------------------------------------------------------
# Another district's data: refused, and nothing logged


def test_another_districts_downloads_are_refused_and_not_logged(client, people, district_a, district_b):
    batch_b = members_batch(district_b, [member("Người Huyện B", 2000, people.b1.code)])
    client.force_login(district_a)
    refused = [
        client.get(reverse("workbooks:export", args=["members"]), {"area": people.tree.commune_b.key}),
        client.get(reverse("workbooks:outcome", args=[batch_b.pk])),
        client.get(reverse("meetings:roll_sheet", args=[people.b1.pk]), {"format": "xlsx"}),
    ]
    assert [response.status_code for response in refused] == [404, 404, 404]
    assert not any(response.has_header("Content-Disposition") for response in refused)
    assert DownloadLog.objects.count() == 0


def test_narrowing_an_export_to_another_districts_branch_gives_nobody(client, people, district_a):
    """A branch code or an area filter only narrows what the user sees: the file is empty, and says so in the log."""
    client.force_login(district_a)
    by_branch = data_rows(client.get(reverse("workbooks:export", args=["members"]), {"branch": people.b1.code}))
    in_admin = data_rows(
        client.get(reverse("admin:members_membership_export"), {"in_area": people.tree.district_b.path})
    )
    assert by_branch == [] and in_admin == []
    assert list(DownloadLog.objects.values_list("rows", flat=True)) == [0, 0]


def test_a_download_that_fails_writes_no_entry(client, people, district_a, monkeypatch):
    from workbooks import templates

    def broken(kind, rows, **kwargs):
        taken = iter(rows)
        next(taken)  # a row is read, then the writer fails
        taken.close()  # (its database cursor closed now, not whenever the generator is collected)
        raise OSError("disk full")

    monkeypatch.setattr(templates, "write_workbook", broken)
    client.raise_request_exception = False
    client.force_login(district_a)
    response = client.get(reverse("workbooks:export", args=["members"]))
    assert response.status_code == 500
    assert DownloadLog.objects.count() == 0


def test_the_entry_keeps_the_username_when_the_account_is_deleted(client, people, tree):
    user = factories.user(Role.COMMUNE, tree.commune_a, username="xa-tam-thoi")
    client.force_login(user)
    client.get(reverse("workbooks:export", args=["members"]))
    client.logout()
    user.delete()
    entry = the_entry()
    assert (entry.user, entry.username, entry.rows) == (None, "xa-tam-thoi", open_memberships(tree.commune_a))


def test_counted_counts_the_rows_taken():
    rows = Counted(iter([[1], [2], [3]]))
    assert rows.count == 0
    assert list(rows) == [[1], [2], [3]]
    assert rows.count == 3


# ---------------------------------------------------------------------------
# The log in the admin: administrators read it, nobody changes it


@pytest.fixture
def logged(client, people, district_a, province_user):
    client.force_login(district_a)
    client.get(reverse("workbooks:export", args=["members"]))
    client.force_login(province_user)
    client.get(reverse("meetings:roll_sheet", args=[people.a1.pk]), {"format": "xlsx"})
    client.logout()
    assert DownloadLog.objects.count() == 2
    return DownloadLog.objects.order_by("pk")


def log_url(view="changelist", *args):
    return reverse(f"admin:core_downloadlog_{view}", args=args)


@pytest.mark.parametrize("who", ["district_a", "province_user", "commune"])
def test_only_administrators_see_the_log(client, logged, request, tree, who):
    user = factories.user(Role.COMMUNE, tree.commune_a) if who == "commune" else request.getfixturevalue(who)
    client.force_login(user)
    entry = logged.first()
    assert client.get(log_url()).status_code == 403
    assert client.get(log_url("change", entry.pk)).status_code == 403
    assert log_url() not in client.get(reverse("admin:index")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, logged):
    response = client.get(log_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_administrator_reads_the_log_filters_it_and_searches_it(client, logged, admin_user):
    client.force_login(admin_user)
    page = client.get(log_url())
    assert page.status_code == 200
    assert log_url() in client.get(reverse("admin:index")).content.decode()
    assert list(page.context["cl"].result_list) == list(logged.order_by("-created_at", "-pk"))
    by_kind = client.get(log_url(), {"kind__exact": "roll"}).context["cl"].result_list
    assert [entry.username for entry in by_kind] == ["tinh"]
    by_name = client.get(log_url(), {"q": "huyen"}).context["cl"].result_list
    assert [entry.kind for entry in by_name] == ["members"]
    day = datetime.timedelta(days=1)
    since_yesterday = client.get(log_url(), {"created_at__gte": (timezone.now() - day).isoformat()})
    from_tomorrow = client.get(log_url(), {"created_at__gte": (timezone.now() + day).isoformat()})
    assert (since_yesterday.context["cl"].result_count, from_tomorrow.context["cl"].result_count) == (2, 0)
    detail = client.get(log_url("change", logged.first().pk))
    assert detail.status_code == 200 and "huyen-a" in detail.content.decode()


def test_nobody_changes_or_deletes_the_log(client, logged, admin_user):
    client.force_login(admin_user)
    entry = logged.first()
    before = list(DownloadLog.objects.values())
    assert client.get(log_url("add")).status_code == 403
    assert client.post(log_url("add"), {"username": "x", "kind": "roll", "rows": 1}).status_code == 403
    assert client.post(log_url("change", entry.pk), {"username": "x", "rows": 0}).status_code == 403
    assert client.post(log_url("delete", entry.pk), {"post": "yes"}).status_code == 403
    response = client.post(log_url(), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert list(DownloadLog.objects.values()) == before
    model_admin = admin.site.get_model_admin(DownloadLog)
    assert isinstance(model_admin, DownloadLogAdmin)
    assert "delete_selected" not in model_admin.get_actions(page_request(client, admin_user))


def page_request(client, user):
    from django.test import RequestFactory

    request = RequestFactory().get(log_url())
    request.user = user
    return request


def test_the_log_lists_in_a_fixed_number_of_queries(client, logged, admin_user):
    client.force_login(admin_user)
    client.get(log_url())  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(log_url())
    DownloadLog.objects.bulk_create(
        [DownloadLog(username=f"u{n}", kind="roll", file_name="f.xlsx", path="/", rows=n) for n in range(40)]
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(log_url()).context["cl"].result_count == 42
    assert len(many) == len(few)


def test_counted_closes_its_source_when_closed_early():
    closed = []

    def source():
        try:
            yield 1
            yield 2
        finally:
            closed.append(True)

    rows = Counted(source())
    taken = iter(rows)
    next(taken)
    taken.close()
    assert (closed, rows.count) == ([True], 1)


def test_a_reader_finds_no_full_number_on_the_admins_pages_of_people(client, people, province_user):
    """The person's own admin hides the numbers (tests/core/test_admin_scope.py); nor do the pages naming a person."""
    officer = factories.officer(people.a1, people.anh)
    membership = people.membership_anh
    pages = [
        reverse("admin:members_person_changelist"),
        reverse("admin:members_person_change", args=[people.anh.pk]),
        reverse("admin:members_membership_changelist"),
        reverse("admin:members_membership_change", args=[membership.pk]),
        reverse("admin:branches_officer_changelist"),
        reverse("admin:branches_officer_change", args=[officer.pk]),
        reverse("admin:autocomplete")
        + "?app_label=branches&model_name=officer&field_name=person&term="
        + people.anh.full_name.split()[-1],
    ]
    client.force_login(province_user)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        json = response["Content-Type"].startswith("application/json")
        content = " ".join(r["text"] for r in response.json()["results"]) if json else response.content.decode()
        assert people.anh.full_name in content, page
        assert CCCD_A not in content and PHONE_A not in content, page
