"""The fees' sections on the pages of the apps below (``core.panels``): the grid's button on a
branch's page, each membership's payments on a person's page."""

from django.urls import reverse
from django.utils import timezone

from core.panels import Section

from . import selectors


def branch_fees(*, branch, user) -> Section:
    today = timezone.localdate()
    period = selectors.default_period(year=today.year, today=today)
    url = reverse("fees:grid", args=[branch.pk, today.year]) + f"?period={period}"
    return Section("fees/_branch_link.html", {"url": url}, order=20)


def membership_fees(*, memberships, user) -> dict[int, Section]:
    today = timezone.localdate()
    found = selectors.member_fees(memberships=memberships, today=today)
    common = {"may_edit": user.can_edit, "this_year": today.year, "last_year": today.year - 1}
    return {pk: Section("fees/_member_fees.html", {"fees": fees, **common}, order=20) for pk, fees in found.items()}
