"""The files an orientation note may carry: PDF, Word (.docx), PNG and JPEG, no larger than
``NOTE_MAX_UPLOAD_SIZE``.

A file is taken only if its extension and its first bytes agree: a program renamed
``.pdf``, or a Word document with macros renamed ``.docx``, is refused. The type recorded is
the one its content proved, never the one the browser sent; the file is stored under a random
name (``stored_name``), the user's name kept only as text.
"""

import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TYPES = {".pdf": PDF, ".docx": DOCX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
SIGNATURES = {PDF: b"%PDF-", PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff", DOCX: b"PK\x03\x04"}
# The accept attribute of the file input (the browser's picker; the server checks again).
ACCEPT = ",".join(TYPES)
NAME_LENGTH = 200  # NoteAttachment.name


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the user's file name, made safe to show
    extension: str
    content_type: str
    size: int


def max_size() -> int:
    return settings.NOTE_MAX_UPLOAD_SIZE


def safe_name(name: str) -> str:
    """The base name, without control characters, cut to the column's length (keeping the extension)."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C").strip()
    stem, extension = os.path.splitext(base)
    return stem[: NAME_LENGTH - len(extension)] + extension if len(base) > NAME_LENGTH else base


def check_upload(upload) -> CheckedFile:
    """The upload's name, type and size, or a ValidationError saying why it is refused."""
    name = safe_name(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    content_type = TYPES.get(extension)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (.docx), PNG or JPEG file.") % {"name": name}, code="file_type"
        )
    if upload.size > max_size():
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_size())},
            code="file_size",
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    upload.seek(0)
    head = upload.read(len(SIGNATURES[content_type]))
    upload.seek(0)
    if head != SIGNATURES[content_type] or (content_type == DOCX and not _is_plain_docx(upload)):
        raise ValidationError(
            _("“%(name)s” is not what its name says (a %(extension)s file): it was refused.")
            % {"name": name, "extension": extension},
            code="file_content",
        )
    return CheckedFile(name=name, extension=extension, content_type=content_type, size=upload.size)


def _is_plain_docx(upload) -> bool:
    """A Word document's package (not another zip), without macros (a .docm renamed .docx)."""
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            listed = package.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            # A few kilobytes in any real document: a larger one is not unpacked to look.
            types = package.read(listed) if listed is not None and listed.file_size < 1024 * 1024 else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    finally:
        upload.seek(0)
    macros = any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types
    return "word/document.xml" in names and bool(types) and not macros


def stored_name(checked: CheckedFile) -> str:
    """A random file name with the proven extension: nothing of the user's name reaches the disk."""
    return f"{secrets.token_hex(16)}{'.jpg' if checked.content_type == JPEG else checked.extension}"
