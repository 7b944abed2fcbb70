"""``manage.py report KIND``: the reports of SPEC section 7 on the command line."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel, Structure
from areas.selectors import resolve_code
from branches.models import Organization
from reports import selectors, series
from reports.awards import awards_report
from reports.columns import Kind
from reports.duty import cadres_report
from reports.fees import fees_report
from reports.labels import TITLES
from reports.member_ratings import member_ratings_report
from reports.serializers import report_data
from reports.tables import report_table

KINDS = ["membership", "ratings", "meetings", "officers", "cadres", "awards", "fees", "member_ratings"]


@dataclass(frozen=True)
class Period:
    """A report's period: ``on`` is the day whose units its area code is read in (its last day)."""

    on: datetime.date
    selector: Callable
    arguments: dict

    def report(self, **extra):
        return self.selector(**self.arguments, **extra)


FORMATS = ["table", "csv", "json", "xlsx"]


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Print or save a report: membership, ratings, meetings, officers, cadres, fees, member_ratings "
            "(members' ratings) or awards (awards and discipline)."
        )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--year", type=int, help=_("The year (default: this year)."))
        period.add_argument("--date", help=_("The date, YYYY-MM-DD (membership report)."))
        period.add_argument("--month", help=_("The month, YYYY-MM (meetings, officers, cadres and fees reports)."))
        period.add_argument("--quarter", help=_("The quarter, YYYY-Q1 … YYYY-Q4 (meetings, cadres and fees reports)."))
        parser.add_argument(
            "--area",
            help=_(
                "Area code (default: the user's area, or the only province), read in the units in force on the "
                "report's date."
            ),
        )
        parser.add_argument(
            "--structure",
            choices=Structure.values,
            help=_("Read the area code in this structure (pre2025 or 2025) rather than the one in force on the date."),
        )
        parser.add_argument(
            "--units",
            choices=["current"],
            help=_("current: recast the figures of the date in today's units (the code is read in today's units)."),
        )
        parser.add_argument("--organization", help=_("Organization code (default: all)."))
        parser.add_argument("--user", help=_("Run with this user's scope (default: everything)."))
        parser.add_argument("--drafts", action="store_true", help=_("Ratings: count ratings not yet approved too."))
        parser.add_argument(
            "--series",
            type=int,
            metavar="N",
            help=_("Membership and ratings: the last N years (2 to 10) in today's units, one row per year."),
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("-o", "--output", help=_("Write to this file instead of the terminal."))

    def handle(self, *args, **options):
        user = self._user(options["user"])
        today = timezone.localdate()  # the pages' day, in Vietnam time
        units_on = today if options["units"] == "current" or options["series"] else None
        if units_on and options["structure"]:
            raise usage_error(_("Give --structure or --units current, not both."))
        period = self._period(options, today)
        area = self._area(options["area"], user, on=units_on or period.on, structure=options["structure"])
        organization = self._organization(options["organization"])
        if options["series"]:
            report = self._series(options, period, area=area, organization=organization, today=today)
        else:
            report = period.report(area=area, organization=organization, units_on=units_on)
        self._write(report, options, user)

    def _series(self, options, period: "Period", **arguments):
        years = options["series"]
        if options["kind"] not in ("membership", "ratings"):
            raise usage_error(_("Only the membership and ratings reports take --series."))
        if not 2 <= years <= series.MAX_YEARS:
            raise usage_error(_("--series takes from 2 to %(max)s years.") % {"max": series.MAX_YEARS})
        if options["kind"] == "membership":
            return series.membership_series(on=period.on, years=years, **arguments)
        return series.ratings_series(
            year=period.arguments["year"], include_drafts=options["drafts"], years=years, **arguments
        )

    # --- arguments -----------------------------------------------------------------

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).select_related("area").first()
        if user is None:
            raise usage_error(_("There is no active user %(username)s.") % {"username": username})
        return user

    def _area(self, code, user, *, on, structure):
        areas = Area.objects.visible_to(user) if user else Area.objects.all()
        if code:
            area = resolve_code(code, on=on, structure=structure, areas=areas)
            if area is None:
                raise usage_error(_("There is no area with code %(code)s in your scope.") % {"code": code})
            return area
        if user is not None and user.area is not None:
            return user.area
        provinces = list(areas.filter(level=AreaLevel.PROVINCE).in_force_on(on)[:2])
        if len(provinces) != 1:
            raise usage_error(_("Give the area with --area CODE."))
        return provinces[0]

    def _organization(self, code):
        if not code:
            return None
        organization = Organization.objects.filter(code__iexact=code).first()
        if organization is None:
            known = ", ".join(Organization.objects.values_list("code", flat=True))
            raise usage_error(
                _("Unknown organization %(code)s; use one of: %(known)s.") % {"code": code, "known": known}
            )
        return organization

    def _period(self, options, today: datetime.date) -> "Period":
        """The report's period from the options, with the date its area code is read on."""
        kind = options["kind"]
        year = options["year"] or today.year
        try:
            if kind == "membership":
                if options["month"] or options["quarter"]:
                    raise usage_error(_("The membership report takes --date or --year."))
                on = _parse_date(options["date"]) if options["date"] else min(datetime.date(year, 12, 31), today)
                return Period(on, selectors.membership_report, {"on": on})
            if options["date"]:
                raise usage_error(_("Only the membership report takes --date."))
            if kind in ("ratings", "member_ratings"):
                if options["month"] or options["quarter"]:
                    raise usage_error(_("The ratings report takes --year."))
                arguments = {"year": year, "include_drafts": options["drafts"]}
                selector = selectors.ratings_report if kind == "ratings" else member_ratings_report
                return Period(selectors.period_bounds(year=year)[1], selector, arguments)
            if kind == "awards":
                if options["month"] or options["quarter"]:
                    raise usage_error(_("The awards report takes --year."))
                return Period(selectors.period_bounds(year=year)[1], awards_report, {"year": year})
            if kind in ("meetings", "cadres", "fees"):
                if options["month"]:
                    year, month = _parse_month(options["month"])
                    start, end = selectors.period_bounds(year=year, month=month)
                elif options["quarter"]:
                    year, quarter = _parse_quarter(options["quarter"])
                    start, end = selectors.period_bounds(year=year, quarter=quarter)
                else:
                    start, end = selectors.period_bounds(year=year)
                selector = {"meetings": selectors.meetings_report, "cadres": cadres_report, "fees": fees_report}[kind]
                return Period(end, selector, {"start": start, "end": end})
            if options["quarter"] or options["year"]:
                raise usage_error(_("The officers report takes --month."))
            year, month = _parse_month(options["month"]) if options["month"] else (today.year, today.month)
            end = selectors.period_bounds(year=year, month=month)[1]
            return Period(end, selectors.officers_report, {"year": year, "month": month})
        except ValueError as error:
            raise usage_error(str(error)) from error

    # --- output ----------------------------------------------------------------------

    def _write(self, report, options, user):
        fmt = options["format"]
        if fmt == "xlsx":
            from reports.exports import report_xlsx

            if not options["output"]:
                raise usage_error(_("An .xlsx report needs -o FILE."))
            with open(options["output"], "wb") as f:
                f.write(report_xlsx(report, user=user))
            return
        if fmt == "json":
            text = json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "csv":
            from reports.exports import report_csv

            text = report_csv(report)
        else:
            text = render_table(report)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")


