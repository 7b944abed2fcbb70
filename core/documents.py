"""The official document form, shared by the printed pages and the .xlsx downloads.

A Vietnamese administrative document (Nghị định 30/2020/NĐ-CP layout) carries the issuing
body on the left, the national title and motto on the right, a place-and-date line, and a
signature block. Its fixed Vietnamese texts are data, not interface text, so they are not
translated. ``Letterhead`` holds what one document says there; the page templates
(``includes/document_header.html``, ``includes/document_signature.html``) and
``core.sheets`` draw it, ``branches.documents`` fills it for an area or a branch.
"""

import datetime
from dataclasses import dataclass

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_AND_DATE = "{place}, ngày {day:02d} tháng {month:02d} năm {year}"
PREPARER = "NGƯỜI LẬP BIỂU"
ON_BEHALF_OF = "TM. {issuer}"
SIGNATURE_NOTE = "(Ký, ghi rõ họ tên)"
SEAL_NOTE = "(Ký tên, đóng dấu)"
# The body that issues a report covering all organizations of an area.
ALL_ORGANIZATIONS_ISSUER = "BAN CHỈ ĐẠO"


@dataclass(frozen=True)
class Letterhead:
    """The header and signature block of one document."""

    upper: str  # the body above the issuer: "ĐOÀN TNCS HỒ CHÍ MINH"
    issuer: str  # the issuing body, in bold: "ĐOÀN THANH NIÊN HUYỆN THANH BÌNH"
    place: str
    on: datetime.date
    signer_name: str = ""  # blank without a user: the preparer signs by hand
    signer_position: str = ""

    national_title = NATIONAL_TITLE
    motto = MOTTO
    preparer = PREPARER
    signature_note = SIGNATURE_NOTE
    seal_note = SEAL_NOTE

    @property
    def date_line(self) -> str:
        return PLACE_AND_DATE.format(place=self.place, day=self.on.day, month=self.on.month, year=self.on.year)

    @property
    def on_behalf(self) -> str:
        return ON_BEHALF_OF.format(issuer=self.issuer)


def signer(user) -> tuple[str, str]:
    """The preparer's full name and position; blank without a user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "", ""
    return user.signature_name, user.position
