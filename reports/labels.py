"""Titles and period descriptions of the reports, shared by the pages and the downloads."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .selectors import Report

TITLES = {
    "membership": _("Memberships and gathering rate"),
    "ratings": _("Branch ratings"),
    "meetings": _("Branch meetings"),
    "officers": _("Branch officers and allowances"),
    "cadres": _("Cadres attending branch meetings"),
    "member_ratings": _("Members' ratings"),
    "awards": _("Awards and discipline"),
    "fees": _("Membership fees"),
}

DESCRIPTIONS = {
    "membership": _(
        "Branches, memberships by status, distinct people, target population and gathering rate on a date; "
        "joinings, endings and Party introductions during the year."
    ),
    "ratings": _("Branches to rate, rated branches and the share of each grade in a year."),
    "member_ratings": _(
        "Members to rate, rated members and the share of each grade in a year, each member counted in the branch "
        "they were in at the end of the year or when they left."
    ),
    "meetings": _(
        "Meetings held, branches that met every month, attendance and cadre visits in a month, "
        "a quarter or a year; the branches without a meeting."
    ),
    "officers": _("Heads, deputies and committee members of the branches and the allowance due for a month."),
    "cadres": _(
        "The cadres assigned to the branches, the visits their assignments ask for, those made, "
        "the reports filed and overdue in a month, a quarter or a year; the branches without a cadre."
    ),
    "awards": _(
        "Awards and disciplinary measures decided in a year, by form, and the people awarded and disciplined, "
        "counted in the branch each person belonged to on the date of the decision."
    ),
    "fees": _(
        "Members who owed fees, who paid them all, in part or not at all, the amount due, collected and to send "
        "up, and the collection rate, in a month, a quarter or a year."
    ),
}

KINDS = list(TITLES)


def short_date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def report_title(report: Report) -> str:
    return str(TITLES[report.kind])


def period_label(report: Report) -> str:
    """The period of a report in words: "As of 31/12/2024", "Quarter 2/2024", "Month 03/2024"."""
    period = report.period
    if period.get("series"):
        years = period["series"]
        label = gettext("The years %(first)s–%(last)s, in today's units") % {"first": years[0], "last": years[-1]}
        if report.kind == "membership" and period["date"] != datetime.date(period["year"], 12, 31):
            label = gettext("%(period)s (the last as of %(date)s)") % {
                "period": label,
                "date": short_date(period["date"]),
            }
        return label
    if report.kind == "membership":
        return gettext("As of %(date)s") % {"date": short_date(period["date"])}
    if report.kind in ("ratings", "member_ratings"):
        label = gettext("Year %(year)s") % {"year": period["year"]}
        if period.get("include_drafts"):
            label = gettext("%(period)s, including ratings not yet approved") % {"period": label}
        return label
    if report.kind == "officers":
        return month_label(period["year"], period["month"])
    start, end = period["start"], period["end"]
    return span_label(start, end)


def month_label(year: int, month: int) -> str:
    return gettext("Month %(month)s/%(year)s") % {"month": f"{month:02d}", "year": year}


def span_label(start: datetime.date, end: datetime.date) -> str:
    """A month, a quarter or a year in words, or else the two dates."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        if months == 1:
            return month_label(start.year, start.month)
        if months == 3 and start.month in (1, 4, 7, 10):
            return gettext("Quarter %(quarter)s/%(year)s") % {"quarter": (start.month + 2) // 3, "year": start.year}
        if months == 12 and start.month == 1:
            return gettext("Year %(year)s") % {"year": start.year}
    return gettext("From %(start)s to %(end)s") % {"start": short_date(start), "end": short_date(end)}


def organization_label(report: Report) -> str:
    return report.organization.name if report.organization else gettext("All organizations")
