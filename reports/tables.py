"""A report laid out as a table: header rows (with group headers) and lines of cells.

The page, the .xlsx and the CSV all draw the same table from here, so that they show
the same figures in the same order.
"""

from dataclasses import dataclass, field

from branches.models import Organization

from .columns import Column, columns_for
from .selectors import Report


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    column: Column | None = None  # None for a group header


@dataclass
class Cell:
    key: str
    kind: str
    value: object


@dataclass
class Line:
    key: str
    code: str
    name: str
    drillable: bool
    cells: list[Cell]
    organizations: list[tuple[Organization, list[Cell]]] = field(default_factory=list)
    area_key: str = ""  # a drillable row's area, as its page and report URLs name it


def header_rows(columns: list[Column]) -> list[list[HeaderCell]]:
    """One header row, or two when some columns share a group header (a grade, "ended")."""
    if not any(column.group for column in columns):
        return [[HeaderCell(str(column.label), column=column) for column in columns]]
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            top.append(HeaderCell(str(column.label), rowspan=2, column=column))
            index += 1
            continue
        end = index
        while end < len(columns) and str(columns[end].group) == str(column.group):
            end += 1
        top.append(HeaderCell(str(column.group), colspan=end - index))
        bottom += [HeaderCell(str(c.label), column=c) for c in columns[index:end]]
        index = end
    return [top, bottom]


def cells(figures: dict, columns: list[Column]) -> list[Cell]:
    return [Cell(column.key, column.kind, column.value(figures)) for column in columns]


def _line(row: dict, report: Report, columns: list[Column], *, key: str, code: str, name: str, drillable: bool):
    by_org = row.get("organizations") or {}
    return Line(
        key=key,
        area_key=row.get("area_key", ""),
        code=code,
        name=name,
        drillable=drillable,
        cells=cells(row, columns),
        organizations=[(org, cells(by_org[org.code], columns)) for org in report.organizations if org.code in by_org],
    )


@dataclass
class Table:
    columns: list[Column]
    headers: list[list[HeaderCell]]
    lines: list[Line]
    total: Line | None  # None for a series of years (reports.series): years do not add up

    @property
    def lines_and_total(self) -> list[Line]:
        return [*self.lines, *([self.total] if self.total else [])]

    @property
    def by_organization(self) -> bool:
        return self.total is not None and bool(self.total.organizations)


def report_table(report: Report, total_label: str = "") -> Table:
    columns = columns_for(report)
    lines = [
        _line(
            row,
            report,
            columns,
            key=row["key"],
            code=row["area_code"],
            name=row["area_name"],
            drillable=row["drillable"],
        )
        for row in report.rows
    ]
    total = None
    if not report.extra.get("series"):
        total = _line(report.total, report, columns, key="total", code="", name=total_label, drillable=False)
    return Table(columns=columns, headers=header_rows(columns), lines=lines, total=total)
