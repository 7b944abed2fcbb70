"""Pages for imports and exports. Each view checks the role, reads through selectors and writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.body_limit import accepts_body
from core.downloads import Counted, log_download
from core.models import DownloadKind

from . import selectors, services, templates, undo
from .forms import ExportForm, UploadForm
from .kinds.fees import payments_for_export
from .models import BatchState, ImportKind
from .personal import PERSONAL_KINDS
from .plan import Outcome
from .readers import max_upload_size

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_KINDS = (ImportKind.BRANCHES, ImportKind.MEMBERS, ImportKind.FEES)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _batch(request, pk):
    return get_object_or_404(selectors.batches_for(request.user), pk=pk)


# What a multipart body adds to the file: boundaries, part headers, the kind and the CSRF token.
UPLOAD_OVERHEAD = 64 * 1024


def upload_body_limit() -> int:
    return max_upload_size() + UPLOAD_OVERHEAD


def upload_too_large(request, size: int):
    """An upload refused unread (``core.body_limit``): the import page again, saying why."""
    messages.error(
        request,
        _("The file is %(size)s; the largest workbook accepted is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_size())},
    )
    return redirect("workbooks:import")


def asked_kind(request) -> str | None:
    """The kind a link asks the upload form for (``?kind=members``), if it is one."""
    kind = request.GET.get("kind")
    return kind if kind in ImportKind.values else None


def render_import_page(request, *, form: UploadForm, export_form: ExportForm | None = None, status: int = 200):
    services.fail_stopped_imports()  # the list shows an import whose worker was stopped as failed
    context = {
        "form": form,
        "export_form": export_form or ExportForm(user=request.user, today=timezone.localdate()),
        "may_import": request.user.can_edit,
        "kinds": ImportKind.choices,
        "export_kinds": [(kind, ImportKind(kind).label) for kind in EXPORT_KINDS],
        "batches": selectors.batches_for(request.user)[:20],
        "breadcrumbs": [{"label": _("Excel import"), "url": ""}],
    }
    return render(request, "workbooks/import.html", context, status=status)


@accepts_body(upload_body_limit, refuse=upload_too_large)
def import_page(request):
    if request.method == "POST":
        if not request.user.can_edit:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES, focus_file=True)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            batch = services.create_batch(
                kind=form.cleaned_data["kind"], user=request.user, file_name=upload.name, data=upload.read()
            )
            services.start_preview(batch=batch)
            return redirect("workbooks:batch", pk=batch.pk)
    else:
        kind = asked_kind(request)
        form = UploadForm(initial={"kind": kind or ImportKind.MEMBERS}, focus_file=kind is not None)
    return render_import_page(request, form=form)


def batch_page(request, pk):
    services.fail_stopped_imports()  # a batch whose worker was stopped shows as failed, not busy forever
    batch = _batch(request, pk)
    status = request.GET.get("status") if request.GET.get("status") in Outcome.values else None
    # Whoever sees a batch holds its area: if they may change data there, they may see its people's numbers.
    personal = request.user.can_edit
    page = (
        selectors.outcome_page(batch, personal=personal, page=request.GET.get("page", 1), status=status)
        if batch.rows
        else None
    )
    # Only the uploader confirms or discards a preview (services.check_may_confirm).
    uploader = request.user.can_edit and batch.created_by_id == request.user.pk
    refused = batch.state == BatchState.PREVIEWED and bool(batch.refused_count)
    failed = batch.state == BatchState.FAILED
    context = {
        "batch": batch,
        "refused": refused,
        "failed": failed,
        # A refused or unreadable file: one click back to the upload form, the same kind chosen.
        "upload_again": request.user.can_edit and (refused or failed),
        "page": page,
        "status": status,
        "statuses": Outcome.choices,
        "may_confirm": batch.state == BatchState.PREVIEWED and not batch.refused_count and uploader,
        "may_discard": batch.state == BatchState.PREVIEWED and uploader,
        "may_undo": batch.state == BatchState.IMPORTED and request.user.sees_everything,
        "breadcrumbs": [
            {"label": _("Excel import"), "url": reverse("workbooks:import")},
            {"label": str(batch), "url": ""},
        ],
    }
    return render(request, "workbooks/batch.html", context)


@require_GET
def batch_progress(request, pk):
    services.fail_stopped_imports()
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.get_state_display(),
            "stage": batch.progress_stage,
            "done": batch.progress_done,
            "total": batch.progress_total,
            "percent": batch.progress_percent,
            "busy": batch.busy,
            "error": batch.error,
        }
    )


@require_POST
def batch_confirm(request, pk):
    """A batch outside the user's area answers 404; one inside it that someone else uploaded, 403."""
    batch = _batch(request, pk)
    if not request.user.can_edit:
        raise PermissionDenied
    try:
        background = services.start_confirm(batch=batch, user=request.user)
    except (ValidationError, services.StalePreview) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
    else:
        if not background:
            messages.success(request, _("The workbook was imported."))
    return redirect("workbooks:batch", pk=batch.pk)


@require_POST
def batch_discard(request, pk):
    batch = _batch(request, pk)
    if not request.user.can_edit:
        raise PermissionDenied
    services.discard_batch(batch=batch, user=request.user)
    return redirect("workbooks:import")


@require_POST
def batch_undo(request, pk):
    batch = _batch(request, pk)
    try:
        undo.undo_import(batch=batch, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The import was undone."))
    return redirect("workbooks:batch", pk=batch.pk)


@require_GET
def batch_outcome(request, pk):
    batch = _batch(request, pk)
    if not batch.rows:
        raise Http404
    labels = {value: str(label) for value, label in Outcome.choices}
    outcome = selectors.outcome_rows(batch, personal=request.user.can_edit)
    rows = [[r.number, r.status, r.label, r.messages, r.changes] for r in outcome]
    content = templates.outcome_workbook(rows, status_labels=labels)
    file_name = f"ket-qua-nhap-{batch.pk}.xlsx"
    if batch.kind in PERSONAL_KINDS:
        log_download(
            request=request,
            kind=DownloadKind.IMPORT_OUTCOME,
            file_name=file_name,
            rows=len(rows),
            filters={"batch": batch.pk, "import_kind": batch.kind},
            area=batch.area,
        )
    return xlsx_response(content, file_name)


@require_GET
def template_download(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    return xlsx_response(templates.template(kind), f"mau-{kind}.xlsx")


@require_GET
def export(request, kind):
    if kind not in EXPORT_KINDS:
        raise Http404
    form = ExportForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        # An area or organization the lists do not offer: the page again saying so, and no file.
        upload = UploadForm(initial={"kind": ImportKind.MEMBERS})
        return render_import_page(request, form=upload, export_form=form, status=404)
    data = form.cleaned_data
    organization = data["organization"].code if data["organization"] else None
    area_path = data["area"].path if data["area"] else None
    file_name = f"{kind}-{timezone.localdate():%Y%m%d}.xlsx"
    if kind == ImportKind.BRANCHES:  # branches only: no personal data, no log
        rows = selectors.branches_for_export(request.user, organization=organization, area_path=area_path)
        return xlsx_response(templates.write_workbook(kind, rows), file_name)
    export_rows = payments_for_export if kind == ImportKind.FEES else selectors.members_for_export
    rows = Counted(export_rows(request.user, organization=organization, area_path=area_path, branch=data["branch"]))
    content = templates.write_workbook(kind, rows)
    log_download(request=request, kind=DownloadKind.MEMBERS, file_name=file_name, rows=rows.count, area=data["area"])
    return xlsx_response(content, file_name)
