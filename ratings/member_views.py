"""A branch's grid of its members' ratings for a year: staff save drafts and submit, approvers approve or send back."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Area, AreaLevel
from branches.models import Branch
from core.navigation import area_breadcrumbs
from core.views import paginate, parse_year, query_without, require_approver, require_editor, run_service

from . import member_selectors, member_services, selectors
from .forms import ReviewForm
from .member_forms import MemberLineForm
from .models import RatingState
from .views import _chosen, _saved_message

SAVE_ACTIONS = ("save", "submit")
REVIEW_ACTIONS = ("approve", "send_back")


def overview(request):
    """The branches of an area (the user's, or ?area=KEY within it) with how far their members' ratings
    of a year are, those awaiting approval first."""
    year = parse_year(request.GET.get("year"), default=timezone.localdate().year)
    areas = Area.objects.visible_to(request.user)
    key = request.GET.get("area") or ""
    if "\x00" in key:  # no key holds a NUL byte, and PostgreSQL refuses one in a query
        raise Http404
    if key:
        area = get_object_or_404(areas, key=key)
    else:
        provinces = areas.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True).order_by("code")
        area = request.user.area or provinces.first()  # an administrator: the first province
    if area is None:
        raise Http404
    branches = member_selectors.branches_to_rate(user=request.user, area=area, year=year)
    context = {
        "area": area,
        "year": year,
        "page": paginate(request, branches),
        "query": query_without(request, "page"),
        "breadcrumbs": area_breadcrumbs(area, "branches:area", user=request.user),
    }
    return render(request, "ratings/member_overview.html", context)


def member_grid(request, pk: int, year: int):
    if not 1900 <= year <= 2100:
        raise Http404
    branch = get_object_or_404(Branch.objects.visible_to(request.user).select_related("organization", "area"), pk=pk)
    rows = member_selectors.grid_rows(branch=branch, year=year)
    grades = member_selectors.member_grades(organization_id=branch.organization_id, year=year)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action in SAVE_ACTIONS else None
    lines = [MemberLineForm(data, row=row, grades=grades, editable=request.user.can_edit) for row in rows]
    # The form of the grid's buttons: the approver's comment, and any refusal of the whole grid.
    review = ReviewForm(request.POST if action else None)
    if action in SAVE_ACTIONS:
        require_editor(request.user)
        if _save(request, branch=branch, year=year, lines=lines, form=review, submit=action == "submit"):
            return redirect(request.get_full_path())
    elif action in REVIEW_ACTIONS:
        require_approver(request.user)
        if _review(request, rows=rows, form=review, approve=action == "approve"):
            return redirect(request.get_full_path())
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=request.user)
    crumbs += [
        {"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])},
        {"label": _("Members' ratings %(year)s") % {"year": year}, "url": request.path},
    ]
    context = {
        "branch": branch,
        "year": year,
        "lines": lines,
        "review": review,
        "may_edit": request.user.can_edit and any(line.editable for line in lines),
        "may_review": request.user.can_approve and any(row.state == RatingState.SUBMITTED for row in rows),
        "grade_counts": selectors.grade_counts(rows),
        "breadcrumbs": crumbs,
    }
    invalid = bool(review.errors) or any(line.is_bound and line.errors for line in lines)
    return render(request, "ratings/member_grid.html", context, status=400 if invalid else 200)


def _save(request, *, branch, year: int, lines: list[MemberLineForm], form, submit: bool) -> bool:
    if not all(line.is_valid() for line in lines):
        form.add_error(None, _("Some lines have errors; nothing was saved."))
        return False
    entered = [
        member_services.MemberLine(
            membership=line.row.membership,
            rating=line.row.rating,
            grade=line.chosen_grade(),
            note=line.cleaned_data.get("note", ""),
            expected_version=line.cleaned_data.get("version"),
        )
        for line in lines
        if line.editable
    ]
    result = run_service(
        form,
        lambda: member_services.save_member_grid(
            user=request.user, branch=branch, year=year, lines=entered, submit=submit
        ),
    )
    if result is None:
        return False
    _saved_message(request, result, submitted=submit)
    return True


def _review(request, *, rows: list[member_selectors.MemberRow], form, approve: bool) -> bool:
    chosen = _chosen(request, rows)
    if not chosen:
        form.add_error(None, _("Tick the submitted lines to approve or send back."))
        return False
    if not form.is_valid():
        return False
    versions = {}
    for row in chosen:
        value = request.POST.get(f"m{row.membership.pk}-version", "")
        if value.isdigit():
            versions[row.rating.pk] = int(value)
    count = run_service(
        form,
        lambda: member_services.review_member_ratings(
            user=request.user,
            ratings=[row.rating for row in chosen],
            approve=approve,
            comment=form.cleaned_data["comment"],
            versions=versions,
        ),
    )
    if count is None:
        return False
    template = (
        ngettext("%(count)s rating was approved.", "%(count)s ratings were approved.", count)
        if approve
        else ngettext("%(count)s rating was sent back.", "%(count)s ratings were sent back.", count)
    )
    messages.success(request, template % {"count": count})
    return True
