"""The branch book's download on the branch page (``core.panels``)."""

from django.utils import timezone

from core.panels import Section


def branch_book_section(*, branch, user) -> Section:
    year = timezone.localdate().year
    return Section("reports/_branch_book_link.html", {"branch": branch, "years": [year, year - 1, year - 2]}, order=90)
