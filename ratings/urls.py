from django.urls import include, path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.grid, name="grid"),
    path("members/", include("ratings.member_urls")),
    path("<str:key>/<int:year>/", views.commune_grid, name="commune_grid"),
]
