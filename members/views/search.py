"""The member search across the user's area, and the roll of one branch."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch
from core.navigation import area_breadcrumbs
from core.views import paginate, query_without

from .. import selectors
from ..forms import MemberFilterForm


def _listing(request, *, branch=None) -> dict:
    form = MemberFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    memberships = selectors.member_list(
        user=request.user,
        text=filters.get("q", ""),
        organization=filters.get("organization"),
        status=filters.get("status", ""),
        gender=filters.get("gender", ""),
        age_min=filters.get("age_min"),
        age_max=filters.get("age_max"),
        branch=branch,
        today=timezone.localdate(),
    )
    return {"form": form, "page": paginate(request, memberships), "query": query_without(request, "page")}


def _render(request, template: str, context: dict):
    if request.headers.get("HX-Request"):
        # The live search replaces only the results.
        return render(request, "members/_results.html", context)
    return render(request, template, context)


def search(request):
    return _render(request, "members/search.html", _listing(request))


def branch_roll(request, pk: int):
    branch = get_object_or_404(Branch.objects.visible_to(request.user).select_related("area", "organization"), pk=pk)
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=request.user)
    crumbs.append({"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])})
    context = {**_listing(request, branch=branch), "branch": branch, "breadcrumbs": crumbs}
    return _render(request, "members/search.html", context)
