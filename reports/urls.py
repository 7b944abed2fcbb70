from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Until the dashboard exists, the landing page is the admin.
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
]
