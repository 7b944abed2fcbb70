from django.urls import path

from . import views

app_name = "workbooks"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:pk>/", views.batch_page, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
    path("<int:pk>/discard/", views.batch_discard, name="discard"),
    path("<int:pk>/undo/", views.batch_undo, name="undo"),
    path("<int:pk>/outcome.xlsx", views.batch_outcome, name="outcome"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
]
