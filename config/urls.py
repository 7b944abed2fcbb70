from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from core.health import healthz

admin.site.site_header = admin.site.site_title = _("Youth Union and association branches")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),  # for monitors, without a login (core/health.py)
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("areas/", include("branches.urls")),
    path("reorganisations/", include("areas.urls")),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("notes/", include("cadres.note_urls")),
    path("cadres/", include("cadres.urls")),
    path("ratings/", include("ratings.urls")),
    path("fees/", include("fees.urls")),
    path("book/", include("book.urls")),
    path("imports/", include("workbooks.urls")),
    path("", include("reports.urls")),
]

# The site's own pages, in Vietnamese and inside the layout (core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