def _parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not a date of the form YYYY-MM-DD.") % {"value": text}) from None


def _parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        raise ValueError(_("%(value)s is not a month of the form YYYY-MM.") % {"value": text}) from None
    return year, month


def _parse_quarter(text: str) -> tuple[int, int]:
    year, _sep, quarter = text.upper().partition("-Q")
    if not (year.isdigit() and quarter in {"1", "2", "3", "4"}):
        raise ValueError(_("%(value)s is not a quarter of the form YYYY-Q1 … YYYY-Q4.") % {"value": text})
    return int(year), int(quarter)


def _cell(cell) -> str:
    if cell.value is None:
        return ""
    percent = cell.kind == Kind.PERCENT
    text = formats.number_format(cell.value, decimal_pos=2 if percent else None, use_l10n=True, force_grouping=True)
    return f"{text}%" if percent else text


def render_table(report) -> str:
    """A plain-text table for the terminal, with Vietnamese number formats."""
    table = report_table(report, total_label=_("Total"))
    header = [_("Code"), _("Name"), *[f"{c.group} {c.label}".strip() for c in table.columns]]
    lines = [[line.code, line.name, *[_cell(cell) for cell in line.cells]] for line in table.lines_and_total]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(
            str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()

    title = f"{TITLES[report.kind]} – {report.area.full_name}"
    return "\n".join([title, fmt(header), *[fmt(line) for line in lines]]) + "\n"
