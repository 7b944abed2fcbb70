"""The branch book of a year, downloaded from the branch's page."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from branches.documents import branch_letterhead
from branches.models import Branch
from core.downloads import log_download
from core.models import DownloadKind
from core.views import XLSX_TYPE, attachment, parse_year

from .branch_book import branch_book_xlsx


@require_GET
def branch_book(request, pk: int):
    branch = get_object_or_404(
        Branch.objects.visible_to(request.user).select_related("area__parent", "organization"), pk=pk
    )
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), default=today.year)
    letterhead = branch_letterhead(branch=branch, user=request.user, today=today)
    content = branch_book_xlsx(branch=branch, year=year, letterhead=letterhead)
    file_name = f"branch-book-{branch.code}-{year}.xlsx"
    log_download(
        request=request,
        kind=DownloadKind.BRANCH_BOOK,
        file_name=file_name,
        rows=0,
        filters={"branch": branch.code, "year": year},
        area=branch.area,
    )
    return attachment(content, XLSX_TYPE, file_name)
