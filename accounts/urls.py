"""The account pages under /accounts/: log in, log out, change one's own password.

Not Django's password reset pages: no mail is sent, so they would reset nothing and only tell a
stranger which addresses have accounts (a known one fails, an unknown one is redirected).
Administrators set a forgotten password in the admin.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import PasswordChangeForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(
            form_class=PasswordChangeForm, template_name="accounts/password_change_form.html"
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
