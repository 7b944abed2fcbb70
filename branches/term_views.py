"""A branch's terms (add, change) and the congresses due in an area, with its .xlsx download."""

import io

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from areas.models import Area, AreaLevel
from core.navigation import area_breadcrumbs
from core.sheets import (
    BORDER,
    HEADER_ALIGNMENT,
    font,
    safe_text,
    setup_page,
    sheet_title,
    write_header,
    write_signature,
)
from core.views import XLSX_TYPE, attachment, query_without, require_editor, run_service

from . import documents, selectors, terms
from .forms import CONGRESS_MONTHS, BranchTermForm, CongressesForm
from .models import Branch, BranchTerm
from .views import _branch, _branch_crumbs


def _term_form(request, form, *, branch: Branch, title: str):
    return render(
        request,
        "branches/form.html",
        {"form": form, "title": title, "breadcrumbs": _branch_crumbs(branch, request.user)},
    )


def term_add(request, pk: int):
    branch = _branch(request, pk)
    require_editor(request.user)
    form = BranchTermForm(request.POST or None, instance=BranchTerm(branch=branch))
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        term = run_service(
            form,
            lambda: terms.add_term(
                branch=branch,
                start_on=fields["start_on"],
                end_on=fields["end_on"],
                congress_on=fields["congress_on"],
                committee_size=fields["committee_size"],
            ),
        )
        if term is not None:
            messages.success(request, _("The term %(term)s was added.") % {"term": _term_years(term)})
            return redirect("branches:branch", pk=branch.pk)
    return _term_form(request, form, branch=branch, title=_("Add a term to %(branch)s") % {"branch": branch})


def term_edit(request, pk: int):
    term = get_object_or_404(
        BranchTerm.objects.visible_to(request.user).select_related("branch__area", "branch__organization"), pk=pk
    )
    require_editor(request.user)
    branch = term.branch
    form = BranchTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: terms.update_term(
                term=term,
                expected_version=form.expected_version,
                start_on=fields["start_on"],
                end_on=fields["end_on"],
                congress_on=fields["congress_on"],
                committee_size=fields["committee_size"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The term %(term)s was saved.") % {"term": _term_years(saved)})
            return redirect("branches:branch", pk=branch.pk)
    title = _("Change the term %(term)s of %(branch)s") % {"term": _term_years(term), "branch": branch}
    return _term_form(request, form, branch=branch, title=title)


def _term_years(term: BranchTerm) -> str:
    return f"{term.start_on:%d/%m/%Y} – {term.end_on:%d/%m/%Y}"


def _area(request, key: str | None) -> Area | None:
    """The area of the URL's key or ``?area=KEY`` if the user sees it (else 404); by default the
    user's own, or for an administrator the first province in force."""
    key = key or request.GET.get("area")
    visible = Area.objects.visible_to(request.user)
    if key:
        if "\x00" in key:  # no key holds one, and PostgreSQL refuses it in a query
            raise Http404
        return get_object_or_404(visible, key=key)
    if request.user.area_id is not None:
        return request.user.area
    return visible.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True).order_by("code").first()


@require_GET
def congresses(request, key: str | None = None):
    """The branches whose term ends within the next months, or has ended with no newer term."""
    output = request.GET.get("format", "")
    if output not in ("", "html", "xlsx"):
        raise Http404
    area = _area(request, key)
    form = CongressesForm({"months": CONGRESS_MONTHS, **request.GET.dict()})
    today = timezone.localdate()
    rows = None
    if area is not None and form.is_valid():
        months = form.cleaned_data["months"]
        rows = selectors.congresses_due(area=area, user=request.user, today=today, months=months)
        if output == "xlsx":
            letterhead = documents.letterhead(area=area, organization=None, user=request.user, today=today)
            content = congresses_xlsx(area=area, rows=rows, months=months, letterhead=letterhead)
            return attachment(content, XLSX_TYPE, f"congresses-{area.code}-{today.isoformat()}.xlsx")
    query = query_without(request, "area")
    crumbs = area_breadcrumbs(area, "branches:congresses", user=request.user) if area else []
    # Narrower areas to choose (down to communes: a hamlet's list is its commune's, filtered).
    children = (
        Area.objects.visible_to(request.user)
        .filter(parent=area, valid_to__isnull=True)
        .exclude(level=AreaLevel.HAMLET)
        .order_by("code")
        if area
        else []
    )
    context = {
        "area": area,
        "children": children,
        "form": form,
        "rows": rows,
        "today": today,
        "query": query,
        "breadcrumbs": [{**c, "url": f"{c['url']}?{query}" if query else c["url"]} for c in crumbs],
    }
    return render(request, "branches/congresses.html", context)


# --- The download ---------------------------------------------------------------------


def congress_columns() -> list[tuple[str, int]]:
    """The columns of the page and the download: heading, width in the sheet."""
    return [
        (_("No."), 6),
        (_("Branch"), 34),
        (_("Organization"), 18),
        (_("Commune"), 22),
        (_("Term ends"), 12),
        (_("Last congress"), 12),
        (_("Head"), 8),
        (_("Deputy"), 8),
        (_("Officers in office"), 10),
        (_("Seats"), 8),
        (_("Vacancies"), 10),
        (_("Overdue"), 9),
    ]


def congress_cells(row: selectors.CongressDue) -> list:
    branch = row.branch
    commune = branch.area.parent if branch.area.level == AreaLevel.HAMLET else branch.area
    yes, no = _("yes"), _("no")
    return [
        branch.name,
        branch.organization.short_name,
        commune.full_name,
        row.term.end_on,
        row.term.congress_on,
        yes if row.has_head else no,
        yes if row.has_deputy else no,
        row.officers,
        row.term.committee_size,
        row.vacancies,
        yes if row.overdue else "",
    ]


def congresses_xlsx(*, area: Area, rows: list, months: int, letterhead) -> bytes:
    columns = congress_columns()
    workbook = Workbook()
    sheet = workbook.active
    title = _("Congresses due in %(area)s") % {"area": area.full_name}
    sheet.title = sheet_title(_("Congresses due"))
    subtitle = _("Terms ending within %(months)s months of %(date)s, and terms ended with no newer term") % {
        "months": months,
        "date": letterhead.on.strftime("%d/%m/%Y"),
    }
    top = write_header(sheet, letterhead, width=len(columns), title=title, subtitle=subtitle)
    for index, (label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=index, value=safe_text(label))
        cell.font, cell.alignment, cell.border = font(11, bold=True), HEADER_ALIGNMENT, BORDER
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = top
    for last, row in enumerate(rows, start=top + 1):
        for index, value in enumerate([last - top, *congress_cells(row)], start=1):
            cell = sheet.cell(row=last, column=index, value=safe_text(value) if isinstance(value, str) else value)
            cell.font, cell.border = font(11), BORDER
            if hasattr(value, "strftime"):
                cell.number_format = "DD/MM/YYYY"
    last_row = write_signature(sheet, letterhead, row=last + 2, width=len(columns))
    setup_page(sheet, width=len(columns), header_rows=(top, top), last_row=last_row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
