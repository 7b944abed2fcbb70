"""The fees workbook: its template, the round trip through the export, rows matched by CCCD or by
name and birth date, and every refusal with its row, column and message, writing nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from fees.models import FeePayment
from fees.services import money
from tests import factories
from tests.fees.pages_world import *  # noqa: F403 - the fixtures
from tests.fees.pages_world import CHUNG, CN, D, pay, payments
from tests.workbooks.helpers import read, run_import, workbook
from workbooks.columns import COLUMNS, TITLES
from workbooks.models import ImportBatch

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Mã chi", "Số CCCD", "Họ và tên", "Ngày sinh", "Năm", "Tháng", "Số tiền", "Ngày nộp", "Người thu"]


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in their English source (the catalogue's Vietnamese may change)."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(fees):
    return factories.user("district", fees.tree.district_a, username="huyen-a")


def test_the_template_has_the_headers_an_example_and_explanations(tmp_path):
    path = tmp_path / "fees.xlsx"
    call_command("export_template", "fees", "-o", str(path), stdout=io.StringIO())
    book = read(path.read_bytes())
    sheet, explanations = book.worksheets
    assert sheet.title == TITLES["fees"] == "Thu đoàn phí, hội phí"
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.value not in (None, "") for cell in sheet[2])
    explained = [row[0].value.split("\n")[0] for row in explanations.iter_rows(min_row=2) if row[0].value]
    assert explained[: len(HEADER)] == [column.header for column in COLUMNS["fees"]]


def test_rows_are_matched_by_cccd_or_by_name_and_birth_and_a_second_import_changes_nothing(fees, staff, tmp_path):
    rows = [
        ["A1-DOAN", "087200000111", "Nguyễn Văn Ánh", "", 2024, 3, 5000, "10/03/2024", "Phạm Thu"],
        ["A1-DOAN", "", "Đặng Thị Dung", 1998, 2024, 2, 1000, "10/03/2024", ""],
        ["A1-DOAN", "", "Trần Văn Cường", "20/05/2001", 2024, 2, "2.000", "11/03/2024", "Phạm Thu"],
    ]
    code, output = run_import(tmp_path, "fees", workbook(HEADER, rows), user=staff)
    assert (code, output["created"], output["errors"]) == (0, 3, []), output
    assert payments() == {
        (fees.anh.pk, 3, CN, D(2024, 3, 10), "Phạm Thu"),
        (fees.dung.pk, 2, 1_000, D(2024, 3, 10), ""),
        (fees.cuong.pk, 2, CHUNG, D(2024, 3, 11), "Phạm Thu"),
    }
    assert set(FeePayment.objects.values_list("recorded_by", flat=True)) == {staff.pk}
    code, output = run_import(tmp_path, "fees", workbook(HEADER, rows), user=staff)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 3, 0, 0)
    rows[1][6] = 2000  # Dung pays the rest of February
    code, output = run_import(tmp_path, "fees", workbook(HEADER, rows), user=staff)
    assert (code, output["updated"], output["unchanged"]) == (0, 1, 2)
    assert FeePayment.objects.get(membership=fees.dung).amount == CHUNG


def test_the_export_of_the_visible_payments_imports_unchanged(client, fees, staff, tmp_path):
    pay(fees.anh, 1, CHUNG, by="-thu hộ")  # a text Excel would take for a formula stays text
    pay(fees.anh, 3, 2_500)
    pay(fees.dung, 12, CHUNG)
    pay(fees.be, 1, CHUNG)  # district B: not in district A's export
    client.force_login(staff)
    exported = client.get(reverse("workbooks:export", args=["fees"])).content
    sheet = read(exported).worksheets[0]
    lines = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [line[:3] for line in lines] == [["A1-DOAN", "087200000111", "Nguyễn Văn Ánh"]] * 2 + [
        ["A1-DOAN", None, "Đặng Thị Dung"]
    ]
    assert [(line[4], line[5], line[6], line[8]) for line in lines] == [
        (2024, 1, CHUNG, "-thu hộ"),
        (2024, 3, 2_500, "Phạm Thu"),
        (2024, 12, CHUNG, "Phạm Thu"),
    ]
    before = payments()
    code, output = run_import(tmp_path, "fees", exported, user=staff)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 3, 0, 0), output
    assert payments() == before


def test_a_readers_export_masks_the_cccd_and_still_imports_unchanged(client, fees, staff, province_user, tmp_path):
    pay(fees.anh, 1, CHUNG)
    client.force_login(province_user)
    exported = client.get(reverse("workbooks:export", args=["fees"])).content
    line = next(read(exported).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert line[1] == "0872•••••111"
    code, output = run_import(tmp_path, "fees", exported, user=staff)
    assert (code, output["unchanged"]) == (0, 1), output


GOOD = ["A1-DOAN", "087200000111", "Nguyễn Văn Ánh", "", 2024, 1, 2000, "10/01/2024", ""]
REFUSALS = [
    (
        "unknown branch",
        ["X9-DOAN", "", "Đặng Thị Dung", 1998, 2024, 1, 2000, "10/01/2024", ""],
        "Mã chi",
        lambda f: gettext("No branch with the code “%(code)s” in your area.") % {"code": "X9-DOAN"},
    ),
    (
        "branch of another district",
        ["B1-DOAN", "087200000222", "Lê Văn Bê", "", 2024, 1, 2000, "10/01/2024", ""],
        "Mã chi",
        lambda f: gettext("No branch with the code “%(code)s” in your area.") % {"code": "B1-DOAN"},
    ),
    (
        "member not found",
        ["A1-DOAN", "", "Đặng Thị Dung", 1990, 2024, 1, 2000, "10/01/2024", ""],
        "Họ và tên",
        lambda f: (
            gettext("No member of this branch with this name and birth date owed fees in %(year)d.") % {"year": 2024}
        ),
    ),
    (
        "cccd of no member of the branch",
        ["A1-DOAN", "087200000222", "Lê Văn Bê", "", 2024, 1, 2000, "10/01/2024", ""],
        "Số CCCD",
        lambda f: gettext("No member of this branch with this CCCD number owed fees in %(year)d.") % {"year": 2024},
    ),
    (
        "month 13",
        ["A1-DOAN", "", "Đặng Thị Dung", 1998, 2024, 13, 2000, "10/01/2024", ""],
        "Tháng",
        lambda f: gettext("A month is a number from 1 to 12."),
    ),
    (
        "negative amount",
        ["A1-DOAN", "", "Đặng Thị Dung", 1998, 2024, 1, -2000, "10/01/2024", ""],
        "Số tiền",
        lambda f: gettext("The number cannot be negative."),
    ),
    (
        "more than the due",
        ["A1-DOAN", "", "Đặng Thị Dung", 1998, 2024, 1, 20000, "10/01/2024", ""],
        "Số tiền",
        lambda f: (
            gettext("%(amount)s đ is more than the month's due (%(due)s đ).")
            % {"amount": money(20_000), "due": money(CHUNG)}
        ),
    ),
    (
        "duplicate row",
        GOOD,
        "Tháng",
        lambda f: gettext("The same member and month are on row %(row)d.") % {"row": 2},
    ),
    (
        "a month not owed",
        ["A1-DOAN", "", "Trần Văn Cường", 2001, 2024, 1, 2000, "10/01/2024", ""],
        "Tháng",
        lambda f: (
            gettext("%(name)s did not owe the fee of month %(month)d/%(year)d in %(branch)s.")
            % {"name": "Trần Văn Cường", "month": 1, "year": 2024, "branch": f.a1.name}
        ),
    ),
    (
        "a date in the future",
        ["A1-DOAN", "", "Đặng Thị Dung", 1998, 2024, 1, 2000, "10/01/2099", ""],
        "Ngày nộp",
        lambda f: gettext("The payment date cannot be later than today."),
    ),
]


@pytest.mark.parametrize(("case", "bad", "column", "message"), REFUSALS, ids=[case[0] for case in REFUSALS])
def test_a_refused_row_names_its_row_column_and_reason_and_nothing_is_written(
    fees, staff, tmp_path, case, bad, column, message
):
    code, output = run_import(tmp_path, "fees", workbook(HEADER, [GOOD, bad]), user=staff)
    assert code == 1
    assert output["errors"] == [{"row": 3, "column": column, "message": message(fees)}]
    assert not FeePayment.objects.exists()


def test_the_import_pages_preview_confirm_and_undo_a_fees_workbook(client, fees, staff, admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(staff)
    upload = SimpleUploadedFile("dong-phi.xlsx", workbook(HEADER, [GOOD]), content_type=XLSX)
    response = client.post(reverse("workbooks:import"), {"kind": "fees", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("workbooks:batch", args=[batch.pk])
    assert (batch.kind, batch.state, batch.created_count) == ("fees", "previewed", 1)
    assert not FeePayment.objects.exists()
    assert "Nguyễn Văn Ánh" in client.get(response.url).content.decode()
    client.post(reverse("workbooks:confirm", args=[batch.pk]))
    assert payments() == {(fees.anh.pk, 1, CHUNG, D(2024, 1, 10), "")}
    client.force_login(admin_user)
    client.post(reverse("workbooks:undo", args=[batch.pk]))
    assert not FeePayment.objects.exists()
