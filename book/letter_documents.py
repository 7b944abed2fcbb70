"""A letter of introduction as a document: what it says (``letter_content``, which the printed page and
the .docx both draw) and the .docx itself (python-docx: A4, Times New Roman, the official layout).

The letterhead is the issuing organization of the commune (``branches.documents.letterhead``), its
place the commune, its date the letter's; the number goes under the issuer, as Nghị định 30 places it.
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook

from areas.models import Area
from branches.documents import letterhead as area_letterhead
from core.documents import Letterhead
from core.sheets import DATE_FORMAT, Column, workbook_bytes, write_table_sheet

from .letters import LetterBook, commune_of, destination_label, sender_label
from .models import TransferLetter

# The document's own words, like the national title: data, not interface text.
LETTER_TITLE = "GIẤY GIỚI THIỆU SINH HOẠT"
NUMBER_LINE = "Số: {number}"
FONT_NAME = "Times New Roman"


@dataclass(frozen=True)
class LetterContent:
    letterhead: Letterhead
    number_line: str
    title: str
    lines: list[tuple[str, str]]  # (label, value), in the order the letter reads
    validity: str


def birth_text(person) -> str:
    return f"{person.birth_date:%d/%m/%Y}" if person.birth_date else str(person.birth_year)


def residence_text(person) -> str:
    if person.residence is None:
        return ""
    return f"{person.residence}, {person.residence.parent}" if person.residence.parent_id else str(person.residence)


def letter_content(letter: TransferLetter) -> LetterContent:
    """What the letter says. ``letter`` comes from ``letters.letter_for_page`` (its relations selected)."""
    commune = letter.issuing_area or commune_of(letter.from_branch)
    # Signed for by whoever issued it; the place is the commune, where the issuing body sits.
    head = area_letterhead(
        area=commune,
        organization=letter.organization,
        user=letter.issued_by,
        today=letter.issued_on,
        place=commune.name,
    )
    person, membership = letter.person, letter.membership
    lines = [
        (_("Full name"), person.full_name),
        (_("Born"), birth_text(person)),
        (_("Gender"), person.get_gender_display()),
        (_("Hamlet of residence"), residence_text(person)),
        (_("Joined on"), f"{membership.joined_on:%d/%m/%Y}" if membership else ""),
        (_("Member card number"), membership.card_number if membership else ""),
        (_("Branch left"), f"{letter.from_branch.name} ({commune})"),
        (_("Introduced to"), destination_label(letter)),
    ]
    if letter.reason:
        lines.append((_("Reason"), letter.reason))
    validity = ""
    if letter.valid_until:
        validity = _("This letter is valid until %(date)s.") % {"date": f"{letter.valid_until:%d/%m/%Y}"}
    return LetterContent(head, NUMBER_LINE.format(number=letter.number), LETTER_TITLE, lines, validity)


# --- The .docx --------------------------------------------------------------------------------


def _paragraph(cell_or_doc, text: str, *, size: int = 13, bold=False, italic=False, underline=False, align=None):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic, run.underline = Pt(size), bold, italic, underline
    return paragraph


def _page(document) -> None:
    """A4 portrait with the decree's margins; Times New Roman throughout (also for Vietnamese letters)."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT_NAME, Pt(13)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)


def _header(document, content: LetterContent) -> None:
    head = content.letterhead
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7), Cm(9)
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].text = ""
    _paragraph(left, head.upper, size=13, align=center)
    _paragraph(left, head.issuer, size=13, bold=True, align=center)
    _paragraph(left, content.number_line, size=13, align=center)
    _paragraph(right, head.national_title, size=12, bold=True, align=center)
    _paragraph(right, head.motto, size=13, bold=True, underline=True, align=center)
    _paragraph(right, head.date_line, size=13, italic=True, align=center)
    for cell in (left, right):  # the empty paragraph every new cell starts with
        first = cell.paragraphs[0]
        if not first.text:
            first._element.getparent().remove(first._element)


