"""The dashboard ("home", at /) and the reports (namespace "reports", under /reports/).

Each report answers at /reports/<kind>/ (the user's own area, or ?area=CODE) and at
/reports/<kind>/<key>/ (the drill-down and breadcrumb links; an area's key is its code, with
the structure after the first: 82@2025); ?format=xlsx|csv downloads it.
"""

from django.urls import include, path

from . import book_views, views

report_patterns = [
    path("", views.index, name="index"),
    path("branch-book/<int:pk>/", book_views.branch_book, name="branch_book"),
]
for kind in ("membership", "ratings", "meetings", "officers", "cadres", "awards", "fees", "member_ratings"):
    report_patterns += [
        path(f"{kind}/", views.report_page, {"kind": kind}, name=kind),
        path(f"{kind}/<str:key>/", views.report_page, {"kind": kind}, name=kind),
    ]

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("reports/", include((report_patterns, "reports"))),
]
