"""The filters of each report: an area, a period and an organization.

The area is a code limited to what the user may see (``Area.objects.visible_to``): a
code outside answers 404 as soon as the form is built, it is never a form error. Every
filter has a default, so a bare link to a report shows something useful; the defaults
are merged into the form's data so that the filters show the values in use.
"""

import datetime

from django import forms
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area, AreaLevel, Structure
from areas.selectors import resolve_code
from branches.models import Branch, Organization
from core.forms import DateField, StyledFormMixin
from ratings.member_selectors import latest_approved_year

from . import selectors, series
from .awards import awards_report
from .duty import cadres_report
from .fees import fees_report
from .member_ratings import member_ratings_report
from .selectors import Report

MONTH_CHOICES = [(month, f"{month:02d}") for month in range(1, 13)]
QUARTER_CHOICES = [(quarter, str(quarter)) for quarter in range(1, 5)]


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CHOICES = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))]


def default_area(user) -> Area | None:
    """The user's own area; for an administrator, the first province that has branches."""
    if user.area_id is not None:
        return user.area
    has_branches = Exists(Branch.objects.filter(area__path__startswith=OuterRef("path")))
    provinces = Area.objects.filter(level=AreaLevel.PROVINCE).visible_to(user)
    return provinces.annotate(has_branches=has_branches).order_by("-has_branches", "code").first()


def resolve_area(user, key: str | None) -> Area | None:
    """The area of ``key`` (its code, with the structure after the first: "82@2025") if the user
    may see it (else 404), or the user's default area."""
    if key:
        if "\x00" in key:  # no code holds a NUL byte, and PostgreSQL refuses one in a query
            raise Http404
        return get_object_or_404(Area.objects.visible_to(user), key=key)
    return default_area(user)


def last_rated_year(area: Area) -> int | None:
    """The latest year with approved ratings in the area (one aggregate query)."""
    from ratings.models import BranchRating, RatingState

    ratings = BranchRating.objects.filter(branch__area__path__startswith=area.path, state=RatingState.APPROVED)
    return ratings.aggregate(year=Max("year"))["year"]


def last_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("style", "max-width: 7rem")


