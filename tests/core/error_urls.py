"""The site's URLs and a page that fails, to see the 500 page (tests/core/test_error_pages.py)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def failing_page(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", failing_page), *urlpatterns]
