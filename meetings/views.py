"""Meeting pages: the month's overview, a branch's log and roll (printed and downloaded as documents),
a meeting with its cadre visits and their reports."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branches.documents import branch_letterhead
from branches.models import Branch
from cadres.notes import notes_for
from core.downloads import log_download
from core.forms import DateField
from core.models import DownloadKind
from core.navigation import area_breadcrumbs
from core.views import (
    XLSX_TYPE,
    attachment,
    next_month,
    paginate,
    parse_month,
    parse_year,
    query_without,
    require_editor,
    run_service,
)
from members.models import MembershipStatus
from reports.selectors import OFF_DAY, branches_missed_day

from . import exports, selectors, services
from .forms import MeetingForm, RollDateForm, VisitForm
from .models import CadreVisit, Meeting

MEETING_FIELDS = (
    "held_on",
    "kind",
    "chaired_by",
    "members_present",
    "content",
    "second_on_the_day",
    "orientation_discussed",
)


def _branch(request, pk: int) -> Branch:
    return get_object_or_404(
        Branch.objects.visible_to(request.user).select_related("area__parent", "organization"), pk=pk
    )


def _wants_xlsx(request) -> bool:
    """``?format=xlsx`` downloads the page as a document; any other format is not there."""
    output = request.GET.get("format", "")
    if output not in ("", "html", "xlsx"):
        raise Http404
    return output == "xlsx"


def _meeting(request, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("branch__area", "branch__organization"), pk=pk
    )


def _crumbs(branch: Branch, user, meeting: Meeting | None = None) -> list[dict]:
    crumbs = area_breadcrumbs(branch.area, "branches:area", user=user)
    crumbs.append({"label": branch.name, "url": reverse("branches:branch", args=[branch.pk])})
    crumbs.append({"label": _("Meetings"), "url": reverse("meetings:branch_log", args=[branch.pk])})
    if meeting is not None:
        crumbs.append(
            {"label": meeting.held_on.strftime("%d/%m/%Y"), "url": reverse("meetings:meeting", args=[meeting.pk])}
        )
    return crumbs


def overview(request):
    """For a month (by default the last complete one, as on the dashboard): the branches of the
    user's area with no meeting, and visits without a report."""
    last_complete = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    first = parse_month(request.GET.get("month"), default=last_complete)
    end = next_month(first)
    no_meeting = paginate(request, selectors.branches_without_meeting(user=request.user, first=first, end=end))
    no_report = paginate(
        request, selectors.visits_missing_report(user=request.user, first=first, end=end), param="vpage"
    )
    # The regular day, counted as the meetings report counts it (reports.selectors).
    last = end - datetime.timedelta(days=1)
    active = Branch.objects.visible_to(request.user).filter(selectors.active_during(first, end))
    missed = branches_missed_day(branches=active, start=first, end=last, today=timezone.localdate())
    context = {
        "month": first,
        "previous_month": (first - datetime.timedelta(days=1)).replace(day=1),
        "next_month": end,
        "no_meeting": no_meeting,
        "no_report": no_report,
        "off_day": Meeting.objects.visible_to(request.user).filter(OFF_DAY, held_on__range=(first, last)).count(),
        "missed_day": paginate(
            request,
            missed.select_related("organization", "area__parent").order_by(
                "area__path", "organization__sort_order", "name"
            ),
            param="dpage",
        ),
        "month_over": last < timezone.localdate(),
        "query_branches": query_without(request, "page"),
        "query_visits": query_without(request, "vpage"),
        "query_missed": query_without(request, "dpage"),
    }
    return render(request, "meetings/overview.html", context)


def branch_log(request, pk: int):
    branch = _branch(request, pk)
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), default=today.year)
    meetings = list(selectors.branch_meetings(branch=branch, year=year))
    letterhead = branch_letterhead(branch=branch, user=request.user, today=today)
    if _wants_xlsx(request):
        content = exports.meeting_log_xlsx(branch=branch, year=year, meetings=meetings, letterhead=letterhead)
        return attachment(content, XLSX_TYPE, f"meetings-{branch.code}-{year}.xlsx")
    context = {
        "branch": branch,
        "year": year,
        "meetings": meetings,
        "letterhead": letterhead,
        "breadcrumbs": _crumbs(branch, request.user),
    }
    return render(request, "meetings/branch_log.html", context)


