"""Branches of one organization merged into one from a date: choose, preview the members moving, confirm."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branches.models import Branch
from core.navigation import area_breadcrumbs
from core.views import confirms_preview, require_editor, run_service

from ..forms import BranchMergeForm
from ..merge import merge_branches, plan_branch_merge


def branch_merge(request, pk: int):
    into = get_object_or_404(Branch.objects.visible_to(request.user).select_related("area", "organization"), pk=pk)
    require_editor(request.user)
    if into.dissolved_on is not None:
        messages.error(request, _("A dissolved branch takes no members; merge into a branch that remains."))
        return redirect("branches:branch", pk=into.pk)
    form = BranchMergeForm(request.POST or None, into=into, user=request.user)
    plan = None
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        branches, on = list(fields["branches"]), fields["effective_on"]
        plan = run_service(form, lambda: plan_branch_merge(into=into, branches=branches, effective_on=on))
        if plan is not None and confirms_preview(request, form):
            done = run_service(form, lambda: merge_branches(into=into, branches=branches, effective_on=on))
            if done is not None:
                count = len(done.memberships)
                messages.success(
                    request,
                    ngettext(
                        "The branches were merged: %(count)d member transferred on %(date)s.",
                        "The branches were merged: %(count)d members transferred on %(date)s.",
                        count,
                    )
                    % {"count": count, "date": on.strftime("%d/%m/%Y")},
                )
                return redirect("branches:branch", pk=into.pk)
    crumbs = area_breadcrumbs(into.area, "branches:area", user=request.user)
    crumbs.append({"label": into.name, "url": reverse("branches:branch", args=[into.pk])})
    context = {
        "form": form,
        "into": into,
        "cancel_url": reverse("branches:branch", args=[into.pk]),
        "plan": plan,
        "preview": plan.data() if plan is not None else None,
        "fingerprint": form.fingerprint() if plan is not None else "",
        "title": _("Merge branches into %(branch)s") % {"branch": into},
        "breadcrumbs": crumbs,
    }
    return render(request, "members/branch_merge.html", context)
