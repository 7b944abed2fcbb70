"""Limits on what an upload may be, checked before it costs anything.

- A body larger than the upload limit is refused unread, before the CSRF check reads the form
  (it does so for every POST, an anonymous one too) and before Django stores the file.
- Every other form takes far less (``DATA_UPLOAD_MAX_MEMORY_SIZE``), attached files included.
- The rows a workbook holds are counted in it, not taken from the dimension it declares, both to
  choose between the request and the task worker and against the hard limit ``WORKBOOK_MAX_ROWS``.
"""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from members.models import Person
from workbooks.models import BatchState, ImportBatch

from .helpers import member, roster, run_import

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOUNDARY = "----ranh-gioi"


class UnreadBody:
    """A request body that records whether anything read it."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return b""

    def readline(self, *args):
        self.reads += 1
        return b""


def post_declaring(client, url, size, *, content_type=f"multipart/form-data; boundary={BOUNDARY}"):
    body = UnreadBody()
    response = client.generic(
        "POST", url, b"x", content_type=content_type, CONTENT_LENGTH=str(size), **{"wsgi.input": body}
    )
    return response, body


@pytest.mark.parametrize("who", ["anonymous", "staff_a"])
def test_an_oversized_upload_is_refused_before_anything_reads_its_body(world, settings, who):
    settings.WORKBOOK_MAX_UPLOAD_SIZE = 100_000
    client = Client(enforce_csrf_checks=True)  # the CSRF check reads a POST's form
    if who != "anonymous":
        client.force_login(getattr(world, who))
    response, body = post_declaring(client, reverse("workbooks:import"), 5_000_000)
    assert body.reads == 0
    if who == "anonymous":
        assert response.status_code == 413
    else:
        assert response.status_code == 302 and response.url == reverse("workbooks:import")
        with translation.override(response["Content-Language"]):
            message = gettext("The file is %(size)s; the largest workbook accepted is %(limit)s.") % {
                "size": filesizeformat(5_000_000),
                "limit": filesizeformat(100_000),
            }
        assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert not ImportBatch.objects.exists()


def test_an_upload_within_the_limit_still_goes_through(world, client, settings):
    """3 MB, more than any other form may send: the upload view still takes it (and finds no workbook in it)."""
    client.force_login(world.staff_a)
    file = SimpleUploadedFile("lon.xlsx", b"\x00" * 3_000_000, content_type=XLSX)
    response = client.post(reverse("workbooks:import"), {"kind": "members", "file": file})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("workbooks:batch", args=[batch.pk])
    assert batch.file_size == 3_000_000 and batch.state == BatchState.FAILED  # refused as no workbook, not as too big


@pytest.mark.parametrize(
    "content_type", [f"multipart/form-data; boundary={BOUNDARY}", "application/x-www-form-urlencoded"]
)
def test_other_forms_take_far_less_files_included(world, content_type):
    client = Client(enforce_csrf_checks=True)
    response, body = post_declaring(client, reverse("login"), 2 * 1024 * 1024, content_type=content_type)
    assert (response.status_code, body.reads) == (413, 0)
    client.force_login(world.staff_a)
    response, body = post_declaring(client, reverse("members:search"), 2 * 1024 * 1024, content_type=content_type)
    assert (response.status_code, body.reads) == (413, 0)


def test_a_login_form_of_ordinary_size_still_works(world):
    client = Client(enforce_csrf_checks=False)
    response = client.post(reverse("login"), {"username": "huyen-a", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302


# --- rows ---------------------------------------------------------------------------------------


def declaring(data: bytes, dimension: str) -> bytes:
    """The workbook with its first sheet's dimension tag replaced (what a file may claim)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content)
                assert count == 1
            target.writestr(item.filename, content)
    return buffer.getvalue()


def upload(client, data):
    file = SimpleUploadedFile("danh-sach.xlsx", data, content_type=XLSX)
    return client.post(reverse("workbooks:import"), {"kind": "members", "file": file})


def test_a_workbook_declaring_few_rows_but_holding_many_goes_to_the_worker(world, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKBOOK_BACKGROUND_ROWS = 5
    client.force_login(world.staff_a)
    data = declaring(roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(20)]), "A1:O2")
    upload(client, data)
    assert ImportBatch.objects.get().state == BatchState.QUEUED  # not read in the request


