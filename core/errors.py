"""The site's own error pages: Vietnamese, inside the layout, with a way back.

They are the URLconf's handlers (``config/urls.py``) and ``CSRF_FAILURE_VIEW``; with DEBUG on,
``core.middleware.ErrorPageMiddleware`` answers with them instead of Django's debug pages.
"""

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("django.request")


TITLES = {
    400: _("The request could not be read"),
    403: _("You may not open this page"),
    404: _("Page not found"),
    500: _("Something went wrong on our side"),
}


def _page(request, template: str, status: int, title=None) -> HttpResponse:
    context = {"back_url": _back_url(request), "status": status, "title": title or TITLES[status]}
    return render(request, template, context, status=status)


def _back_url(request) -> str | None:
    """The page the user came from, if it is one of ours and not this one."""
    referer = request.headers.get("referer")
    if (
        referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return referer
    return None


def bad_request(request, exception=None):
    return _page(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _page(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "errors/404.html", 404)


def csrf_failure(request, reason=""):
    # Django's reason is for developers; it goes to the log, the user reads what to do.
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _page(request, "errors/403_csrf.html", 403, _("The form has expired"))


def server_error(request):
    try:
        return _page(request, "errors/500.html", 500)
    except Exception:
        # The layout reads the user's session, so the database; if that is what failed, the page
        # alone, without the menu.
        page = loader.render_to_string("errors/500.html", {"status": 500, "title": TITLES[500]})
        return HttpResponse(page, status=500)
