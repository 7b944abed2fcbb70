"""Pages of the monthly orientation notes: the list, a note with its files, publishing and changing one.

A note and its files are fetched through ``visible_to`` (404 outside the user's scope); changing
one also needs the note to be of the user's own unit or one inside it (403 otherwise). Files are
served only here, as downloads, never from a public address.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.body_limit import accepts_body
from core.views import paginate, query_without, require_director, run_service

from . import notes, uploads
from .models import NoteAttachment, OrientationNote
from .note_forms import NoteFilterForm, NoteForm

# What a multipart body adds to the files: boundaries, part headers and the other fields.
FORM_OVERHEAD = 256 * 1024


def body_limit() -> int:
    return notes.MAX_FILES * uploads.max_size() + FORM_OVERHEAD


def too_large(request, size: int):
    """A body larger than the files allowed, refused unread (``core.body_limit``): the page again, saying why."""
    messages.error(
        request,
        _("The files sent come to %(size)s; each file may be at most %(limit)s, %(count)s files at once.")
        % {"size": filesizeformat(size), "limit": filesizeformat(uploads.max_size()), "count": notes.MAX_FILES},
    )
    return redirect(request.path)


def _note(request, pk: int) -> OrientationNote:
    return get_object_or_404(
        OrientationNote.objects.visible_to(request.user).select_related("area", "published_by"), pk=pk
    )


def _changeable_note(request, pk: int) -> OrientationNote:
    note = _note(request, pk)
    if not notes.may_change(request.user, note):
        raise PermissionDenied
    return note


def _crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Orientation notes"), "url": reverse("notes:list")}, *extra]


def _note_crumb(note: OrientationNote) -> dict:
    return {"label": note.title, "url": reverse("notes:detail", args=[note.pk])}


@require_GET
def note_list(request):
    form = NoteFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = notes.notes_visible_to(request.user, month=filters.get("month"), organization=filters.get("organization"))
    context = {
        "form": form,
        "notes": paginate(request, found),
        "query": query_without(request, "page"),
        "may_publish": request.user.can_direct,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "cadres/notes/list.html", context)


@require_GET
def note_detail(request, pk: int):
    note = _note(request, pk)
    context = {
        "note": note,
        "organizations": list(note.organizations.order_by("sort_order", "code")),
        "attachments": list(note.attachments.order_by("name", "pk")),
        "may_change": notes.may_change(request.user, note),
        "breadcrumbs": _crumbs(_note_crumb(note)),
    }
    return render(request, "cadres/notes/detail.html", context)


@accepts_body(body_limit, refuse=too_large)
def note_add(request):
    require_director(request.user)
    form = NoteForm(request.POST or None, request.FILES or None, user=request.user, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        note = run_service(form, lambda: notes.publish_note(user=request.user, **form.service_values()))
        if note is not None:
            messages.success(request, _("The note “%(title)s” was published.") % {"title": note.title})
            return redirect("notes:detail", pk=note.pk)
    crumbs = _crumbs({"label": _("Publish a note"), "url": reverse("notes:add")})
    return render(
        request, "cadres/notes/form.html", {"form": form, "title": _("Publish a note"), "breadcrumbs": crumbs}
    )


@accepts_body(body_limit, refuse=too_large)
def note_edit(request, pk: int):
    note = _changeable_note(request, pk)
    initial = {
        "area": note.area_id,
        "title": note.title,
        "month": note.month.month,
        "year": note.month.year,
        "organizations": list(note.organizations.values_list("pk", flat=True)),
        "text": note.text,
    }
    form = NoteForm(
        request.POST or None, request.FILES or None, user=request.user, today=timezone.localdate(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: notes.update_note(note=note, user=request.user, **form.service_values()))
        if saved is not None:
            messages.success(request, _("The note “%(title)s” was saved.") % {"title": saved.title})
            return redirect("notes:detail", pk=saved.pk)
    title = _("Change the note “%(title)s”") % {"title": note.title}
    context = {
        "form": form,
        "title": title,
        "note": note,
        "attachments": list(note.attachments.order_by("name", "pk")),
        "breadcrumbs": _crumbs(
            _note_crumb(note), {"label": _("Change"), "url": reverse("notes:edit", args=[note.pk])}
        ),
    }
    return render(request, "cadres/notes/form.html", context)


def _attachment(request, pk: int) -> NoteAttachment:
    return get_object_or_404(NoteAttachment.objects.visible_to(request.user).select_related("note__area"), pk=pk)


@require_POST
def attachment_delete(request, pk: int):
    attachment = _attachment(request, pk)
    notes.delete_attachment(attachment=attachment, user=request.user)  # PermissionDenied if not theirs
    messages.success(request, _("The file “%(name)s” was removed from the note.") % {"name": attachment.name})
    return redirect("notes:edit", pk=attachment.note_id)


@require_GET
def attachment_download(request, pk: int):
    """The file as a download, with the type its content proved; the browser is told not to guess another."""
    attachment = _attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