def test_a_workbook_declaring_many_rows_but_holding_few_is_read_at_once(world, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKBOOK_BACKGROUND_ROWS = 5
    client.force_login(world.staff_a)
    upload(client, declaring(roster([member("Người 1", 1990, world.doan_a1.code)]), "A1:O900000"))
    assert ImportBatch.objects.get().state == BatchState.PREVIEWED


def too_many_rows(response=None) -> str:
    with translation.override(response["Content-Language"] if response else "en"):
        return gettext(
            "The workbook holds more than %(limit)s rows; one import takes at most %(limit)s. "
            "Split it into several files."
        ) % {"limit": "10"}


@pytest.mark.parametrize("dimension", ["A1:O21", "A1:O2"], ids=["true-dimension", "lying-dimension"])
def test_a_workbook_over_the_row_limit_is_refused_with_a_clear_message(world, client, settings, tmp_path, dimension):
    settings.WORKBOOK_MAX_ROWS = 10
    data = declaring(roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(20)]), dimension)
    client.force_login(world.staff_a)
    response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.error, batch.file_data) == (BatchState.FAILED, too_many_rows(response), None)
    with translation.override("en"):  # the page's request left Vietnamese active in this thread
        code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output) == (2, {"error": too_many_rows()})
    assert not Person.objects.exists()


def test_a_workbook_at_the_row_limit_is_accepted(world, client, settings):
    settings.WORKBOOK_MAX_ROWS = 21  # the header and twenty rows
    client.force_login(world.staff_a)
    upload(client, roster([member(f"Người {i}", 1990, world.doan_a1.code) for i in range(20)]))
    assert ImportBatch.objects.get().state == BatchState.PREVIEWED


def test_a_row_far_below_counts_as_all_the_rows_above_it(world, client, settings, tmp_path):
    """calamine makes room for every row up to the last one: two rows, the second numbered 500."""
    settings.WORKBOOK_MAX_ROWS = 100
    data = roster([member("Người 1", 1990, world.doan_a1.code)])
    book = zipfile.ZipFile(io.BytesIO(data))
    sheet = book.read("xl/worksheets/sheet1.xml").replace(
        b"</sheetData>", b'<row r="500"><c r="A500"><v>1</v></c></row></sheetData>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in book.infolist():
            content = sheet if item.filename == "xl/worksheets/sheet1.xml" else book.read(item.filename)
            target.writestr(item.filename, content)
    code, output = run_import(tmp_path, "members", buffer.getvalue(), user=world.staff_a)
    assert code == 2 and "more than 100 rows" in output["error"]


def test_a_cell_far_to_the_right_is_refused(world, tmp_path):
    """A cell in column BH makes calamine hold 60 cells for every row."""
    row = member("Người 1", 1990, world.doan_a1.code) + [""] * 44 + ["ghi chú lạc"]
    code, output = run_import(tmp_path, "members", roster([row]), user=world.staff_a)
    assert code == 2 and "beyond column AZ" in output["error"], output


def test_the_count_holds_across_chunks_and_namespace_prefixes():
    from workbooks.readers import SheetScan

    rows = b"".join(
        b'<x:row r="%d" spans="1:3"><x:c r="A%d"><x:v>1</x:v></x:c></x:row>' % (n, n) for n in range(1, 301)
    )
    xml = (
        b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:dimension ref="A1:A2"/><x:sheetData>' + rows + b'<x:row r="9000"/><x:row><x:c r="BA9001" t="n">'
        b"<x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>"
    )
    for size in (7, 64, 4096, len(xml)):
        scan = SheetScan()
        for start in range(0, len(xml), size):
            scan.feed(xml[start : start + size])
        scan.close()
        assert (scan.elements, scan.highest, scan.wide) == (302, 9000, True), size
        assert scan.rows == 9000


@pytest.mark.parametrize(
    ("cell", "wide"),
    [(b'<c t="n" r="BA5">', True), (b'<c r="AZ5" t="n">', False), (b'<c s="1" r="AAA5">', True)],
)
def test_a_cell_beyond_column_az_is_found_wherever_its_reference_stands(cell, wide):
    from workbooks.readers import SheetScan

    scan = SheetScan()
    scan.feed(b'<worksheet><sheetData><row r="5"><c r="A5"><v>1</v></c>' + cell + b"<v>2</v></c></row></sheetData>")
    scan.close()
    assert (scan.rows, scan.wide) == (5, wide)
