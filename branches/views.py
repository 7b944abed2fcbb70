"""Area and branch pages: browse the area tree down to a branch, add and change hamlets, branches, officers."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from areas import services as area_services
from areas.merge import merge_hamlets, plan_hamlet_merge
from areas.models import Area, AreaLevel
from areas.plan_file import read_split_plan
from areas.selectors import default_successors, ended_message, holder_now, predecessors
from areas.split import plan_hamlet_split, split_hamlet
from core import panels
from core.navigation import area_breadcrumbs
from core.views import confirms_preview, require_editor, run_service

from . import selectors, services
from .forms import BranchForm, HamletForm, HamletMergeForm, HamletSplitForm, OfficerForm
from .models import Branch, Officer

# Where hamlets are merged: a commune's, or a (pre-2025) district's across its communes.
MERGES_HAMLETS = (AreaLevel.DISTRICT, AreaLevel.COMMUNE)


def _area(request, key: str) -> Area:
    return get_object_or_404(Area.objects.visible_to(request.user), key=key)


def _branch(request, pk: int) -> Branch:
    return get_object_or_404(
        Branch.objects.visible_to(request.user).select_related("organization", "area", "merged_into"), pk=pk
    )


def _branch_crumbs(branch: Branch, user, *extra: dict) -> list[dict]:
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=user)
    crumbs.append({"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])})
    return crumbs + list(extra)


def browse(request):
    """The user's own area; an administrator without one starts from the provinces."""
    if request.user.area_id is not None:
        return redirect("branches:area", key=request.user.area.key)
    provinces = Area.objects.visible_to(request.user).filter(level=AreaLevel.PROVINCE).order_by("name")
    return render(request, "branches/browse.html", {"provinces": provinces})


def area_detail(request, key: str):
    area = _area(request, key)
    # In code order, as the reports list them.
    children = list(selectors.child_areas(area=area, user=request.user))
    context = {
        "area": area,
        "children": children,
        "totals": {
            "branches": sum(child.branch_count for child in children),
            "members": sum(child.member_count for child in children),
        },
        "branches": list(selectors.branches_of(area=area, user=request.user)),
        "breadcrumbs": area_breadcrumbs(area, "branches:area", user=request.user),
        "may_add_hamlet": area.level == AreaLevel.COMMUNE and request.user.can_edit and area.valid_to is None,
        "may_add_branch": area.level in (AreaLevel.COMMUNE, AreaLevel.HAMLET)
        and request.user.can_edit
        and area.valid_to is None,
        "may_merge_hamlets": area.level in MERGES_HAMLETS and request.user.can_edit and area.valid_to is None,
        "holder": holder_now(area),
        "predecessors": predecessors(area),
        "ended": ended_message(area, default_successors([area]).get(area.pk)) if area.valid_to else "",
        "current_year": timezone.localdate().year,
        "book_sections": panels.sections("area", area=area, user=request.user),
    }
    return render(request, "branches/area_detail.html", context)


def branch_detail(request, pk: int):
    branch = _branch(request, pk)
    today = timezone.localdate()
    officers = list(selectors.branch_officers(branch))
    context = {
        "branch": branch,
        # In office today (or from a later day) apart from those whose term is over.
        "current_officers": [o for o in officers if o.end_on is None or o.end_on >= today],
        "past_officers": [o for o in officers if o.end_on is not None and o.end_on < today],
        "status_counts": selectors.branch_status_counts(branch),
        "meetings": list(selectors.branch_recent_meetings(branch, today=today)),
        "ratings": list(selectors.branch_ratings(branch)),
        "placements": list(selectors.branch_placements(branch)),
        "merged_branches": list(branch.merged_branches.order_by("code")),
        "breadcrumbs": _branch_crumbs(branch, request.user),
        "book_sections": panels.sections("branch", branch=branch, user=request.user),
    }
    return render(request, "branches/branch_detail.html", context)


