"""Helpers every page uses: who may change data, pagination, services' errors on forms, downloads."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse

from core.forms import add_service_error

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_editor(user) -> None:
    """District and commune staff (and administrators) change data; provincial officers only read."""
    if not user.can_edit:
        raise PermissionDenied


def require_director(user) -> None:
    """Those who assign cadres and publish orientation notes: staff and provincial officers, not cadres."""
    if not user.can_direct:
        raise PermissionDenied


def require_approver(user) -> None:
    if not user.can_approve:
        raise PermissionDenied


def paginate(request, queryset, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """One COUNT and one page of rows, whatever the size of the list."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def query_without(request, *names: str) -> str:
    """The query string without some parameters (the pager adds its own ``page``)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def parse_month(value: str | None, *, default: datetime.date) -> datetime.date:
    """ "2024-03" -> 1 March 2024; anything else -> the first of ``default``'s month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def parse_year(value: str | None, *, default: int) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if 1900 <= year <= 2100 else default


def next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def run_service(form, call):
    """Call a service with the form's values; its ValidationError lands on the form. Returns None then."""
    try:
        return call()
    except ValidationError as error:
        add_service_error(form, error)
        return None


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download (``filename`` is ASCII: codes and dates)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def confirms_preview(request, form) -> bool:
    """A POST that confirms exactly what its preview showed (the choices unchanged since)."""
    return "confirm" in request.POST and request.POST.get("previewed") == form.fingerprint()
