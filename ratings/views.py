"""The yearly rating grid of a commune: staff save drafts and submit, approvers approve or send back."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Area, AreaLevel
from branches.models import Organization
from core.navigation import area_breadcrumbs
from core.views import paginate, parse_year, query_without, require_approver, require_editor

from . import selectors, services
from .forms import GridLineForm, ReviewForm
from .models import RatingState

AWAITING_LIMIT = 50


def default_year() -> int:
    return timezone.localdate().year


def grid(request):
    """The communes of the user's area for a year, with how far their ratings are; a commune's staff go to theirs."""
    year = parse_year(request.GET.get("year"), default=default_year())
    area = request.user.area
    if area is not None and area.level == AreaLevel.COMMUNE:
        return redirect("ratings:commune_grid", key=area.key, year=year)
    communes = selectors.communes(user=request.user, year=year)
    context = {
        "year": year,
        # What awaits the approver first, then every commune under its district.
        "awaiting": list(communes.filter(submitted_count__gt=0)[:AWAITING_LIMIT]) if request.user.can_approve else [],
        "page": paginate(request, communes),
        "query": query_without(request, "page"),
    }
    return render(request, "ratings/communes.html", context)


def commune_grid(request, key: str, year: int):
    if not 1900 <= year <= 2100:
        raise Http404
    communes = Area.objects.visible_to(request.user).filter(valid_to__isnull=True)
    commune = get_object_or_404(communes, key=key, level=AreaLevel.COMMUNE)
    code = request.GET.get("organization") or None
    # An unknown code shows every organization; one with a NUL byte is unknown (PostgreSQL refuses it).
    organization = Organization.objects.filter(code=code).first() if code and "\x00" not in code else None
    rows = selectors.grid_rows(commune=commune, year=year, user=request.user, organization=organization)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action in ("save", "submit") else None
    lines = [GridLineForm(data, row=row, editable=request.user.can_edit) for row in rows]
    review = ReviewForm(request.POST if action in ("approve", "send_back") else None)
    errors: list[str] = []
    if action in ("save", "submit"):
        require_editor(request.user)
        if all(line.is_valid() for line in lines):
            try:
                result = services.save_grid(
                    user=request.user, year=year, lines=_grid_lines(lines), submit=action == "submit"
                )
            except ValidationError as error:
                errors = error.messages
            else:
                _saved_message(request, result, submitted=action == "submit")
                for line in lines:
                    grade, score = line.chosen_grade(), line.cleaned_data.get("score") if line.editable else None
                    if line.editable and grade is not None and not grade.fits(score):
                        warning = selectors.score_warning(grade, score)
                        messages.warning(
                            request, _("%(branch)s: %(warning)s") % {"branch": line.row.branch, "warning": warning}
                        )
                return redirect(request.get_full_path())
        else:
            errors = [_("Some lines have errors; nothing was saved.")]
    elif action in ("approve", "send_back"):
        require_approver(request.user)
        chosen = _chosen(request, rows)
        if not chosen:
            errors = [_("Tick the submitted lines to approve or send back.")]
        elif review.is_valid():
            try:
                count = services.review_ratings(
                    user=request.user,
                    ratings=[row.rating for row in chosen],
                    approve=action == "approve",
                    comment=review.cleaned_data["comment"],
                    versions=_versions(request, chosen),
                )
            except ValidationError as error:
                errors = error.messages
            else:
                template = (
                    ngettext("%(count)s rating was approved.", "%(count)s ratings were approved.", count)
                    if action == "approve"
                    else ngettext("%(count)s rating was sent back.", "%(count)s ratings were sent back.", count)
                )
                messages.success(request, template % {"count": count})
                return redirect(request.get_full_path())
    crumbs = area_breadcrumbs(commune, "branches:area", user=request.user)
    crumbs.append({"label": _("Ratings %(year)s") % {"year": year}, "url": request.path})
    context = {
        "commune": commune,
        "year": year,
        "lines": lines,
        "review": review,
        "errors": errors,
        "may_edit": request.user.can_edit and any(line.editable for line in lines),
        "may_review": request.user.can_approve and any(row.state == RatingState.SUBMITTED for row in rows),
        "grade_counts": selectors.grade_counts(rows),
        "organizations": Organization.objects.order_by("sort_order", "code"),
        "organization": organization,
        "breadcrumbs": crumbs,
        "communes_url": reverse("ratings:grid") + f"?year={year}",
    }
    return render(request, "ratings/grid.html", context, status=400 if errors else 200)


def _grid_lines(forms: list[GridLineForm]) -> list[services.GridLine]:
    return [
        services.GridLine(
            branch=form.row.branch,
            rating=form.row.rating,
            grade=form.chosen_grade(),
            score=form.cleaned_data.get("score"),
            note=form.cleaned_data.get("note", ""),
            expected_version=form.cleaned_data.get("version"),
        )
        for form in forms
        if form.editable
    ]


def _chosen(request, rows: list[selectors.GridRow]) -> list[selectors.GridRow]:
    picked = set(request.POST.getlist("selected"))
    return [row for row in rows if row.state == RatingState.SUBMITTED and str(row.rating.pk) in picked]


def _versions(request, rows: list[selectors.GridRow]) -> dict[int, int]:
    versions = {}
    for row in rows:
        value = request.POST.get(f"b{row.branch.pk}-version", "")
        if value.isdigit():
            versions[row.rating.pk] = int(value)
    return versions


def _saved_message(request, result: services.GridResult, *, submitted: bool) -> None:
    if submitted:
        text = ngettext(
            "%(count)s rating was submitted for approval.",
            "%(count)s ratings were submitted for approval.",
            result.submitted,
        ) % {"count": result.submitted}
    else:
        text = ngettext(
            "%(count)s rating was saved as a draft.", "%(count)s ratings were saved as drafts.", result.saved
        ) % {"count": result.saved}
    messages.success(request, text)
