"""Files that are not workbooks, damaged, encrypted, too large or zip bombs: a clear message, exit 2."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Person
from workbooks.models import ImportBatch

from .helpers import encrypted_workbook, member, roster, run_import, workbook

pytestmark = pytest.mark.django_db


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda w: b"Ho va ten,Ngay sinh\nNguyen Van A,1990\n", "not an Excel workbook"),
        (lambda w: roster([member("A", 1990, "X")])[:-200], "damaged or incomplete"),
        (lambda w: encrypted_workbook(), "password"),
        (lambda w: zip_bomb(), "far more data"),
        (lambda w: workbook(["Họ và tên", "Năm sinh"], [["A", 1990]]), "lacks the column(s) Mã chi"),
        (lambda w: b"", "empty"),
    ],
    ids=["csv", "truncated", "encrypted", "zip-bomb", "missing-columns", "empty"],
)
def test_bad_files_are_refused_with_a_clear_message(world, tmp_path, make, words):
    code, output = run_import(tmp_path, "members", make(world), user=world.staff_a)
    assert code == 2
    assert words in output["error"]
    assert not Person.objects.exists() and not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_reading(world, tmp_path, settings):
    settings.WORKBOOK_MAX_UPLOAD_SIZE = 1000
    data = roster([member("A", 1990, world.doan_a1.code)])
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 2
    assert "largest workbook accepted" in output["error"]


def test_usage_errors_exit_2(world, tmp_path):
    code, _output = run_import(tmp_path, "members", b"x", user=world.staff_a, name="a.xlsx")
    assert code == 2
    with pytest.raises(CommandError) as error:
        call_command("import_workbook", "members", str(tmp_path / "missing.xlsx"), stderr=io.StringIO())
    assert error.value.returncode == 2  # what manage.py exits with
    with pytest.raises(CommandError) as error:
        call_command("import_workbook", "members", str(tmp_path / "a.xlsx"), "--user", "nobody")
    assert error.value.returncode == 2
