"""The dashboard's headline figures of an area, computed with the report selectors.

Memberships and gathering rate as of today, the share of strong branches among the
approved ratings of the last rated year, and the branches that held no meeting last
month: three reports (the membership's rows for all organizations together, the others' totals
alone) and two small queries, whatever the size of the area.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from areas.models import Area
from core.figures import percent

from . import selectors
from .forms import last_month, last_rated_year
from .selectors import Report


@dataclass
class Headlines:
    today: datetime.date
    membership: Report
    ratings: Report
    rated_year: int | None  # None when the area has no approved rating yet
    strong: int
    strong_share: Decimal | None  # of the branches to rate, not of those rated: the rest is not rated yet
    meetings: Report
    month: tuple[int, int]

    @property
    def members(self) -> int:
        return self.membership.total["members"]

    @property
    def gathering_rate(self) -> Decimal | None:
        return self.membership.total["gathering_rate"]

    @property
    def rated(self) -> int:
        return self.ratings.total["rated"]

    @property
    def to_rate(self) -> int:
        return self.ratings.total["branches"]

    @property
    def not_rated(self) -> int:
        return self.ratings.total["not_rated"]

    @property
    def rated_share(self) -> Decimal | None:
        return percent(self.rated, self.to_rate)

    @property
    def missed_meeting(self) -> int:
        return self.meetings.total["without_meeting"]

    @property
    def meeting_branches(self) -> int:
        return self.meetings.total["branches"]


def best_grade_codes() -> set[str]:
    """The codes of the best grade of every scheme ("strong" in the default scheme), in one query."""
    from ratings.models import Grade

    best_order = Grade.objects.filter(scheme=OuterRef("scheme")).order_by("order").values("order")[:1]
    return set(Grade.objects.filter(order=Subquery(best_order)).values_list("code", flat=True))


def headline_figures(area: Area, *, today: datetime.date) -> Headlines:
    membership = selectors.membership_report(area=area, on=today, by_organization=False)
    rated_year = last_rated_year(area)
    ratings = selectors.ratings_report(area=area, year=rated_year or today.year, totals_only=True)
    best = best_grade_codes()
    strong = sum(grade["count"] for code, grade in ratings.total["grades"].items() if code in best)
    year, month = last_month(today)
    start, end = selectors.period_bounds(year=year, month=month)
    meetings = selectors.meetings_report(area=area, start=start, end=end, totals_only=True)
    return Headlines(
        today=today,
        membership=membership,
        ratings=ratings,
        rated_year=rated_year,
        strong=strong,
        strong_share=percent(strong, ratings.total["branches"]),
        meetings=meetings,
        month=(year, month),
    )


def links(area: Area, figures: Headlines) -> dict[str, str]:
    def url(kind: str, **params) -> str:
        return f"{reverse(f'reports:{kind}', kwargs={'key': area.key})}?{urlencode(params)}"

    year, month = figures.month
    return {
        "membership": url("membership", on=figures.today.strftime("%d/%m/%Y")),
        "ratings": url("ratings", year=figures.ratings.period["year"]),
        "meetings": url("meetings", period="month", year=year, month=month),
        "officers": url("officers", year=figures.today.year, month=figures.today.month),
        "index": f"{reverse('reports:index')}?{urlencode({'area': area.key})}",
    }
