"""The member search across the user's area, and the roll of one branch."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch
from core.navigation import area_breadcrumbs
from core.views import paginate, query_without

from .. import selectors
from ..forms import MemberFilterForm
from ..models import Membership


def _listing(request, *, branch=None) -> dict:
    form = MemberFilterForm(request.GET, user=request.user)
    if form.is_valid():
        filters = form.cleaned_data
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
    else:
        # A search the form refuses (an age range upside down) finds nobody, rather than everybody.
        memberships = Membership.objects.none()
    return {
        "form": form,
        "page": paginate(request, memberships),
        "query": query_without(request, "page"),
        "same_name_communes": selectors.same_name_communes(user=request.user),
    }


def _render(request, template: str, context: dict):
    if request.headers.get("HX-Request"):
        # The live search replaces only the results (and, out of band, the filters' error messages).
        return render(request, "members/_results.html", {**context, "live": True})
    return render(request, template, context)


def search(request):
    return _render(request, "members/search.html", _listing(request))


def branch_roll(request, pk: int):
    branch = get_object_or_404(Branch.objects.visible_to(request.user).select_related("area", "organization"), pk=pk)
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=request.user)
    crumbs.append({"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])})
    context = {**_listing(request, branch=branch), "branch": branch, "breadcrumbs": crumbs}
    return _render(request, "members/search.html", context)
