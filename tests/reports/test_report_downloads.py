"""The CSV and .xlsx downloads carry the page's figures; the .xlsx is an official document."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from reports.exports import report_csv, safe_text
from tests import factories
from tests.reports.page_data import page_table, vietnamese_number

PAGES = {
    "membership": "?on=31/12/2024",
    "ratings": "?year=2024",
    "meetings": "?period=month&year=2024&month=10",
    "officers": "?year=2024&month=10",
    "fees": "?period=quarter&year=2024&quarter=4",
}


def _page_figures(response) -> dict[str, list]:
    """Row code -> figures in column order, from the page; "total" for the total."""
    table = page_table(response)
    columns = [column.key for column in response.context["table"].columns]
    return {
        key: [vietnamese_number(cells[column]) for column in columns]
        for key, cells in table.rows.items()
        if "@" not in key
    }


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("kind", PAGES)
def test_csv_has_the_figures_of_the_page(district_client, kind):
    url = reverse(f"reports:{kind}") + PAGES[kind]
    page = _page_figures(district_client.get(url))

    response = district_client.get(url + "&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.fullmatch(rf'attachment; filename="{kind}-991-[0-9_-]+\.csv"', response["Content-Disposition"])
    header, *rows = _csv_rows(response.content)
    assert len(header) == 2 + len(page["total"])
    assert len(rows) == len(page)
    by_code = {row[0] or "total": [Decimal(value) if value else None for value in row[2:]] for row in rows}
    assert by_code == page
    assert rows[-1][0] == "" and rows[-1][1]  # the total comes last, labelled


@pytest.mark.parametrize("kind", PAGES)
def test_xlsx_has_the_official_header_and_the_figures_of_the_page(district_client, data, kind):
    url = reverse(f"reports:{kind}") + PAGES[kind]
    page_response = district_client.get(url)
    page = _page_figures(page_response)
    code_of = {line.name: line.code for line in page_response.context["table"].lines}

    response = district_client.get(url + "&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    motto = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "Độc lập - Tự do - Hạnh phúc")
    assert motto.font.underline == "single"
    assert any(re.fullmatch(r"Thử Nghiệm, ngày \d\d tháng \d\d năm \d{4}", text) for text in texts)
    assert "HUYỆN THANH BÌNH" in texts  # all organizations: the area on the left
    assert "NGƯỜI LẬP BIỂU" in texts
    assert any(text.startswith("TM. ") for text in texts)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage

    # The table: rows numbered from 1 under the header, then the total.
    first = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == 1)
    width = len(page["total"])
    figures = {}
    for row in range(first, first + len(page)):
        values = [sheet.cell(row, column).value for column in range(3, 3 + width)]
        assert all(value is None or isinstance(value, int | float) for value in values), values
        key = "total" if sheet.cell(row, 1).value is None else code_of[sheet.cell(row, 2).value]
        figures[key] = [None if value is None else Decimal(str(value)) for value in values]
    assert figures == page
    count_cell = sheet.cell(first, 3)
    assert count_cell.number_format == "#,##0"

    # One more sheet per organization, each with its organization's name on the left.
    assert len(workbook.worksheets) == 1 + 4
    doan = workbook.worksheets[1]
    assert doan.cell(1, 1).value == "ĐOÀN TNCS HỒ CHÍ MINH"


def test_xlsx_percentages_are_numbers_with_two_decimals(district_client):
    response = district_client.get(reverse("reports:membership") + PAGES["membership"] + "&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header_row = next(
        row
        for row in range(1, sheet.max_row + 1)
        if sheet.cell(row, 2).value not in (None, "") and sheet.cell(row, 3).value
    )
    percents = [
        cell
        for row in sheet.iter_rows(min_row=header_row)
        for cell in row
        if cell.number_format == "0.00" and cell.value is not None
    ]
    assert percents and all(isinstance(cell.value, float) for cell in percents)
    assert 26.32 in [cell.value for cell in percents]


def test_xlsx_for_one_organization_names_it(district_client):
    response = district_client.get(reverse("reports:ratings") + "?year=2024&organization=HND&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    assert sheet.cell(1, 1).value == "HỘI NÔNG DÂN VIỆT NAM"
    assert sheet.cell(2, 1).value == "HỘI NÔNG DÂN HUYỆN THANH BÌNH"
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "TM. HỘI NÔNG DÂN HUYỆN THANH BÌNH" in texts


def test_cells_that_would_start_a_formula_are_neutralised(district_client, data):
    factories.branch(data.tree.commune_a, "HND", code="NN-2", name='=HYPERLINK("http://x")', kind="professional")
    url = reverse("reports:officers", kwargs={"key": "99101"}) + "?year=2024&month=10"

    rows = _csv_rows(district_client.get(url + "&format=csv").content)
    assert '\'=HYPERLINK("http://x")' in [row[1] for row in rows]

    sheet = openpyxl.load_workbook(io.BytesIO(district_client.get(url + "&format=xlsx").content)).worksheets[0]
    names = [sheet.cell(row, 2).value for row in range(1, sheet.max_row + 1)]
    assert '\'=HYPERLINK("http://x")' in names
    assert all(sheet.cell(row, 2).data_type != "f" for row in range(1, sheet.max_row + 1))


def test_safe_text():
    assert safe_text("-5 hội viên") == "'-5 hội viên"
    assert safe_text("+84") == "'+84"
    assert safe_text("@x") == "'@x"
    assert safe_text("Ấp Tân Phú") == "Ấp Tân Phú"
    assert safe_text(None) == ""


def test_report_csv_works_without_a_request(data):
    from reports.selectors import officers_report

    text = report_csv(officers_report(area=data.tree.district_a, year=2024, month=10))
    assert text.startswith("\ufeff")
    # Code, Unit, then the figures: the allowance due is the sixth (the parts of each source follow it).
    assert text.splitlines()[-1].split(",")[7] == "650000"


def test_xlsx_organization_sheets_carry_each_organizations_figures(district_client):
    url = reverse("reports:officers") + PAGES["officers"]
    table = page_table(district_client.get(url))
    sheet = openpyxl.load_workbook(io.BytesIO(district_client.get(url + "&format=xlsx").content))["Đoàn Thanh niên"]

    total_row = next(
        row
        for row in range(1, sheet.max_row + 1)
        if sheet.cell(row, 1).value is None and isinstance(sheet.cell(row, 3).value, int)
    )
    values = [sheet.cell(total_row, column).value for column in range(3, 9)]
    columns = ("branches", "heads", "deputies", "committee_members", "branches_without_head", "allowance")
    assert values == [vietnamese_number(table.rows["total@DOAN"][column]) for column in columns]


def test_report_xlsx_works_without_a_user(data):
    from reports.exports import report_xlsx
    from reports.selectors import ratings_report

    content = report_xlsx(ratings_report(area=data.tree.district_a, year=2024, organization=factories.organization()))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(1, 1).value == "ĐOÀN TNCS HỒ CHÍ MINH"
