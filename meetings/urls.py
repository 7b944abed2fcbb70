from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("branches/<int:pk>/", views.branch_log, name="branch_log"),
    path("branches/<int:pk>/add/", views.meeting_add, name="add"),
    path("branches/<int:pk>/roll/", views.roll, name="roll"),
    path("branches/<int:pk>/members/", views.roll_sheet, name="roll_sheet"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/visits/add/", views.visit_add, name="visit_add"),
    path("visits/<int:pk>/", views.visit_edit, name="visit_edit"),
]
