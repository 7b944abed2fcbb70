"""Form helpers shared by the pages: Bootstrap classes, dd/mm/yyyy dates, the hidden version."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy (the format DATE_INPUT_FORMATS puts first)."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": 10}
        super().__init__(attrs={**defaults, **(attrs or {})})


class DateField(forms.DateField):
    widget = DateInput


class StyledFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on the fields in error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput(attrs=widget.attrs)
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def _update_errors(self, errors):
        """A model's error about a field the form does not show goes on top of the form."""
        if hasattr(errors, "error_dict"):
            mapped: dict = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                mapped.setdefault(key, []).extend(messages)
            errors = ValidationError(mapped)
        super()._update_errors(errors)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class VersionedFormMixin:
    """A hidden ``version``: the row's version when the form was drawn, checked on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["version"].initial = instance.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to a field the form has, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, item)
    else:
        form.add_error(None, error)


def service_values(form: forms.BaseForm, *names: str) -> dict:
    """The cleaned values a service takes, by name."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
