from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.grid, name="grid"),
    path("<str:key>/<int:year>/", views.commune_grid, name="commune_grid"),
]
