from django.urls import path

from . import note_views as views

app_name = "notes"
urlpatterns = [
    path("", views.note_list, name="list"),
    path("add/", views.note_add, name="add"),
    path("<int:pk>/", views.note_detail, name="detail"),
    path("<int:pk>/edit/", views.note_edit, name="edit"),
    path("files/<int:pk>/", views.attachment_download, name="file"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="file_delete"),
]