class ReportForm(StyledFormMixin, forms.Form):
    """Area and organization; subclasses add the period and build the report."""

    kind = ""
    area = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("sort_order", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All organizations"),
    )
    structure = forms.ChoiceField(
        label=_("Structure"),
        choices=[("", _("In force on the date")), *Structure.choices],
        required=False,
        help_text=_("Read the area in the units of this structure."),
    )
    units = forms.BooleanField(label=_("In today's units"), required=False)

    def __init__(self, data=None, *, user, area_key: str | None = None, today: datetime.date | None = None):
        self.user = user
        self.today = today or timezone.localdate()
        data = data if data is not None else {}
        self.area = resolve_area(user, area_key or data.get("area"))
        merged = self.defaults(data)
        merged.update({key: value for key, value in data.items() if value != ""})
        if self.area is not None:
            merged["area"] = self.area.key
        super().__init__(merged)

    def defaults(self, data) -> dict:
        return {}

    def clean_area(self) -> Area:
        if self.area is None:
            raise Http404
        return self.area

    def reference_day(self, cleaned: dict) -> datetime.date:
        """The day whose units the report reads its area in (the last day of its period)."""
        raise NotImplementedError

    def complete_period(self, cleaned: dict) -> None:
        """Complete the period in ``cleaned`` (its defaults, its bounds)."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.area is None:
            return cleaned
        self.complete_period(cleaned)
        if cleaned.get("units") and cleaned.get("structure"):
            raise forms.ValidationError(_("Choose a structure or today's units, not both."))
        cleaned["units_on"] = self.today if cleaned.get("units") else None
        structure = cleaned.get("structure")
        if structure and self.area.structure not in ("", structure):
            # The same code in the other structure (82 was Tiền Giang before 2025).
            other = resolve_code(
                self.area.code,
                on=self.reference_day(cleaned),
                structure=structure,
                areas=Area.objects.visible_to(self.user),
            )
            if other is None or other.structure != structure:
                self.add_error(
                    "structure",
                    _("There is no %(area)s in the structure %(structure)s.")
                    % {"area": self.area.code, "structure": Structure(structure).label},
                )
                return cleaned
            cleaned["area"] = other
        return cleaned

    def units_arguments(self) -> dict:
        return {"area": self.cleaned_data["area"], "units_on": self.cleaned_data["units_on"]}

    def report(self) -> Report:
        raise NotImplementedError


def series_field():
    return forms.BooleanField(
        label=_("The last %(years)s years") % {"years": series.YEARS},
        required=False,
        help_text=_("One row per year, in today's units."),
    )


class MembershipReportForm(ReportForm):
    kind = "membership"
    on = DateField(label=_("As of"), required=False)
    series = series_field()

    field_order = ["on", "organization"]

    def defaults(self, data) -> dict:
        # 31/12 of the year asked for (?year=2024), or today if that is earlier.
        try:
            year = int(data.get("year") or self.today.year)
            on = min(datetime.date(year, 12, 31), self.today)
        except (ValueError, OverflowError):  # ?year=abc, ?year=99999999999999999999
            on = self.today
        return {"on": on.strftime("%d/%m/%Y")}

    def clean_on(self) -> datetime.date:
        return self.cleaned_data.get("on") or self.today

    def reference_day(self, cleaned: dict) -> datetime.date:
        return cleaned["on"]

    def report(self) -> Report:
        data = self.cleaned_data
        if data["series"]:
            return series.membership_series(
                area=data["area"], on=data["on"], organization=data["organization"], today=self.today
            )
        return selectors.membership_report(on=data["on"], organization=data["organization"], **self.units_arguments())


class RatingsReportForm(ReportForm):
    kind = "ratings"
    year = YearField(required=False)
    include_drafts = forms.BooleanField(label=_("Include ratings not yet approved"), required=False)
    series = series_field()

    field_order = ["year", "organization", "include_drafts"]

    def defaults(self, data) -> dict:
        if data.get("year") or self.area is None:
            return {}
        # The latest year with approved ratings: a year is rated only at its end.
        return {"year": last_rated_year(self.area) or self.today.year}

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or self.today.year

    def reference_day(self, cleaned: dict) -> datetime.date:
        return selectors.period_bounds(year=cleaned["year"])[1]

    def report(self) -> Report:
        data = self.cleaned_data
        if data["series"]:
            return series.ratings_series(
                area=data["area"],
                year=data["year"],
                organization=data["organization"],
                include_drafts=data["include_drafts"],
                today=self.today,
            )
        return selectors.ratings_report(
            year=data["year"],
            organization=data["organization"],
            include_drafts=data["include_drafts"],
            **self.units_arguments(),
        )


class MemberRatingsReportForm(RatingsReportForm):
    """7.6: a year, approved ratings only unless asked for the others; no series of years."""

    kind = "member_ratings"
    series = None

    def defaults(self, data) -> dict:
        if data.get("year") or self.area is None:
            return {}
        return {"year": latest_approved_year(self.area) or self.today.year}

    def report(self) -> Report:
        data = self.cleaned_data
        return member_ratings_report(
            year=data["year"],
            organization=data["organization"],
            include_drafts=data["include_drafts"],
            **self.units_arguments(),
        )


class MeetingsReportForm(ReportForm):
    kind = "meetings"
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.CHOICES, required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int, required=False)
    year = YearField(required=False)

    field_order = ["period", "month", "quarter", "year", "organization"]

    def defaults(self, data) -> dict:
        # The last complete month.
        year, month = last_month(self.today)
        return {"period": PeriodKind.MONTH, "year": year, "month": month, "quarter": (month + 2) // 3}

    def complete_period(self, cleaned: dict) -> None:
        kind = cleaned.get("period") or PeriodKind.MONTH
        year = cleaned.get("year") or self.today.year
        if kind == PeriodKind.MONTH:
            start, end = selectors.period_bounds(year=year, month=cleaned.get("month") or 1)
        elif kind == PeriodKind.QUARTER:
            start, end = selectors.period_bounds(year=year, quarter=cleaned.get("quarter") or 1)
        else:
            start, end = selectors.period_bounds(year=year)
        cleaned["start"], cleaned["end"] = start, end

    def reference_day(self, cleaned: dict) -> datetime.date:
        return cleaned["end"]

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.meetings_report(
            start=data["start"], end=data["end"], organization=data["organization"], **self.units_arguments()
        )


class OfficersReportForm(ReportForm):
    kind = "officers"
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int, required=False)
    year = YearField(required=False)

    field_order = ["month", "year", "organization"]

    def defaults(self, data) -> dict:
        return {"year": self.today.year, "month": self.today.month}

    def complete_period(self, cleaned: dict) -> None:
        cleaned["year"] = cleaned.get("year") or self.today.year
        cleaned["month"] = cleaned.get("month") or self.today.month

    def reference_day(self, cleaned: dict) -> datetime.date:
        return selectors.period_bounds(year=cleaned["year"], month=cleaned["month"])[1]

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.officers_report(
            year=data["year"], month=data["month"], organization=data["organization"], **self.units_arguments()
        )


class CadresReportForm(MeetingsReportForm):
    kind = "cadres"

    def defaults(self, data) -> dict:
        # The quarter under way: what the cadres owe now.
        return {
            "period": PeriodKind.QUARTER,
            "year": self.today.year,
            "month": self.today.month,
            "quarter": (self.today.month + 2) // 3,
        }

    def report(self) -> Report:
        data = self.cleaned_data
        return cadres_report(
            start=data["start"],
            end=data["end"],
            organization=data["organization"],
            today=self.today,
            **self.units_arguments(),
        )


class AwardsReportForm(ReportForm):
    kind = "awards"
    year = YearField(required=False)

    field_order = ["year", "organization"]

    def defaults(self, data) -> dict:
        return {"year": self.today.year}

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or self.today.year

    def reference_day(self, cleaned: dict) -> datetime.date:
        return selectors.period_bounds(year=cleaned["year"])[1]

    def report(self) -> Report:
        data = self.cleaned_data
        return awards_report(year=data["year"], organization=data["organization"], **self.units_arguments())


class FeesReportForm(CadresReportForm):
    """A month, a quarter or a year of fees; by default the quarter under way (what is owed now)."""

    kind = "fees"

    def report(self) -> Report:
        data = self.cleaned_data
        return fees_report(
            start=data["start"], end=data["end"], organization=data["organization"], **self.units_arguments()
        )


FORMS = {
    form.kind: form
    for form in (
        MembershipReportForm,
        RatingsReportForm,
        MemberRatingsReportForm,
        MeetingsReportForm,
        OfficersReportForm,
        CadresReportForm,
        AwardsReportForm,
        FeesReportForm,
    )
}
