"""Cell values as people type them in Excel, turned into Python values.

A parser takes a non-empty cell (str, float, int, bool, date or datetime, as calamine
returns it) and returns the value, or raises ``CellError`` with a message for the user.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.vietnamese import fold, normalize_spaces

EXCEL_EPOCH = datetime.date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YEAR = re.compile(r"^\d{4}$")
_NOT_DIGITS = re.compile(r"[\s.\-]")
_KEY_SPLIT = re.compile(r"[^0-9a-z]+")


# The sign that hides the digits of a masked personal value (workbooks.personal).
MASK = "•"


class CellError(ValueError):
    pass


def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_masked(cell) -> bool:
    """A personal value as this application writes it for readers (``0870•••••234``, ``••/••/••••``)."""
    return isinstance(cell, str) and MASK in cell


def match_key(text) -> str:
    """The form headers and fixed values are matched on: no case, diacritics or punctuation."""
    return " ".join(_KEY_SPLIT.split(fold(str(text)))).strip()


def as_text(cell) -> str:
    if isinstance(cell, str):
        text = cell.strip()
        return " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text or "\xa0" in text) else text
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        cell = cell.date()
    if isinstance(cell, datetime.date):
        return cell.strftime("%d/%m/%Y")
    return normalize_spaces(str(cell))


def text(max_length: int):
    # One object for each of the values a column repeats (ethnicity, occupation, codes):
    # a 100.000-row roster would otherwise hold a million copies.
    shared: dict[str, str] = {}

    def parse(cell) -> str:
        value = as_text(cell)
        if len(value) > max_length:
            raise CellError(_("At most %(max)d characters.") % {"max": max_length})
        if len(shared) < 5000:
            return shared.setdefault(value, value)
        return shared.get(value, value)

    return parse


def _year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise CellError(_("%(year)s is not a plausible year.") % {"year": value})
    return value


def date_or_year(cell) -> datetime.date | int:
    """An Excel date, a text dd/mm/yyyy or d/m/yyyy (also with - or .), or a bare year."""
    if isinstance(cell, datetime.datetime):
        cell = cell.date()
    if isinstance(cell, datetime.date):
        _year(cell.year)
        return cell
    if isinstance(cell, bool):
        raise CellError(_("Not a date."))
    if isinstance(cell, int | float):
        if float(cell).is_integer() and MIN_YEAR <= cell <= MAX_YEAR:
            return int(cell)
        if cell > MAX_YEAR:  # a date serial number without a date format
            day = EXCEL_EPOCH + datetime.timedelta(days=int(cell))
            _year(day.year)
            return day
        raise CellError(_("Not a date: write it as dd/mm/yyyy."))
    value = normalize_spaces(str(cell))
    if _YEAR.match(value):
        return _year(int(value))
    match = _DATE_TEXT.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(value)
        if not match:
            raise CellError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": value})
        year, month, day = (int(part) for part in match.groups())
    try:
        result = datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a date that exists.") % {"value": value}) from error
    _year(result.year)
    return result


def date_from_start(cell) -> datetime.date:
    """A date; a bare year means its first day."""
    value = date_or_year(cell)
    return datetime.date(value, 1, 1) if isinstance(value, int) else value


def date_from_end(cell) -> datetime.date:
    """A date; a bare year means its last day."""
    value = date_or_year(cell)
    return datetime.date(value, 12, 31) if isinstance(value, int) else value


def year(cell) -> int:
    value = date_or_year(cell)
    return value if isinstance(value, int) else value.year


def whole_number(cell) -> int:
    if isinstance(cell, bool):
        raise CellError(_("Not a whole number."))
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int):
        value = cell
    else:
        digits = str(cell).strip().replace(".", "").replace(",", "").replace(" ", "")
        if not digits.isdigit():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": as_text(cell)})
        value = int(digits)
    if value < 0:
        raise CellError(_("The number cannot be negative."))
    return value


def score(cell) -> Decimal:
    if isinstance(cell, bool):
        raise CellError(_("Not a number."))
    raw = str(cell).strip().replace(",", ".") if isinstance(cell, str) else repr(cell)
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a number.") % {"value": as_text(cell)}) from error
    if not 0 <= value <= 100:
        raise CellError(_("A score lies between 0 and 100."))
    return value


def cccd(cell) -> str:
    """Twelve digits. A number cell lost its leading zero ("87…" for "087…"): put it back."""
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        value = str(int(cell)).zfill(12)
    else:
        value = _NOT_DIGITS.sub("", str(cell))
    if not (value.isdigit() and len(value) == 12):
        raise CellError(_("A CCCD number has exactly 12 digits."))
    return value


def phone(cell) -> str:
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        value = str(int(cell))
        if len(value) == 9:  # a number cell lost the leading zero of "09…"
            value = "0" + value
    else:
        value = _NOT_DIGITS.sub("", str(cell)).replace("(", "").replace(")", "")
    if not (value.lstrip("+").isdigit() and 8 <= len(value) <= 15):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": as_text(cell)})
    return value


def choice(labels: dict[str, str]):
    """A fixed value given by its code or any of its labels, ignoring case and diacritics.

    ``labels`` maps each accepted spelling to the code.
    """
    lookup = {match_key(label): code for label, code in labels.items()}
    memo: dict = {}  # the same few spellings come back on every row

    def parse(cell) -> str:
        if cell in memo:
            return memo[cell]
        key = match_key(as_text(cell))
        if key in lookup:
            if len(memo) < 1000:
                memo[cell] = lookup[key]
            return lookup[key]
        raise CellError(_("“%(value)s” is not one of the accepted values.") % {"value": as_text(cell)})

    return parse