def letter_docx(content: LetterContent) -> bytes:
    document = Document()
    _page(document)
    _header(document, content)
    _paragraph(document, "", size=8)
    _paragraph(document, content.title, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", size=8)
    for label, value in content.lines:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(4)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if content.validity:
        _paragraph(document, content.validity, italic=True)
    head = content.letterhead
    signature = document.add_table(rows=1, cols=2)
    block = signature.rows[0].cells[1]
    block.paragraphs[0].text = ""
    center = WD_ALIGN_PARAGRAPH.CENTER
    for text, style in ((head.on_behalf, {"bold": True}), (head.seal_note, {"italic": True, "size": 12})):
        _paragraph(block, text, align=center, **style)
    _paragraph(block, "\n\n\n", align=center)
    if head.signer_name:
        _paragraph(block, head.signer_name, bold=True, align=center)
    if head.signer_position:
        _paragraph(block, head.signer_position, italic=True, align=center)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def docx_name(letter: TransferLetter) -> str:
    """An ASCII file name: the letter's year, sequence and commune (its number has "/" and "Đ")."""
    if letter.sequence and letter.issuing_area_id:
        return f"giay-gioi-thieu-{letter.year}-{letter.sequence}-{letter.issuing_area.code}.docx"
    return f"giay-gioi-thieu-{letter.pk}.docx"


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- The book of letters: the columns of the page and of the .xlsx -----------------------------


def state_text(letter: TransferLetter) -> str:
    if letter.received_on is not None:
        return _("Received on %(date)s in %(branch)s") % {
            "date": f"{letter.received_on:%d/%m/%Y}",
            "branch": letter.received_branch.name,
        }
    if letter.to_branch_id is None:
        return _("Outside the application")
    return _("Waiting for arrival")


def sent_columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("Number"), 24),
        Column(_("Date of the letter"), 12, DATE_FORMAT),
        Column(_("Full name"), 26),
        Column(_("Born"), 12),
        Column(_("Branch left"), 30),
        Column(_("Sent to"), 34),
        Column(_("Valid until"), 12, DATE_FORMAT),
        Column(_("Received"), 34),
    ]


def sent_cells(letter: TransferLetter) -> list:
    return [
        letter.number,
        letter.issued_on,
        letter.person.full_name,
        birth_text(letter.person),
        sender_label(letter),
        destination_label(letter),
        letter.valid_until,
        state_text(letter),
    ]


def received_columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("Number"), 24),
        Column(_("Date of the letter"), 12, DATE_FORMAT),
        Column(_("Received on"), 12, DATE_FORMAT),
        Column(_("Full name"), 26),
        Column(_("Born"), 12),
        Column(_("Sent by"), 34),
        Column(_("Received in the branch"), 30),
    ]


def received_cells(letter: TransferLetter) -> list:
    return [
        letter.number,
        letter.issued_on,
        letter.received_on,
        letter.person.full_name,
        birth_text(letter.person),
        sender_label(letter),
        letter.received_branch.name,
    ]


def letter_book_xlsx(*, area: Area, year: int, book: LetterBook, letterhead: Letterhead) -> bytes:
    """Two document sheets, the letters sent and those received, each with the official header and signature."""
    workbook = Workbook()
    parts = (
        (workbook.active, _("Letters of introduction sent"), sent_columns(), [sent_cells(x) for x in book.sent]),
        (
            workbook.create_sheet(),
            _("Letters of introduction received"),
            received_columns(),
            [received_cells(x) for x in book.received],
        ),
    )
    subtitle = _("%(area)s, year %(year)s") % {"area": area.full_name, "year": year}
    for sheet, title, columns, rows in parts:
        numbered = [[index, *cells] for index, cells in enumerate(rows, start=1)]
        write_table_sheet(sheet, letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=numbered)
    return workbook_bytes(workbook)
