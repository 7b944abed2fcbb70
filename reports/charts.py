"""The chart of each report, as plain data for static/js/report-chart.js (passed with json_script).

A spec is ``{"labels": [...], "datasets": [...], "stacked": bool, "unit": "count|percent|money",
"title": str}``; each dataset has a ``label``, ``data`` (numbers or null) and optionally
``type`` ("line" for a threshold), ``role`` (a colour hint) and ``order``.
"""

from decimal import Decimal

from django.utils.formats import localize
from django.utils.translation import gettext as _

from core.figures import percent

from .selectors import Report


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _labels(report: Report) -> list[str]:
    return [row["area_name"] for row in report.rows]


def membership_chart(report: Report) -> dict:
    rates = [_number(row["gathering_rate"]) for row in report.rows]
    datasets = [{"label": _("Gathering rate"), "data": rates, "role": "primary", "order": 2}]
    threshold = report.organization.gathering_threshold if report.organization else None
    if threshold is not None:
        datasets.append(
            {
                "label": _("Threshold (%(value)s%%)") % {"value": localize(threshold)},
                "data": [float(threshold)] * len(rates),
                "type": "line",
                "role": "threshold",
                "order": 1,
            }
        )
    return {"labels": _labels(report), "datasets": datasets, "stacked": False, "unit": "percent"}


def ratings_chart(report: Report) -> dict:
    """Each row's bar is its branches to rate: a part per grade, and the part not rated yet.

    (Shares of the rated ones alone would draw a full bar for a commune with 1 of 24
    branches rated.)
    """
    return _grade_shares(report, "branches")


def member_ratings_chart(report: Report) -> dict:
    """Each row's bar is its members to rate: a part per grade, and the part not rated yet."""
    return _grade_shares(report, "to_rate")


def _grade_shares(report: Report, to_rate: str) -> dict:
    datasets = [
        {
            "label": grade["label"],
            "data": [_number(percent(row["grades"][grade["code"]]["count"], row[to_rate])) for row in report.rows],
            "role": f"grade-{index}",
        }
        for index, grade in enumerate(report.extra["grades"])
    ]
    datasets.append(
        {
            "label": _("Not rated yet"),
            "data": [_number(percent(row["not_rated"], row[to_rate])) for row in report.rows],
            "role": "unrated",
        }
    )
    return {"labels": _labels(report), "datasets": datasets, "stacked": True, "unit": "percent", "max": 100}


def meetings_chart(report: Report) -> dict:
    datasets = [{"label": _("Meetings held"), "data": [row["meetings"] for row in report.rows], "role": "primary"}]
    # Over one month, a branch that met "every month" met at least once: the figure would only
    # repeat the branches that met, so the chart draws the branches without a meeting instead.
    if report.period["months"] == 1:
        second = {"label": _("Branches without a meeting"), "data": [row["without_meeting"] for row in report.rows]}
    else:
        second = {"label": _("Branches that met every month"), "data": [row["met_every_month"] for row in report.rows]}
    datasets.append({**second, "role": "secondary"})
    return {"labels": _labels(report), "datasets": datasets, "stacked": False, "unit": "count", "integer": True}


SOURCE_ROLES = ("primary", "secondary", "grade-2", "grade-5", "grade-1", "grade-4")


def officers_chart(report: Report) -> dict:
    """Each row's bar is the allowance due, a part per funding source."""
    datasets = [
        {
            "label": source.source.name,
            "data": [row["allowance_by_source"][source.key] for row in report.rows],
            "role": SOURCE_ROLES[index % len(SOURCE_ROLES)],
        }
        for index, source in enumerate(report.extra["sources"])
    ]
    if not datasets:  # no rate in the month: bars of nothing, under the total's name
        datasets = [
            {"label": _("Allowance due (đồng)"), "data": [row["allowance"] for row in report.rows], "role": "primary"}
        ]
    return {"labels": _labels(report), "datasets": datasets, "stacked": True, "unit": "money"}


def series_chart(report: Report) -> dict:
    """A line per figure across the years: members and present (counts), the gathering rate or
    each grade's share (percent, on the right-hand axis)."""
    labels = [row["area_code"] for row in report.rows]
    if report.kind == "membership":
        datasets = [
            {"label": _("Memberships"), "data": [row["members"] for row in report.rows], "role": "primary"},
            {"label": _("Present"), "data": [row["present"] for row in report.rows], "role": "secondary"},
            {
                "label": _("Gathering rate"),
                "data": [_number(row["gathering_rate"]) for row in report.rows],
                "role": "threshold",
                "axis": "percent",
            },
        ]
        return {"labels": labels, "datasets": datasets, "series": True, "unit": "count", "integer": True}
    datasets = [
        {
            "label": grade["label"],
            "data": [_number(row["grades"].get(grade["code"], {}).get("percent")) for row in report.rows],
            "role": f"grade-{index}",
        }
        for index, grade in enumerate(report.extra["grades"])
    ]
    return {"labels": labels, "datasets": datasets, "series": True, "unit": "percent", "max": 100}


def cadres_chart(report: Report) -> dict:
    figures = [
        (_("Visits expected"), "expected", "secondary"),
        (_("Visits made"), "attended", "primary"),
        (_("Reports overdue"), "reports_overdue", "threshold"),
    ]
    datasets = [
        {"label": label, "data": [row[key] for row in report.rows], "role": role} for label, key, role in figures
    ]
    return {"labels": _labels(report), "datasets": datasets, "stacked": False, "unit": "count", "integer": True}


def awards_chart(report: Report) -> dict:
    datasets = [
        {"label": _("Awards"), "data": [row["awards_total"] for row in report.rows], "role": "primary"},
        {"label": _("Discipline"), "data": [row["disciplines_total"] for row in report.rows], "role": "threshold"},
    ]
    return {"labels": _labels(report), "datasets": datasets, "stacked": False, "unit": "count", "integer": True}


def fees_chart(report: Report) -> dict:
    """Each row's amount due beside what was collected (đồng), and the collection rate on a right-hand axis."""
    datasets = [
        {"label": _("Amount due (đồng)"), "data": [row["due"] for row in report.rows], "role": "secondary"},
        {"label": _("Collected (đồng)"), "data": [row["collected"] for row in report.rows], "role": "primary"},
        {
            "label": _("Collection rate"),
            "data": [_number(row["collection_rate"]) for row in report.rows],
            "type": "line",
            "role": "threshold",
            "axis": "percent",
            "order": -1,
        },
    ]
    return {"labels": _labels(report), "datasets": datasets, "stacked": False, "unit": "money"}


CHARTS = {
    "membership": membership_chart,
    "ratings": ratings_chart,
    "member_ratings": member_ratings_chart,
    "meetings": meetings_chart,
    "officers": officers_chart,
    "cadres": cadres_chart,
    "awards": awards_chart,
    "fees": fees_chart,
}


def chart_for(report: Report) -> dict:
    if report.extra.get("series"):
        return series_chart(report)
    return CHARTS[report.kind](report)
