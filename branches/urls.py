from django.urls import path  # noqa: F401 - the pages of this app are added here

app_name = "branches"
urlpatterns: list = []
