from django.urls import path

from . import views

app_name = "fees"
urlpatterns = [
    path("branches/<int:pk>/<int:year>/", views.grid, name="grid"),
    path("memberships/<int:pk>/category/", views.category, name="category"),
]
