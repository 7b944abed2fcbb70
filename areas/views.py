"""The reorganisations on the page, for administrators: the reform's preview and plan, its run, an event, undo.

The reform is previewed (the dry run of ``plan_reform``), the new commune of each hamlet of
a divided commune chosen in the preview (or read from a plan workbook, or downloaded as
one), and confirmed; the task worker applies it (``tasks.apply_reform_run``) while the run's
page shows its progress. An event's page shows what moved and offers undo while allowed.
"""

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import XLSX_TYPE, attachment

from . import tasks
from .forms import ReformForm
from .models import Reorganization, ReorganizationRun
from .plan_file import plan_workbook, read_plan
from .reform import plan_reform, reform_data, undo_blockers, undo_reorganization

CHOICE_PREFIX = "hamlet-"  # the preview's choice of new commune for a hamlet: hamlet-<code>


def _summary(data: dict) -> dict:
    """The reform's data for the page: per new province, the communes that receive something
    (hamlets, branches, memberships) listed, the others only counted (as the command prints it)."""
    provinces = []
    for province in data.get("new_provinces", []):
        shown = [
            commune
            for commune in province["communes"]
            if commune["branches"] or commune["memberships"] or any(old["hamlets"] for old in commune["receives"])
        ]
        provinces.append({**province, "communes": shown, "empty": len(province["communes"]) - len(shown)})
    return {**data, "new_provinces": provinces}


def _require_admin(user) -> None:
    if not user.sees_everything:
        raise PermissionDenied


def reorganisations(request):
    _require_admin(request.user)
    context = {
        "form": ReformForm(),
        "events": Reorganization.objects.select_related("created_by", "undone_by")[:50],
        "runs": ReorganizationRun.objects.select_related("event")[:10],
    }
    return render(request, "areas/reorganisations.html", context)


def _chosen_plan(request, form) -> tuple[dict[str, str], str, str]:
    """The plan: the uploaded workbook's, then the preview's choices over it (and the file's name and SHA-256)."""
    plan, name, digest = {}, request.POST.get("plan_name", ""), request.POST.get("plan_sha256", "")
    upload = form.cleaned_data.get("plan_file")
    if upload is not None:
        data = upload.read()
        plan, name, digest = read_plan(data), upload.name, hashlib.sha256(data).hexdigest()
    for key, value in request.POST.items():
        if key.startswith(CHOICE_PREFIX) and value:
            plan[key[len(CHOICE_PREFIX) :]] = value
    return plan, name, digest


def _fingerprint(codes: list[str], effective_on, plan: dict) -> str:
    return "|".join([",".join(codes), effective_on.isoformat(), ",".join(f"{k}={v}" for k, v in sorted(plan.items()))])


@require_POST
def reform_preview(request):
    """Preview (again), download the plan, or confirm exactly what the preview showed."""
    _require_admin(request.user)
    form = ReformForm(request.POST, request.FILES)
    result = data = None
    if form.is_valid():
        codes, effective_on = form.province_codes(), form.cleaned_data["effective_on"]
        try:
            plan, name, digest = _chosen_plan(request, form)
            result = plan_reform(effective_on=effective_on, province_codes=codes, plan=plan)
        except ValidationError as error:
            form.add_error(None, error)
    if result is not None:
        plan = {move.hamlet.code: move.new_commune.code for move in result.to_review}
        fingerprint = _fingerprint(codes, effective_on, plan)
        if "download" in request.POST:
            return attachment(plan_workbook(result), XLSX_TYPE, f"plan-{'-'.join(codes)}.xlsx")
        if "apply" in request.POST and request.POST.get("previewed") == fingerprint and not result.nothing_to_do:
            run = ReorganizationRun.objects.create(
                effective_on=effective_on,
                provinces=codes,
                plan=plan,
                plan_name=name[:255],
                plan_sha256=digest,
                created_by=request.user,
            )
            transaction.on_commit(lambda: tasks.apply_reform_run.enqueue(run.pk))
            return redirect("areas:run", pk=run.pk)
        data = _summary(reform_data(result))
    context = {
        "form": form,
        "result": result,
        "data": data,
        "fingerprint": fingerprint if result is not None else "",
        "plan_name": name if result is not None else "",
        "plan_sha256": digest if result is not None else "",
        "choice_prefix": CHOICE_PREFIX,
    }
    return render(request, "areas/reform_preview.html", context)


def _run(request, pk: int) -> ReorganizationRun:
    _require_admin(request.user)
    tasks.fail_stopped_runs()
    return get_object_or_404(ReorganizationRun.objects.select_related("event", "created_by"), pk=pk)


def run_page(request, pk: int):
    run = _run(request, pk)
    if run.event_id is not None:
        return redirect("areas:event", pk=run.event_id)
    return render(request, "areas/run.html", {"run": run})


def run_progress(request, pk: int):
    run = _run(request, pk)
    return JsonResponse(
        {
            "state": run.state,
            "stage": run.progress_stage,
            "done": run.progress_done,
            "total": run.progress_total,
            "percent": run.progress_percent,
            "busy": run.busy,
            "error": run.error,
        }
    )


def event_page(request, pk: int):
    _require_admin(request.user)
    event = get_object_or_404(Reorganization.objects.select_related("created_by", "undone_by"), pk=pk)
    context = {"event": event, "data": _summary(event.summary), "blockers": undo_blockers(event)}
    return render(request, "areas/event.html", context)


@require_POST
def event_undo(request, pk: int):
    _require_admin(request.user)
    event = get_object_or_404(Reorganization, pk=pk)
    try:
        undo_reorganization(event, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The reorganisation was undone: the tree is as it was before it."))
    return redirect("areas:event", pk=event.pk)
