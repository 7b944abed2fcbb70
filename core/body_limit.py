"""Request bodies are limited before anything reads them.

Django counts only a form's fields against ``DATA_UPLOAD_MAX_MEMORY_SIZE``, and stores an attached
file of any size in a temporary file as soon as someone reads ``request.POST``; the CSRF check does
so for every POST, an anonymous one included. So the size a request declares (``Content-Length``)
is compared, before any view or check reads the body, with what its view accepts: every view
``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes in all, a view marked with ``accepts_body`` its own limit.
A larger request is answered at once, its body unread. (Under WSGI the body stays unread in the
socket; a request without a length is read as empty by Django's WSGI handler.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def accepts_body(limit: Callable[[], int], *, refuse: Callable | None = None):
    """Let a view take a body of up to ``limit()`` bytes (an upload).

    ``refuse(request, size)`` answers a larger one for a signed-in user (for example with the
    view's own page and message); anyone else gets the plain refusal.
    """

    def decorate(view):
        view.body_limit = limit
        view.body_refusal = refuse
        return view

    return decorate


def declared_size(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class BodyLimitMiddleware:
    """Placed before ``CsrfViewMiddleware``: its ``process_view`` runs first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        limit_of = getattr(view, "body_limit", None)
        limit = limit_of() if limit_of is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = declared_size(request)
        if limit is None or size <= limit:
            return None
        refuse = getattr(view, "body_refusal", None)
        user = getattr(request, "user", None)
        if refuse is not None and user is not None and user.is_authenticated:
            return refuse(request, size)
        message = _("The request is too large (%(size)s); this page accepts at most %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
