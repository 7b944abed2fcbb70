"""Cadre duty pages: the cadres of a unit and their assignments (staff and provincial officers,
inside their area), and a cadre's own page — their branches, the meetings to come, the
orientation notes, the reports they owe — from which they file their visit reports."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.views import paginate, require_director, run_service
from meetings import services as meeting_services
from meetings.models import CadreVisit

from . import notes, selectors, services
from .forms import AssignmentForm, CadreForm, EndAssignmentForm, VisitReportForm
from .models import Assignment, Cadre

# How far back a cadre's page lists the meetings they may still report on.
OWED_DAYS = 92


def _cadre(request, pk: int) -> Cadre:
    return get_object_or_404(Cadre.objects.visible_to(request.user).select_related("area", "user"), pk=pk)


def _crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Cadres"), "url": reverse("cadres:list")}, *extra]


def cadre_list(request):
    cadres = Cadre.objects.visible_to(request.user).select_related("area", "user").order_by("area__path", "name")
    return render(
        request,
        "cadres/list.html",
        {"page": paginate(request, cadres), "can_direct": request.user.can_direct, "breadcrumbs": _crumbs()},
    )


def cadre_add(request):
    require_director(request.user)
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("name", "position", "level", "area", "user")}
        cadre = run_service(form, lambda: services.add_cadre(**values))
        if cadre is not None:
            messages.success(request, _("%(cadre)s was added.") % {"cadre": cadre.name})
            return redirect("cadres:cadre", pk=cadre.pk)
    return render(
        request, "includes/simple_form.html", {"form": form, "title": _("Add a cadre"), "breadcrumbs": _crumbs()}
    )


def cadre_edit(request, pk: int):
    cadre = _cadre(request, pk)
    require_director(request.user)
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("name", "position", "level", "area", "user")}
        saved = run_service(
            form, lambda: services.update_cadre(cadre=cadre, expected_version=form.expected_version, **values)
        )
        if saved is not None:
            messages.success(request, _("%(cadre)s was saved.") % {"cadre": saved.name})
            return redirect("cadres:cadre", pk=cadre.pk)
    crumbs = _crumbs({"label": cadre.name, "url": reverse("cadres:cadre", args=[cadre.pk])})
    return render(request, "includes/simple_form.html", {"form": form, "title": cadre.name, "breadcrumbs": crumbs})


def cadre_detail(request, pk: int):
    cadre = _cadre(request, pk)
    # Only the assignments to branches the user sees: a commune's staff see the province's cadre
    # only through the assignments in their commune, and not at all here (404 above).
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(cadre=cadre)
        .select_related("branch__area", "branch__organization")
        .order_by("-start_on", "branch__name")
    )
    today = timezone.localdate()
    context = {
        "cadre": cadre,
        "assignments": assignments,
        "today": today,
        "can_direct": request.user.can_direct,
        "overdue": selectors.overdue_visits(
            visits=CadreVisit.objects.visible_to(request.user).filter(cadre=cadre), today=today
        ),
        "breadcrumbs": _crumbs({"label": cadre.name, "url": ""}),
    }
    return render(request, "cadres/cadre_detail.html", context)


def assignment_add(request, pk: int):
    cadre = _cadre(request, pk)
    require_director(request.user)
    form = AssignmentForm(
        request.POST or None, cadre=cadre, user=request.user, initial={"start_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.ASSIGNMENT_FIELDS}
        assignment = run_service(form, lambda: services.assign(cadre=cadre, **values))
        if assignment is not None:
            messages.success(
                request,
                _("%(cadre)s is assigned to %(branch)s.") % {"cadre": cadre.name, "branch": assignment.branch.name},
            )
            return redirect("cadres:cadre", pk=cadre.pk)
    crumbs = _crumbs({"label": cadre.name, "url": reverse("cadres:cadre", args=[cadre.pk])})
    title = _("Assign %(cadre)s to a branch") % {"cadre": cadre.name}
    return render(request, "includes/simple_form.html", {"form": form, "title": title, "breadcrumbs": crumbs})


def assignment_end(request, pk: int):
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("cadre", "branch"), pk=pk
    )
    require_director(request.user)
    if not Cadre.objects.visible_to(request.user).filter(pk=assignment.cadre_id).exists():
        raise PermissionDenied  # another unit's cadre: their own unit ends it
    form = EndAssignmentForm(
        request.POST or None, initial={"end_on": timezone.localdate(), "version": assignment.version}
    )
    if request.method == "POST" and form.is_valid():
        ended = run_service(
            form,
            lambda: services.end_assignment(
                assignment=assignment, end_on=form.cleaned_data["end_on"], expected_version=form.expected_version
            ),
        )
        if ended is not None:
            messages.success(
                request,
                _("The assignment to %(branch)s ends on %(date)s.")
                % {"branch": assignment.branch.name, "date": ended.end_on.strftime("%d/%m/%Y")},
            )
            return redirect("cadres:cadre", pk=assignment.cadre_id)
    crumbs = _crumbs({"label": assignment.cadre.name, "url": reverse("cadres:cadre", args=[assignment.cadre_id])})
    title = _("End the assignment of %(cadre)s to %(branch)s") % {
        "cadre": assignment.cadre.name,
        "branch": assignment.branch.name,
    }
    return render(request, "includes/simple_form.html", {"form": form, "title": title, "breadcrumbs": crumbs})


def _own_cadre(request) -> Cadre:
    cadre = Cadre.objects.filter(user=request.user).select_related("area").first()
    if cadre is None:
        raise PermissionDenied
    return cadre


def my_duty(request):
    """The logged-in cadre's page: their branches, this month's meetings to come, the month's
    orientation notes, and the meetings they may still report on (newest first, overdue ones marked)."""
    cadre = _own_cadre(request)
    today = timezone.localdate()
    current = list(
        selectors.assignments_on(day=today)
        .filter(cadre=cadre)
        .select_related("branch__area", "branch__organization")
        .order_by("branch__name")
    )
    owed = list(selectors.meetings_owed(cadre=cadre, today=today, since=today - datetime.timedelta(days=OWED_DAYS)))
    for meeting in owed:
        meeting.overdue = services.overdue(meeting, today)  # its annotations: the cadre's visit's dates
    context = {
        "cadre": cadre,
        "assignments": current,
        "coming": selectors.coming_meetings(assignments=current, today=today),
        "owed": owed,
        "notes": notes.notes_for_branches([a.branch for a in current], today),
        "today": today,
        "breadcrumbs": [{"label": _("My duty"), "url": ""}],
    }
    return render(request, "cadres/my_duty.html", context)


def my_report(request, pk: int):
    """The cadre's report on a meeting of a branch they were assigned to that day."""
    cadre = _own_cadre(request)
    today = timezone.localdate()
    meeting = get_object_or_404(selectors.meetings_owed(cadre=cadre, today=today, since=datetime.date.min), pk=pk)
    visit = CadreVisit.objects.filter(meeting=meeting, cadre=cadre).first()
    form = VisitReportForm(request.POST or None, instance=visit or CadreVisit(meeting=meeting, cadre=cadre))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in meeting_services.REPORT_FIELDS}
        saved = run_service(
            form,
            lambda: meeting_services.file_visit_report(
                cadre=cadre, meeting=meeting, expected_version=form.expected_version, **values
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Your report on the meeting of %(date)s was filed.")
                % {"date": meeting.held_on.strftime("%d/%m/%Y")},
            )
            return redirect("cadres:mine")
    title = _("My report on the meeting of %(branch)s on %(date)s") % {
        "branch": meeting.branch.name,
        "date": meeting.held_on.strftime("%d/%m/%Y"),
    }
    crumbs = [{"label": _("My duty"), "url": reverse("cadres:mine")}, {"label": title, "url": ""}]
    return render(
        request,
        "cadres/report_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "meeting": meeting,
            "cancel_url": reverse("cadres:mine"),
        },
    )
