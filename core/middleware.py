"""The interface language, and the site's error pages with DEBUG on."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core import errors

logger = logging.getLogger("django.request")


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (``set_language``'s cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language: a computer set to English
    turned the whole site English for staff who never asked for it, while numbers and dates stayed
    Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class ErrorPageMiddleware:
    """With DEBUG on, the site's error pages instead of Django's debug pages.

    The demo and the office copy served by ``dev.py`` run with DEBUG on, and their users are not
    developers; the traceback still goes to the console log. With DEBUG off Django already answers
    with the URLconf's handlers, which are the same pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            # No URL matched: Django's debug page listing the URL patterns.
            return errors.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return errors.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return errors.permission_denied(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return errors.bad_request(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return errors.server_error(request)