def hamlet_add(request, key: str):
    commune = _area(request, key)
    require_editor(request.user)
    if commune.level != AreaLevel.COMMUNE:
        messages.error(request, _("Hamlets are added to a commune."))
        return redirect("branches:area", key=commune.key)
    form = HamletForm(request.POST or None, instance=Area(parent=commune, level=AreaLevel.HAMLET))
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        hamlet = run_service(
            form,
            lambda: area_services.create_hamlet(
                commune=commune, code=fields["code"], name=fields["name"], unit_type=fields["unit_type"]
            ),
        )
        if hamlet is not None:
            messages.success(request, _("%(area)s was added.") % {"area": hamlet})
            return redirect("branches:area", key=hamlet.key)
    crumbs = area_breadcrumbs(commune, "branches:area", user=request.user)
    return render(
        request,
        "branches/form.html",
        {"form": form, "title": _("Add a hamlet to %(area)s") % {"area": commune}, "breadcrumbs": crumbs},
    )


def hamlet_edit(request, key: str):
    hamlet = _area(request, key)
    require_editor(request.user)
    if hamlet.level != AreaLevel.HAMLET:
        messages.error(request, _("Only hamlets are changed here; official units come from the statistics office."))
        return redirect("branches:area", key=hamlet.key)
    form = HamletForm(request.POST or None, instance=hamlet)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: area_services.update_hamlet(
                hamlet=hamlet,
                expected_version=form.expected_version,
                code=fields["code"],
                name=fields["name"],
                unit_type=fields["unit_type"],
            ),
        )
        if saved is not None:
            messages.success(request, _("%(area)s was saved.") % {"area": saved})
            return redirect("branches:area", key=saved.key)
    crumbs = area_breadcrumbs(hamlet, "branches:area", user=request.user)
    return render(
        request,
        "branches/form.html",
        {"form": form, "title": _("Change %(area)s") % {"area": hamlet}, "breadcrumbs": crumbs},
    )


def branch_add(request, key: str):
    area = _area(request, key)
    require_editor(request.user)
    form = BranchForm(request.POST or None, instance=Branch(area=area))
    if request.method == "POST" and form.is_valid():
        branch = run_service(form, lambda: services.create_branch(area=area, **form.cleaned_data))
        if branch is not None:
            messages.success(request, _("%(branch)s was added.") % {"branch": branch})
            return redirect("branches:branch", pk=branch.pk)
    crumbs = area_breadcrumbs(area, "branches:area", user=request.user)
    return render(
        request,
        "branches/form.html",
        {"form": form, "title": _("Add a branch in %(area)s") % {"area": area}, "breadcrumbs": crumbs},
    )


def branch_edit(request, pk: int):
    branch = _branch(request, pk)
    require_editor(request.user)
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name not in ("version", "organization")}
        saved = run_service(
            form, lambda: services.update_branch(branch=branch, expected_version=form.expected_version, **values)
        )
        if saved is not None:
            messages.success(request, _("%(branch)s was saved.") % {"branch": saved})
            return redirect("branches:branch", pk=saved.pk)
    return render(
        request,
        "branches/form.html",
        {
            "form": form,
            "title": _("Change %(branch)s") % {"branch": branch},
            "breadcrumbs": _branch_crumbs(branch, request.user),
        },
    )


