"""The plan workbook of a reform: for each hamlet of a divided commune, the new commune it goes to.

``plan_workbook`` writes one row per such hamlet with a dropdown of its candidate
successors (the default chosen); ``read_plan`` reads it back as {hamlet code: commune
code}. The file is an administrator's own, but it is still read defensively: anything
that is not such a workbook is refused with a message, never half-read.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook

from core.vietnamese import fold

from .reform import ReformPlan

MAX_PLAN_SIZE = 5 * 1024 * 1024
LEADING_CODE = re.compile(r"^\s*([0-9A-Za-z_.-]+)")


def _headers() -> list[str]:
    return [_("Old commune code"), _("Old commune"), _("Hamlet code"), _("Hamlet"), _("New commune")]


def _choice(area) -> str:
    return f"{area.code} – {area.full_name}"


def plan_workbook(result: ReformPlan) -> bytes:
    """The plan of ``result``'s divided communes: a row per hamlet, the default successor filled in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Plan")
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row, move in enumerate(result.to_review, start=2):
        old, hamlet = move.old_commune, move.hamlet
        sheet.append([old.code, old.full_name, hamlet.code, hamlet.full_name, _choice(move.new_commune)])
        choices = DataValidation(type="list", formula1='"' + ",".join(map(_choice, move.candidates)) + '"')
        choices.error = _("Choose one of the communes the old commune was divided into.")
        choices.showErrorMessage = True
        sheet.add_data_validation(choices)
        choices.add(f"E{row}")
        for column in ("A", "C"):
            sheet[f"{column}{row}"].number_format = "@"
    for column, width in zip("ABCDE", (14, 28, 14, 28, 40), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet(_("Explanation"))
    notes.append([_("Each row is a hamlet of a commune that the reform divided among several new communes.")])
    notes.append([_("In the last column choose the new commune the hamlet (and its branches) goes to.")])
    notes.append([_("Then run: python manage.py reorganize_areas --effective DATE --plan THIS_FILE.xlsx")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(data: bytes, headings: dict[str, str], unreadable: str) -> tuple[list[list], dict[str, int]]:
    """The first sheet's rows and the position of each wanted column (``headings``: key -> heading,
    read in Vietnamese or English); ``ValidationError`` if it is not such a workbook."""
    if len(data) > MAX_PLAN_SIZE or not data.startswith(b"PK\x03\x04"):
        raise ValidationError(unreadable, code="plan_file")
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as error:
        raise ValidationError(unreadable, code="plan_file") from error
    headers = [fold(str(cell)) for cell in (rows[0] if rows else [])]
    wanted = {}
    for language in ("vi", "en"):  # a plan exported in either language reads the same
        with translation.override(language):
            wanted.update({fold(_(heading)): key for key, heading in headings.items()})
    columns = {wanted[header]: i for i, header in enumerate(headers) if header in wanted}
    missing = [_(heading) for key, heading in headings.items() if key not in columns]
    if missing:
        raise ValidationError(
            _("The plan needs the columns %(columns)s."),
            params={"columns": ", ".join(f"“{name}”" for name in missing)},
            code="plan_file",
        )
    return rows, columns


def read_plan(data: bytes) -> dict[str, str]:
    """{hamlet code: new commune code} from a plan workbook; ``ValidationError`` if it is not one."""
    rows, columns = _sheet(
        data,
        {"hamlet": gettext_noop("Hamlet code"), "commune": gettext_noop("New commune")},
        _("The plan is not a workbook that can be read; export it again with export_template reorganization."),
    )
    plan = {}
    for number, row in enumerate(rows[1:], start=2):
        hamlet = _text(row, columns["hamlet"])
        commune = LEADING_CODE.match(_text(row, columns["commune"]))
        if not hamlet:
            continue
        if commune is None:
            raise ValidationError(
                _("Row %(row)d of the plan names no new commune for hamlet %(hamlet)s."),
                params={"row": number, "hamlet": hamlet},
                code="plan_file",
            )
        plan[hamlet] = commune.group(1)
    return plan


def _text(row: list, index: int) -> str:
    value = row[index] if index < len(row) else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


SPLIT_HEADINGS = {
    "code": gettext_noop("New hamlet code"),
    "name": gettext_noop("New hamlet name"),
    "branch": gettext_noop("Branch code"),
}


def read_split_plan(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The plan of a hamlet's split: ({new hamlet code: name}, {branch code: new hamlet code}).

    A row per new hamlet, or per branch going to it (the name on one of its rows at least).
    """
    rows, columns = _sheet(data, SPLIT_HEADINGS, _("The plan is not a workbook that can be read."))
    names: dict[str, str] = {}
    branches: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        code, name, branch = (_text(row, columns[key]) for key in ("code", "name", "branch"))
        if not (code or name or branch):
            continue
        if not code:
            raise ValidationError(
                _("Row %(row)d of the plan names no new hamlet code."), params={"row": number}, code="plan_file"
            )
        if name:
            names[code] = name
        names.setdefault(code, "")
        if branch:
            if branch in branches and branches[branch] != code:
                raise ValidationError(
                    _("Row %(row)d of the plan sends branch %(branch)s to a second hamlet."),
                    params={"row": number, "branch": branch},
                    code="plan_file",
                )
            branches[branch] = code
    return names, branches
