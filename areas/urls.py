"""The administrators' reorganisation pages, under /reorganisations/."""

from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.reorganisations, name="reorganisations"),
    path("preview/", views.reform_preview, name="reform_preview"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/", views.event_page, name="event"),
    path("<int:pk>/undo/", views.event_undo, name="event_undo"),
]
