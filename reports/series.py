"""An area's figures over the last years, in today's units: one row per year.

A year-end review reads a commune's membership and ratings of five years side by side.
Each year is that year's report recast in today's units (``units_on``): what the
branches that are today's area's had then, wherever they sat, so the years compare like
with like across a reorganisation. A row is the year's total; the series has no total.
"""

import datetime

from areas.models import Area
from branches.models import Organization

from . import selectors
from .selectors import Report

YEARS = 5
MAX_YEARS = 10


def _row(year: int, label: str, figures: dict) -> dict:
    return {"key": str(year), "area_key": "", "area_code": str(year), "area_name": label, "drillable": False} | figures


def _series(kind: str, reports: list[tuple[int, str, Report]], period: dict) -> Report:
    last = reports[-1][2]
    return Report(
        kind=kind,
        units=last.units,
        organization=last.organization,
        period={**period, "series": [year for year, _label, _report in reports]},
        organizations=last.organizations,
        rows=[_row(year, label, report.total) for year, label, report in reports],
        total={},
        extra={"series": True, "grades": _grades(reports)},
    )


def _grades(reports: list[tuple[int, str, Report]]) -> list[dict]:
    """Every grade of the years' schemes, in the order they first appear (a scheme may change)."""
    found: dict[str, dict] = {}
    for _year, _label, report in reports:
        for grade in report.extra.get("grades", []):
            found.setdefault(grade["code"], grade)
    return list(found.values())


def membership_series(
    *,
    area: Area,
    on: datetime.date,
    today: datetime.date,
    organization: Organization | None = None,
    years: int = YEARS,
) -> Report:
    """The membership report on 31 December of each of ``years`` years, the last on ``on``."""
    days = [datetime.date(year, 12, 31) for year in range(on.year - years + 1, on.year)] + [on]
    reports = [
        (
            day.year,
            day.strftime("%d/%m/%Y"),
            selectors.membership_report(
                area=area, on=day, organization=organization, units_on=today, by_organization=False
            ),
        )
        for day in days
    ]
    return _series("membership", reports, {"date": on, "year": on.year})


def ratings_series(
    *,
    area: Area,
    year: int,
    today: datetime.date,
    organization: Organization | None = None,
    include_drafts: bool = False,
    years: int = YEARS,
) -> Report:
    """The ratings report of each of ``years`` years, the last ``year``."""
    reports = [
        (
            each,
            str(each),
            selectors.ratings_report(
                area=area, year=each, organization=organization, include_drafts=include_drafts, units_on=today
            ),
        )
        for each in range(year - years + 1, year + 1)
    ]
    return _series("ratings", reports, {"year": year, "include_drafts": include_drafts})
