"""The fees pages: a branch's collection grid for a quarter or a year, and a member's fee category."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.documents import branch_letterhead
from branches.models import Branch
from core.navigation import area_breadcrumbs
from core.views import query_without, require_editor, run_service
from members.models import Membership

from . import selectors, services
from .forms import CategoryForm, FeeGridForm


def period_label(period: str, year: int) -> str:
    if period == "year":
        return _("Year %(year)s") % {"year": year}
    return _("Quarter %(quarter)s/%(year)s") % {"quarter": period[1], "year": year}


def _lines(fee_grid: selectors.Grid, form: FeeGridForm) -> list[tuple]:
    """Each row of the page with, per month, (cell, its tick, its amount box), or None where not owed."""
    return [
        (row, [(cell, form.bound(cell, "full"), form.bound(cell, "amount")) if cell else None for cell in row.cells])
        for row in fee_grid.rows
    ]


def grid(request, pk: int, year: int):
    """Readers see the whole grid (and print it); editors enter a page of it at a time."""
    if not 1900 <= year <= 2100:
        raise Http404
    branch = get_object_or_404(
        Branch.objects.visible_to(request.user).select_related("organization", "area__parent"), pk=pk
    )
    today = timezone.localdate()
    period = request.GET.get("period", "")
    if period not in selectors.PERIODS:
        period = selectors.default_period(year=year, today=today)
    months = selectors.PERIODS[period]
    printing = request.GET.get("print") == "1"
    editable = request.user.can_edit and not printing
    if request.method == "POST":
        require_editor(request.user)
        if printing:
            raise Http404
    per_page = max(1, selectors.CELLS_PER_PAGE // len(months)) if editable else None
    fee_grid = selectors.fee_grid(
        branch=branch, year=year, months=months, page=request.GET.get("page", 1), per_page=per_page
    )
    form = FeeGridForm(request.POST if request.method == "POST" else None, grid=fee_grid, today=today)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        result = run_service(
            form,
            lambda: services.save_fee_grid(
                user=request.user,
                branch=branch,
                year=year,
                cells=form.cells(),
                paid_on=values["paid_on"],
                collected_by=values["collected_by"],
                expected_stamp=values["stamp"] or None,
            ),
        )
        if result is not None:
            if result.created or result.updated or result.removed:
                messages.success(
                    request,
                    _("Fees saved: %(created)s recorded, %(updated)s changed, %(removed)s removed.")
                    % {"created": result.created, "updated": result.updated, "removed": result.removed},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(request.get_full_path())
    label = period_label(period, year)
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=request.user)
    crumbs.append({"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])})
    crumbs.append({"label": _("Fees %(period)s") % {"period": label}, "url": request.path})
    context = {
        "branch": branch,
        "year": year,
        "period": period,
        "period_label": label,
        "periods": [(key, period_label(key, year)) for key in selectors.PERIODS],
        "grid": fee_grid,
        "lines": _lines(fee_grid, form),
        "form": form,
        "editable": editable,
        "printing": printing,
        "query": query_without(request, "page"),
        "letterhead": branch_letterhead(branch=branch, user=request.user, today=today),
        "breadcrumbs": crumbs,
    }
    return render(request, "fees/grid.html", context, status=400 if form.is_bound else 200)


def category(request, pk: int):
    """Place a member in a fee category from a date (the months before keep their category)."""
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("person", "organization", "branch"), pk=pk
    )
    require_editor(request.user)
    today = timezone.localdate()
    form = CategoryForm(request.POST or None, organization=membership.organization, today=today)
    if request.method == "POST" and form.is_valid():
        assignment = run_service(
            form,
            lambda: services.assign_category(
                membership=membership,
                category=form.cleaned_data["category"],
                valid_from=form.cleaned_data["valid_from"],
            ),
        )
        if assignment is not None:
            messages.success(
                request,
                _("From %(date)s, %(member)s pays in the category “%(category)s”.")
                % {
                    "date": assignment.valid_from.strftime("%d/%m/%Y"),
                    "member": membership.person.full_name,
                    "category": assignment.category.name,
                },
            )
            return redirect("members:person", pk=membership.person_id)
    person_url = reverse("members:person", args=[membership.person_id])
    context = {
        "membership": membership,
        "form": form,
        "assignments": selectors.assignments_of(membership),
        "default": form.fields["category"].queryset.filter(is_default=True).first(),
        "person_url": person_url,
        "breadcrumbs": [
            {"label": _("Members"), "url": reverse("members:search")},
            {"label": membership.person.full_name, "url": person_url},
            {"label": _("Fee category"), "url": request.path},
        ],
    }
    return render(request, "fees/category_form.html", context, status=400 if form.is_bound else 200)
