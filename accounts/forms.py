"""The forms of the account pages."""

from django.contrib.auth import forms as auth_forms

from core.forms import StyledFormMixin


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    """Django's: the old password, then the new one twice, checked by AUTH_PASSWORD_VALIDATORS."""
