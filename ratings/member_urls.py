"""Members' ratings, under /ratings/members/ in the "ratings" namespace."""

from django.urls import path

from . import member_views

urlpatterns = [
    path("", member_views.overview, name="member_overview"),
    path("<int:pk>/<int:year>/", member_views.member_grid, name="member_grid"),
]
