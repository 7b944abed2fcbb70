"""Workbooks made in the tests with openpyxl, and the command line run as a user would."""

import io
import json
import zipfile

from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from members.models import Membership, MembershipPeriod, Person
from workbooks.templates import template

MEMBER_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Số điện thoại",
    "Trình độ học vấn",
    "Nghề nghiệp",
    "Ngày vào Đoàn/Hội",
    "Ngày vào Đảng",
    "Mã chi",
    "Tình trạng",
    "Ghi chú",
]


def workbook(header, rows, *, above=(), sheet_title="Sheet1", extra_sheets=()) -> bytes:
    """A workbook with optional title rows above the header; ``rows`` are lists of cell values."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for line in above:
        sheet.append(list(line))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for title, lines in extra_sheets:
        other = book.create_sheet(title)
        for line in lines:
            other.append(list(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def member(name, birth, branch, *, gender="Nam", cccd="", joined="01/01/2020", status="Đang sinh hoạt", **extra):
    row = dict.fromkeys(MEMBER_HEADER, "")
    row.update(
        {
            "Họ và tên": name,
            "Ngày sinh": birth,
            "Giới tính": gender,
            "Số CCCD": cccd,
            "Ngày vào Đoàn/Hội": joined,
            "Mã chi": branch,
            "Tình trạng": status,
        }
    )
    row.update(extra)
    return [row[column] for column in MEMBER_HEADER]


def roster(rows, **kwargs) -> bytes:
    return workbook(MEMBER_HEADER, rows, **kwargs)


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def rows_of(data: bytes, sheet=0) -> list[list]:
    book = read(data)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def run_import(tmp_path, kind, data, *, user=None, dry_run=False, name="file.xlsx"):
    """Run import_workbook with --format json; return (exit code, parsed output)."""
    path = tmp_path / name
    path.write_bytes(data)
    args = ["import_workbook", kind, str(path), "--format", "json"]
    if user is not None:
        args += ["--user", user.username]
    if dry_run:
        args.append("--dry-run")
    out = io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


def with_cached_formula(data: bytes, cell: str, cached: str) -> bytes:
    """Give a formula cell written by openpyxl the value Excel would have cached."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                formula = text[start:end]
                patched = formula.replace("<v></v>", "").replace("<v />", "") + f"<v>{cached}</v>"
                patched = patched.replace('t="str"', "").replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
                text = text[:start] + patched + text[end:]
                content = text.encode()
            target.writestr(item, content)
    return buffer.getvalue()


def encrypted_workbook() -> bytes:
    """A minimal OLE2 compound file holding the streams of a password-protected .xlsx.

    Made by hand (512-byte header, one FAT sector, one directory sector) rather than by an
    encryption library: the refusal needs only what such a file looks like, never its key.
    """
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little-endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift
    header[0x20:0x22] = (6).to_bytes(2, "little")  # mini sector shift
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # one FAT sector
    header[0x30:0x34] = (1).to_bytes(4, "little")  # directory starts at sector 1
    header[0x38:0x3C] = (4096).to_bytes(4, "little")  # mini stream cutoff
    header[0x3C:0x40] = (0xFFFFFFFE).to_bytes(4, "little")  # no mini FAT
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")  # no DIFAT sectors
    header[0x4C:0x50] = (0).to_bytes(4, "little")  # FAT in sector 0
    for i in range(1, 109):
        header[0x4C + 4 * i : 0x50 + 4 * i] = (0xFFFFFFFF).to_bytes(4, "little")
    fat = bytearray(b"\xff" * sector)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")  # sector 0: the FAT itself
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")  # sector 1: directory, end of chain
    directory = bytearray()
    for name, kind in (("Root Entry", 5), ("EncryptionInfo", 2), ("EncryptedPackage", 2), ("", 0)):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        entry[0 : len(encoded)] = encoded
        entry[0x40:0x42] = len(encoded).to_bytes(2, "little")
        entry[0x42] = kind
        entry[0x44:0x50] = b"\xff" * 12
        directory += entry
    return bytes(header + fat + directory)


def fill(kind, rows) -> bytes:
    """The template with its example row replaced by ``rows``."""
    book = read(template(kind))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot():
    """Everything an import could change, to compare before and after."""
    return (
        sorted(Person.objects.values_list("pk", "full_name", "cccd", "birth_year", "phone", "version")),
        sorted(Membership.objects.values_list("pk", "person_id", "branch_id", "status", "joined_on", "note")),
        sorted(
            MembershipPeriod.objects.values_list(
                "pk", "membership_id", "branch_id", "status", "valid_from", "valid_to"
            )
        ),
    )
