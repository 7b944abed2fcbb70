"""Members' ratings on the pages of the apps below (``core.panels``): a button to the branch's grid
on the branch page, and each membership's ratings by year on the person page."""

from django.utils import timezone

from core.panels import Section

from .member_selectors import branch_rating_counts, membership_ratings


def branch_section(*, branch, user) -> Section:
    year = timezone.localdate().year
    counts = branch_rating_counts(branch=branch, year=year)
    return Section("ratings/member_branch_section.html", {"branch": branch, "year": year, "counts": counts}, order=40)


def membership_sections(*, memberships, user) -> dict[int, Section]:
    ratings = membership_ratings(memberships)
    return {
        pk: Section("ratings/member_ratings_section.html", {"ratings": found}, order=40)
        for pk, found in ratings.items()
    }


def area_section(*, area, user) -> Section:
    return Section("ratings/member_area_section.html", {"area": area, "year": timezone.localdate().year}, order=40)