@require_GET
def roll_sheet(request, pk: int):
    """The branch's members on a date (today by default), to print or download."""
    branch = _branch(request, pk)
    today = timezone.localdate()
    form = RollDateForm(request.GET)
    on = (form.cleaned_data["on"] if form.is_valid() else None) or today
    periods = list(selectors.branch_roll(branch=branch, on=on))
    counts = selectors.roll_status_counts(branch=branch, on=on)
    letterhead = branch_letterhead(branch=branch, user=request.user, today=today)
    if _wants_xlsx(request):
        content = exports.roll_xlsx(branch=branch, on=on, periods=periods, counts=counts, letterhead=letterhead)
        file_name = f"roll-{branch.code}-{on.isoformat()}.xlsx"
        log_download(
            request=request,
            kind=DownloadKind.ROLL,
            file_name=file_name,
            rows=len(periods),
            filters={"branch": branch.code, "on": on},
            area=branch.area,
        )
        return attachment(content, XLSX_TYPE, file_name)
    crumbs = _crumbs(branch, request.user)[:-1]
    crumbs.append({"label": _("Roll"), "url": reverse("meetings:roll_sheet", args=[branch.pk])})
    context = {
        "branch": branch,
        "form": form,
        "on": on,
        "periods": periods,
        "counts": [(status.label, counts.get(status.value, 0)) for status in MembershipStatus],
        "total": sum(counts.values()),
        "place": exports.branch_place(branch),
        "letterhead": letterhead,
        "breadcrumbs": crumbs,
    }
    return render(request, "meetings/roll_sheet.html", context)


def meeting_add(request, pk: int):
    branch = _branch(request, pk)
    require_editor(request.user)
    form = MeetingForm(request.POST or None, instance=Meeting(branch=branch))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in MEETING_FIELDS}
        meeting = run_service(form, lambda: services.log_meeting(branch=branch, **values))
        if meeting is not None:
            messages.success(
                request, _("The meeting of %(date)s was logged.") % {"date": meeting.held_on.strftime("%d/%m/%Y")}
            )
            return redirect("meetings:meeting", pk=meeting.pk)
    title = _("Log a meeting of %(branch)s") % {"branch": branch}
    return _meeting_form(request, form, title, branch, _crumbs(branch, request.user))


def _meeting_form(request, form, title: str, branch: Branch, crumbs: list[dict]):
    roll_url = reverse("meetings:roll", args=[branch.pk])
    context = {
        "form": form,
        "title": title,
        "breadcrumbs": crumbs,
        "roll_url": roll_url,
        # The orientation notes of the month of the date typed (or today's), to discuss at the meeting.
        "notes": list(notes_for(branch, form.month)),
        "notes_month": form.month,
    }
    return render(request, "meetings/meeting_form.html", context)


@require_GET
def roll(request, pk: int):
    """The branch's roll on the date typed in the meeting form (an htmx fragment)."""
    branch = _branch(request, pk)
    field = DateField(required=False)
    try:
        on = field.clean(request.GET.get("held_on", ""))
    except ValidationError:
        on = None
    count = services.roll_count(branch=branch, on=on) if on else 0
    return render(request, "meetings/roll.html", {"on": on, "count": count})


def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "visits": list(meeting.visits.order_by("pk")),
        "notes": list(notes_for(meeting.branch, meeting.held_on)),
        "breadcrumbs": _crumbs(meeting.branch, request.user, meeting),
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk)
    require_editor(request.user)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in MEETING_FIELDS}
        saved = run_service(
            form, lambda: services.update_meeting(meeting=meeting, expected_version=form.expected_version, **values)
        )
        if saved is not None:
            messages.success(
                request, _("The meeting of %(date)s was saved.") % {"date": saved.held_on.strftime("%d/%m/%Y")}
            )
            return redirect("meetings:meeting", pk=saved.pk)
    title = _("Change the meeting of %(date)s") % {"date": meeting.held_on.strftime("%d/%m/%Y")}
    return _meeting_form(request, form, title, meeting.branch, _crumbs(meeting.branch, request.user, meeting))


def visit_add(request, pk: int):
    meeting = _meeting(request, pk)
    require_editor(request.user)
    form = VisitForm(request.POST or None, instance=CadreVisit(meeting=meeting))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("cadre", *services.VISIT_FIELDS)}
        visit = run_service(form, lambda: services.add_visit(meeting=meeting, **values))
        if visit is not None:
            messages.success(request, _("The visit of %(cadre)s was recorded.") % {"cadre": visit.cadre_name})
            return redirect("meetings:meeting", pk=meeting.pk)
    title = _("A cadre's visit to the meeting of %(date)s") % {"date": meeting.held_on.strftime("%d/%m/%Y")}
    crumbs = _crumbs(meeting.branch, request.user, meeting)
    return render(request, "meetings/form.html", {"form": form, "title": title, "breadcrumbs": crumbs})


def visit_edit(request, pk: int):
    visit = get_object_or_404(
        CadreVisit.objects.visible_to(request.user).select_related("meeting__branch__area"), pk=pk
    )
    require_editor(request.user)
    meeting = visit.meeting
    form = VisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.VISIT_FIELDS}
        saved = run_service(
            form, lambda: services.update_visit(visit=visit, expected_version=form.expected_version, **values)
        )
        if saved is not None:
            messages.success(request, _("The report of %(cadre)s was saved.") % {"cadre": saved.cadre_name})
            return redirect("meetings:meeting", pk=meeting.pk)
    title = _("Report of %(cadre)s on the meeting of %(date)s") % {
        "cadre": visit.cadre_name,
        "date": meeting.held_on.strftime("%d/%m/%Y"),
    }
    crumbs = _crumbs(meeting.branch, request.user, meeting)
    return render(request, "meetings/form.html", {"form": form, "title": title, "breadcrumbs": crumbs})