def officer_add(request, pk: int):
    branch = _branch(request, pk)
    require_editor(request.user)
    form = OfficerForm(request.POST or None, instance=Officer(branch=branch), branch=branch, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        officer = run_service(
            form,
            lambda: services.create_officer(
                branch=branch,
                person=fields["person"],
                role=fields["role"],
                start_on=fields["start_on"],
                end_on=fields["end_on"],
            ),
        )
        if officer is not None:
            messages.success(request, _("%(officer)s was added.") % {"officer": officer})
            return redirect("branches:branch", pk=branch.pk)
    return render(
        request,
        "branches/form.html",
        {
            "form": form,
            "title": _("Add an officer to %(branch)s") % {"branch": branch},
            "breadcrumbs": _branch_crumbs(branch, request.user),
        },
    )


def officer_edit(request, pk: int):
    officer = get_object_or_404(
        Officer.objects.visible_to(request.user).select_related("branch__area", "person"), pk=pk
    )
    require_editor(request.user)
    branch = officer.branch
    form = OfficerForm(request.POST or None, instance=officer, branch=branch, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.update_officer(
                officer=officer,
                expected_version=form.expected_version,
                role=fields["role"],
                start_on=fields["start_on"],
                end_on=fields["end_on"],
            ),
        )
        if saved is not None:
            messages.success(request, _("%(officer)s was saved.") % {"officer": saved})
            return redirect("branches:branch", pk=branch.pk)
    return render(
        request,
        "branches/form.html",
        {
            "form": form,
            "title": _("Change %(officer)s") % {"officer": officer},
            "breadcrumbs": _branch_crumbs(branch, request.user),
        },
    )


def hamlet_merge(request, key: str):
    """Hamlets of the area merged into one from a date: choose, preview what moves, confirm."""
    area = _area(request, key)
    require_editor(request.user)
    if area.level not in MERGES_HAMLETS or area.valid_to is not None:
        messages.error(request, _("Hamlets are merged from the page of a commune in force."))
        return redirect("branches:area", key=area.key)
    form = HamletMergeForm(request.POST or None, area=area, user=request.user)
    plan = None
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        plan = run_service(
            form,
            lambda: plan_hamlet_merge(
                into=fields["into"], hamlets=list(fields["hamlets"]), effective_on=fields["effective_on"]
            ),
        )
        if plan is not None and confirms_preview(request, form):
            event = run_service(form, lambda: merge_hamlets(plan=plan, user=request.user))
            if event is not None:
                messages.success(
                    request,
                    _("The hamlets were merged into %(area)s from %(date)s.")
                    % {"area": plan.into, "date": plan.effective_on.strftime("%d/%m/%Y")},
                )
                return redirect("branches:area", key=plan.into.key)
    context = {
        "form": form,
        "area": area,
        "cancel_url": reverse("branches:area", args=[area.key]),
        "preview": plan.data() if plan is not None else None,
        "fingerprint": form.fingerprint() if plan is not None else "",
        "title": _("Merge hamlets of %(area)s") % {"area": area},
        "breadcrumbs": area_breadcrumbs(area, "branches:area", user=request.user),
    }
    return render(request, "branches/hamlet_merge.html", context)


SPLIT_SALT = "branches.hamlet_split"  # the preview's signed copy of the plan it read


def _split_plan(request, form) -> dict:
    """The plan: the workbook uploaded now, else the one the preview read (signed, so not forged)."""
    upload = form.cleaned_data.get("plan_file")
    if upload is not None:
        names, branches = read_split_plan(upload.read())
        return {"names": names, "branches": branches}
    try:
        return signing.loads(request.POST.get("previewed", ""), salt=SPLIT_SALT)
    except signing.BadSignature:
        raise ValidationError(_("Choose the plan workbook.")) from None


def hamlet_split(request, key: str):
    """A hamlet split into new hamlets from a date, its branches where the plan workbook says."""
    hamlet = _area(request, key)
    require_editor(request.user)
    if hamlet.level != AreaLevel.HAMLET or hamlet.valid_to is not None:
        messages.error(request, _("Only a hamlet in force is split."))
        return redirect("branches:area", key=hamlet.key)
    form = HamletSplitForm(request.POST or None, request.FILES or None)
    plan, token = None, ""
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["effective_on"]
        try:
            chosen = _split_plan(request, form)
            plan = plan_hamlet_split(
                hamlet=hamlet, effective_on=on, names=chosen["names"], branches=chosen["branches"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        if plan is not None:
            token = signing.dumps({**chosen, "on": on.isoformat()}, salt=SPLIT_SALT)
            previewed = request.POST.get("previewed", "")
            confirmed = "confirm" in request.POST and form.cleaned_data.get("plan_file") is None
            if confirmed and signing.loads(previewed, salt=SPLIT_SALT).get("on") == on.isoformat():
                event = run_service(form, lambda: split_hamlet(plan=plan, user=request.user))
                if event is not None:
                    messages.success(
                        request,
                        _("%(area)s was split from %(date)s.") % {"area": hamlet, "date": on.strftime("%d/%m/%Y")},
                    )
                    return redirect("branches:area", key=hamlet.parent.key)
    context = {
        "form": form,
        "area": hamlet,
        "cancel_url": reverse("branches:area", args=[hamlet.key]),
        "preview": plan.data() if plan is not None else None,
        "fingerprint": token,
        "title": _("Split %(area)s") % {"area": hamlet},
        "breadcrumbs": area_breadcrumbs(hamlet, "branches:area", user=request.user),
    }
    return render(request, "branches/hamlet_split.html", context)
