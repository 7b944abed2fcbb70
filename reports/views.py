"""The report pages, their downloads, and the dashboard every user lands on.

Views are thin: the form resolves the area (404 outside the user's scope) and the
period, a selector computes the report in a fixed number of queries, and the page,
the .xlsx or the CSV draws it.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from areas.models import Area
from areas.selectors import ancestors_on, holder_now, predecessors
from branches import documents
from cadres.models import Cadre
from cadres.selectors import coming_in_area
from core.navigation import area_breadcrumbs
from core.views import XLSX_TYPE, attachment, query_without

from . import headlines
from .charts import chart_for
from .exports import download_name, report_csv, report_xlsx
from .forms import FORMS, resolve_area
from .labels import DESCRIPTIONS, KINDS, TITLES, organization_label, period_label, report_title
from .tables import report_table

# The branches without a meeting listed on the meetings page; the count shows the rest.
WITHOUT_MEETING_LIMIT = 100
CARRIED_OVER = ("area", "format")  # parameters a link to another area or format replaces


@require_GET
def index(request):
    area = resolve_area(request.user, request.GET.get("area"))
    reports = [
        {
            "kind": kind,
            "title": TITLES[kind],
            "description": DESCRIPTIONS[kind],
            "url": _report_url(kind, area),
        }
        for kind in KINDS
    ]
    return render(request, "reports/index.html", {"reports": reports, "area": area})


def _report_url(kind: str, area, query: str = "") -> str:
    url = reverse(f"reports:{kind}", kwargs={"key": area.key}) if area else reverse(f"reports:{kind}")
    return f"{url}?{query}" if query else url


@require_GET
def report_page(request, kind: str, key: str | None = None):
    form = FORMS[kind](request.GET, user=request.user, area_key=key)
    output = request.GET.get("format", "")
    if output not in ("", "html", "xlsx", "csv"):
        raise Http404
    area = form.area
    carry_query = query_without(request, *CARRIED_OVER)
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "form": form,
        "area": area,
        "url_name": f"reports:{kind}",
        "carry_query": carry_query,
        "breadcrumbs": _breadcrumbs(request, kind, area, carry_query) if area else [],
    }
    if area is None or not form.is_valid():
        return render(request, f"reports/{kind}.html", context)

    report = form.report()
    # The rows follow the tree of the units' day: so do the breadcrumbs and the links to other units.
    area = report.area
    context.update(
        area=area,
        breadcrumbs=_breadcrumbs(request, kind, area, carry_query, ancestors=ancestors_on(area, report.units.on)),
        other_units=_other_units(request.user, area, report, kind, carry_query),
    )
    if output == "csv":
        return attachment(report_csv(report).encode("utf-8"), "text/csv; charset=utf-8", download_name(report, "csv"))
    if output == "xlsx":
        return attachment(report_xlsx(report, user=request.user), XLSX_TYPE, download_name(report, "xlsx"))

    context.update(
        report=report,
        table=report_table(report, total_label=_("Total")),
        chart=chart_for(report),
        period=period_label(report),
        organization=organization_label(report),
        heading=report_title(report),
        letterhead=documents.letterhead(
            area=area, organization=report.organization, user=request.user, today=timezone.localdate()
        ),
    )
    if kind == "meetings":
        without = report.extra["branches_without_meeting"].select_related("area__parent")
        context["branches_without_meeting"] = without[:WITHOUT_MEETING_LIMIT]
        context["without_meeting_more"] = max(0, report.total["without_meeting"] - WITHOUT_MEETING_LIMIT)
        context["branches_missed_day"] = report.extra["branches_missed_day"][:WITHOUT_MEETING_LIMIT]
        context["missed_day_more"] = max(0, report.total["missed_day"] - WITHOUT_MEETING_LIMIT)
    if kind == "cadres":
        context["unassigned"] = report.extra["unassigned"][:WITHOUT_MEETING_LIMIT]
        context["unassigned_more"] = max(0, report.total["unassigned"] - WITHOUT_MEETING_LIMIT)
        context["overdue"] = report.extra["overdue"][:WITHOUT_MEETING_LIMIT]
    return render(request, f"reports/{kind}.html", context)


def _breadcrumbs(request, kind: str, area, query: str, ancestors=None) -> list[dict]:
    """The area's ancestors within the user's scope, each a link to the same report and period."""
    crumbs = [{"label": _("Reports"), "url": reverse("reports:index")}]
    for crumb in area_breadcrumbs(area, f"reports:{kind}", user=request.user, ancestors=ancestors):
        crumbs.append({"label": crumb["label"], "url": f"{crumb['url']}?{query}" if query else crumb["url"]})
    return crumbs


def _other_units(user, area, report, kind: str, query: str) -> dict:
    """Links to the same report in the units before or after a reorganisation, those the user sees."""
    candidates = predecessors(area) if area.valid_from else []
    later = holder_now(area)
    visible = set(
        Area.objects.visible_to(user)
        .filter(pk__in=[a.pk for a in [*candidates, later] if a is not None])
        .values_list("pk", flat=True)
    )
    earlier = [old for old in candidates if old.pk in visible]
    later = later if later is not None and later.pk in visible else None
    return {
        "recast": report.recast,
        "units_on": report.units.on,
        "earlier": [{"area": old, "url": _report_url(kind, old, query)} for old in earlier],
        "later": {"area": later, "url": _report_url(kind, later, query)} if later else None,
    }


@require_GET
def dashboard(request):
    area = resolve_area(request.user, request.GET.get("area"))
    context = {"area": area}
    if area is not None:
        today = timezone.localdate()
        figures = headlines.headline_figures(area, today=today)
        context.update(figures=figures, links=headlines.links(area, figures))
        cadre = Cadre.objects.filter(user=request.user).first() if request.user.is_cadre else None
        context["coming"] = coming_in_area(area=area, today=today, cadre=cadre)
    return render(request, "reports/dashboard.html", context)
