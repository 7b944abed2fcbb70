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

from areas.models import Area, AreaLevel
from branches.models import Branch, Organization
from core.forms import DateField, StyledFormMixin

from . import selectors
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


def resolve_area(user, code: str | None) -> Area | None:
    """The area of ``code`` if the user may see it (else 404), or the user's default area."""
    if code:
        return get_object_or_404(Area.objects.visible_to(user), code=code)
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
    area = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("sort_order", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All organizations"),
    )

    def __init__(self, data=None, *, user, area_code: str | None = None, today: datetime.date | None = None):
        self.user = user
        self.today = today or timezone.localdate()
        data = data if data is not None else {}
        self.area = resolve_area(user, area_code or data.get("area"))
        merged = self.defaults(data)
        merged.update({key: value for key, value in data.items() if value != ""})
        if self.area is not None:
            merged["area"] = self.area.code
        super().__init__(merged)

    def defaults(self, data) -> dict:
        return {}

    def clean_area(self) -> Area:
        if self.area is None:
            raise Http404
        return self.area

    def report(self) -> Report:
        raise NotImplementedError


class MembershipReportForm(ReportForm):
    kind = "membership"
    on = DateField(label=_("As of"), required=False)

    field_order = ["on", "organization"]

    def defaults(self, data) -> dict:
        # 31/12 of the year asked for (?year=2024), or today if that is earlier.
        try:
            year = int(data.get("year") or self.today.year)
            on = min(datetime.date(year, 12, 31), self.today)
        except ValueError:
            on = self.today
        return {"on": on.strftime("%d/%m/%Y")}

    def clean_on(self) -> datetime.date:
        return self.cleaned_data.get("on") or self.today

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.membership_report(area=data["area"], on=data["on"], organization=data["organization"])


class RatingsReportForm(ReportForm):
    kind = "ratings"
    year = YearField(required=False)
    include_drafts = forms.BooleanField(label=_("Include ratings not yet approved"), required=False)

    field_order = ["year", "organization", "include_drafts"]

    def defaults(self, data) -> dict:
        if data.get("year") or self.area is None:
            return {}
        # The latest year with approved ratings: a year is rated only at its end.
        return {"year": last_rated_year(self.area) or self.today.year}

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or self.today.year

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.ratings_report(
            area=data["area"],
            year=data["year"],
            organization=data["organization"],
            include_drafts=data["include_drafts"],
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

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kind = cleaned.get("period") or PeriodKind.MONTH
        year = cleaned.get("year") or self.today.year
        if kind == PeriodKind.MONTH:
            start, end = selectors.period_bounds(year=year, month=cleaned.get("month") or 1)
        elif kind == PeriodKind.QUARTER:
            start, end = selectors.period_bounds(year=year, quarter=cleaned.get("quarter") or 1)
        else:
            start, end = selectors.period_bounds(year=year)
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.meetings_report(
            area=data["area"], start=data["start"], end=data["end"], organization=data["organization"]
        )


class OfficersReportForm(ReportForm):
    kind = "officers"
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int, required=False)
    year = YearField(required=False)

    field_order = ["month", "year", "organization"]

    def defaults(self, data) -> dict:
        return {"year": self.today.year, "month": self.today.month}

    def report(self) -> Report:
        data = self.cleaned_data
        return selectors.officers_report(
            area=data["area"],
            year=data["year"] or self.today.year,
            month=data["month"] or self.today.month,
            organization=data["organization"],
        )


FORMS = {form.kind: form for form in (MembershipReportForm, RatingsReportForm, MeetingsReportForm, OfficersReportForm)}
