"""Finding the header row of a sheet and turning the rows below it into parsed values."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import values
from .columns import Column
from .personal import DATE_KEYS, NUMBER_KEYS
from .readers import UnreadableWorkbook, iter_sheet_rows, open_workbook, worksheet_indexes

MASKABLE_KEYS = NUMBER_KEYS | DATE_KEYS

# Title rows ("DANH SÁCH HỘI VIÊN …") may sit above the header.
HEADER_SCAN_ROWS = 30
BIRTH_MALE, BIRTH_FEMALE = "birth_male", "birth_female"


@dataclass(slots=True)
class ParsedRow:
    number: int  # as Excel shows it
    values: dict
    errors: list = field(default_factory=list)  # [(column header, message)]


@dataclass
class Layout:
    """Where each column of the kind sits in the sheet."""

    sheet: str
    header_row: int  # Excel number of the (first) header row
    first_data_row: int
    positions: dict[int, Column]  # cell index -> column
    birth_by_gender: tuple[int, int] | None = None  # (male cell, female cell) of "Năm sinh — Nam | Nữ"

    @property
    def keys(self) -> set[str]:
        keys = {column.key for column in self.positions.values()}
        if self.birth_by_gender:
            keys |= {"birth", "gender"}
        return keys


def _header_lookup(columns: list[Column]) -> dict[str, Column]:
    lookup = {}
    for column in columns:
        for name in column.names:
            lookup.setdefault(values.match_key(name), column)
    return lookup


def _match_row(row: list, lookup: dict[str, Column]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    seen: set[str] = set()
    for index, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        column = lookup.get(values.match_key(cell))
        if column is not None and column.key not in seen:
            found[index] = column
            seen.add(column.key)
    return found


def _birth_by_gender(header: list, below: list, lookup: dict[str, Column]) -> tuple[int, int] | None:
    """The "Năm sinh" header over two cells "Nam" and "Nữ": the year is written under the gender."""
    for index, cell in enumerate(header):
        column = lookup.get(values.match_key(cell)) if isinstance(cell, str) else None
        if column is None or column.key != "birth":
            continue
        pair = [values.match_key(below[i]) if i < len(below) else "" for i in (index, index + 1)]
        if pair == ["nam", "nu"]:
            return index, index + 1
        if pair == ["nu", "nam"]:
            return index + 1, index
    return None


def locate_header(rows: list[list], columns: list[Column], sheet: str) -> tuple[Layout | None, set[str]]:
    """The best header row among the first rows, and the required columns it lacks."""
    lookup = _header_lookup(columns)
    required = {column.key for column in columns if column.required}
    best: Layout | None = None
    best_missing = required
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _match_row(row, lookup)
        if not found:
            continue
        below = rows[index + 1] if index + 1 < len(rows) else []
        pair = _birth_by_gender(row, below, lookup)
        layout = Layout(sheet, index + 1, index + 2 + (1 if pair else 0), found, pair)
        if pair:
            layout.positions = {i: c for i, c in found.items() if c.key != "birth"}
        missing = required - layout.keys
        if best is None or (len(missing), -len(layout.keys)) < (len(best_missing), -len(best.keys)):
            best, best_missing = layout, missing
    return best, best_missing


def _is_numbering_row(row: list) -> bool:
    """The row of column numbers some forms put under the header: 1 2 3 … or (1) (2) (3) …"""
    cells = [values.as_text(cell).strip("()") for cell in row if not values.is_blank(cell)]
    return len(cells) >= 3 and all(cell.isdigit() for cell in cells) and cells[:2] == ["1", "2"]


def parse_rows(rows: Iterable[list], layout: Layout, *, on_row: Callable[[int], None] | None = None) -> Iterator:
    """Parsed rows below the header; blank rows are skipped."""
    positions = sorted(layout.positions.items())
    pair = layout.birth_by_gender
    first = True
    for number, row in enumerate(rows, start=1):
        if number < layout.first_data_row:
            continue
        if on_row is not None and number % 1000 == 0:
            on_row(number)
        if all(values.is_blank(cell) for cell in row):
            continue
        if first:
            first = False
            if _is_numbering_row(row):
                continue
        parsed = ParsedRow(number, {})
        width = len(row)
        for index, column in positions:
            cell = row[index] if index < width else None
            # A masked value (a reader's export, re-imported) is a blank: it leaves the stored one.
            if values.is_blank(cell) or (column.key in MASKABLE_KEYS and values.is_masked(cell)):
                continue
            try:
                parsed.values[column.key] = column.parse(cell)
            except values.CellError as error:
                parsed.errors.append((column.header, str(error)))
        if pair:
            _parse_birth_by_gender(row, pair, parsed)
        yield parsed


def _parse_birth_by_gender(row: list, pair: tuple[int, int], parsed: ParsedRow) -> None:
    male, female = (row[i] if i < len(row) else None for i in pair)
    if not values.is_blank(male) and not values.is_blank(female):
        parsed.errors.append(("Năm sinh", _("A birth year is written under both Nam and Nữ.")))
        return
    cell, gender = (male, "male") if not values.is_blank(male) else (female, "female")
    if values.is_blank(cell):
        return
    try:
        parsed.values["birth"] = values.date_or_year(cell)
    except values.CellError as error:
        parsed.errors.append(("Năm sinh", str(error)))
        return
    parsed.values.setdefault("gender", gender)


@dataclass
class Table:
    layout: Layout
    rows: list[ParsedRow]


def read_table(
    data: bytes, columns: list[Column], *, on_row: Callable[[int, int | None], None] | None = None
) -> Table:
    """Find the sheet whose header has the kind's columns and parse its rows (each sheet is read once).

    ``on_row(number, rows)`` follows the reading: the Excel row reached, and the rows the
    workbook's sheets reach as counted before parsing (None for an ``.xls``).
    """
    workbook, counted = open_workbook(data)
    follow = (lambda number: on_row(number, counted)) if on_row is not None else None
    best: tuple[Layout, set[str]] | None = None
    try:
        for index in worksheet_indexes(workbook):
            rows = iter_sheet_rows(workbook, index)
            head = list(itertools.islice(rows, HEADER_SCAN_ROWS + 1))
            layout, missing = locate_header(head, columns, workbook.sheet_names[index])
            if layout is not None and not missing:
                parsed = list(parse_rows(itertools.chain(head, rows), layout, on_row=follow))
                return Table(layout, parsed)
            if layout is not None and (best is None or len(missing) < len(best[1])):
                best = (layout, missing)
    finally:
        workbook.close()
    if best is None:
        raise UnreadableWorkbook(
            _("No header row with this kind's columns was found. The columns are: %(columns)s.")
            % {"columns": ", ".join(column.header for column in columns)}
        )
    layout, missing = best
    headers = [column.header for column in columns if column.key in missing]
    raise UnreadableWorkbook(
        _("The workbook lacks the column(s) %(columns)s (header found on row %(row)d of sheet “%(sheet)s”).")
        % {"columns": ", ".join(headers), "row": layout.header_row, "sheet": layout.sheet}
    )
