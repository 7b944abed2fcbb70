"""A report as plain data: the JSON of SPEC section 8 (``report --format json``)."""

import datetime
from decimal import Decimal

from .selectors import Report

INTERNAL_KEYS = {"key", "area_key", "drillable"}


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)  # already rounded to 2 decimals
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in INTERNAL_KEYS}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_data(report: Report) -> dict:
    """SPEC section 8, with the units the rows follow: their structure and the day of that tree."""
    return {
        "kind": report.kind,
        "area": {"code": report.area.code, "name": report.area.full_name, "level": report.area.level},
        "structure": report.units.structure,
        "units_on": report.units.on.isoformat(),
        "organization": report.organization.code if report.organization else None,
        "period": _plain(report.period),
        "rows": [_plain(row) for row in report.rows],
        "total": _plain(report.total),
    }
