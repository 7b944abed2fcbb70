"""A report printed from the browser is the official document the .xlsx is (issue 14, point 6).

On paper: the issuing body on the left, the national title and motto on the right, the place
and date, the table, the chart and the signature block with the preparer's full name and
position. On screen the header and signature stay hidden.
"""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.page_data import build_dataset, element_texts

PAGES = {
    "membership": "?on=31/12/2024",
    "ratings": "?year=2024",
    "meetings": "?period=month&year=2024&month=10",
    "officers": "?year=2024&month=10",
}
FULL_NAME = "Nguyễn Thị Thu Hà"
POSITION = "Phó Bí thư Huyện Đoàn Thanh Bình"


@pytest.fixture
def data(db):
    data = build_dataset()
    data.district_user.full_name = FULL_NAME
    data.district_user.position = POSITION
    data.district_user.save()
    return data


def _today_line(place: str) -> str:
    today = timezone.localdate()
    return f"{place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"


@pytest.mark.parametrize("kind", PAGES)
def test_the_printed_report_has_the_official_header_and_the_preparers_signature(district_client, kind):
    html = district_client.get(reverse(f"reports:{kind}") + PAGES[kind]).content.decode()

    header_classes, header = element_texts(html, "document-header")
    assert {"d-none", "d-print-block"} <= set(header_classes)  # on paper only
    # All organizations of Huyện Thanh Bình: the area issues it, through its steering committee.
    assert header[:2] == ["HUYỆN THANH BÌNH", "BAN CHỈ ĐẠO"]
    assert header[2:4] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header[4] == _today_line("Thử Nghiệm")

    signature_classes, signature = element_texts(html, "document-signature")
    assert {"d-none", "d-print-flex"} <= set(signature_classes)
    assert signature == [
        "NGƯỜI LẬP BIỂU",
        "(Ký, ghi rõ họ tên)",
        FULL_NAME,
        POSITION,
        "TM. BAN CHỈ ĐẠO",
        "(Ký tên, đóng dấu)",
    ]
    assert "huyen991" not in signature  # the login name signs nothing

    # The table and the chart print between them; the chart is no longer left off the page.
    assert html.index('data-testid="document-header"') < html.index('data-testid="report-table"')
    assert html.index('data-testid="report-table"') < html.index("<canvas")
    assert html.index("<canvas") < html.index('data-testid="document-signature"')
    chart_section = html[html.rindex("<section", 0, html.index("<canvas")) : html.index("<canvas")]
    assert "d-print-none" not in chart_section
    assert re.search(r'<link[^>]+href="[^"]*css/print\.css"[^>]+media="print"', html)
    assert re.search(r'<script src="[^"]*js/print\.js"', html)


def test_one_organizations_report_is_issued_by_that_organization(district_client):
    html = district_client.get(reverse("reports:ratings") + "?year=2024&organization=HND").content.decode()
    _classes, header = element_texts(html, "document-header")
    assert header[:2] == ["HỘI NÔNG DÂN VIỆT NAM", "HỘI NÔNG DÂN HUYỆN THANH BÌNH"]
    _classes, signature = element_texts(html, "document-signature")
    assert "TM. HỘI NÔNG DÂN HUYỆN THANH BÌNH" in signature


def test_without_a_full_name_the_first_and_last_name_sign(client, data):
    user = data.province_user
    user.first_name, user.last_name = "Hà", "Nguyễn Thị Thu"
    user.save()
    client.force_login(user)
    html = client.get(reverse("reports:membership") + "?on=31/12/2024").content.decode()
    _classes, signature = element_texts(html, "document-signature")
    assert signature[2] == "Hà Nguyễn Thị Thu"
    assert "tinh99" not in signature


def _signature_columns(sheet) -> list[str]:
    """The texts of the preparer's column (A), from "NGƯỜI LẬP BIỂU" down."""
    start = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == "NGƯỜI LẬP BIỂU")
    return [sheet.cell(row, 1).value for row in range(start, sheet.max_row + 1) if sheet.cell(row, 1).value]


def test_the_xlsx_signature_carries_the_full_name_and_position_on_every_sheet(district_client):
    response = district_client.get(reverse("reports:officers") + PAGES["officers"] + "&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    assert len(workbook.worksheets) == 5  # the report and one sheet per organization
    for sheet in workbook.worksheets:
        assert _signature_columns(sheet) == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", FULL_NAME, POSITION]
        date_line = sheet.cell(4, sheet.max_column - 4).value
        assert date_line == _today_line("Thử Nghiệm")
        assert sheet.print_area.endswith(f"${sheet.max_row}")  # the position is inside the printed page


def test_the_xlsx_without_a_position_ends_with_the_name(client, data):
    data.province_user.full_name = "Trần Minh Tuấn"
    data.province_user.save()
    client.force_login(data.province_user)
    response = client.get(reverse("reports:ratings") + "?year=2024&organization=DOAN&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert _signature_columns(sheet) == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "Trần Minh Tuấn"]
