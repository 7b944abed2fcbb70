"""Form helpers shared by the pages: Bootstrap classes, dd/mm/yyyy dates, the hidden version, the project's
own error messages, and each error shown once, next to its field."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy (the format DATE_INPUT_FORMATS puts first)."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": 10}
        super().__init__(attrs={**defaults, **(attrs or {})})


class DateField(forms.DateField):
    widget = DateInput


# ---------------------------------------------------------------------------
# The project's words for the checks every form makes
#
# Django's Vietnamese for these reads badly ("Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100 .",
# "Nhập một số tổng thể."). The codes are those of Django's fields and validators, so a field's
# message also replaces the model's for the same check (ModelForm maps them by code).

NUMBER_MESSAGES = {
    "min_value": _("Enter a number no less than %(limit_value)s."),
    "max_value": _("Enter a number no greater than %(limit_value)s."),
}
WHOLE_NUMBER_MESSAGES = {**NUMBER_MESSAGES, "invalid": _("Enter a whole number, in digits.")}
DECIMAL_MESSAGES = {
    **NUMBER_MESSAGES,
    "invalid": _("Enter a number, in digits."),
    "max_digits": ngettext_lazy("Enter at most %(max)s digit.", "Enter at most %(max)s digits.", "max"),
    "max_decimal_places": ngettext_lazy(
        "Enter at most %(max)s decimal place.", "Enter at most %(max)s decimal places.", "max"
    ),
    "max_whole_digits": ngettext_lazy(
        "Enter at most %(max)s digit before the decimal separator.",
        "Enter at most %(max)s digits before the decimal separator.",
        "max",
    ),
}
TEXT_MESSAGES = {
    "max_length": ngettext_lazy(
        "Enter at most %(limit_value)d character (you entered %(show_value)d).",
        "Enter at most %(limit_value)d characters (you entered %(show_value)d).",
        "limit_value",
    ),
    "min_length": ngettext_lazy(
        "Enter at least %(limit_value)d character (you entered %(show_value)d).",
        "Enter at least %(limit_value)d characters (you entered %(show_value)d).",
        "limit_value",
    ),
}
DATE_MESSAGES = {"invalid": _("Enter a date that exists, as dd/mm/yyyy.")}
CHOICE_MESSAGES = {"invalid_choice": _("Choose one of the options in the list.")}


def project_error_messages(field: forms.Field) -> dict:
    """The project's messages for a field of this kind (empty for kinds whose stock messages read well)."""
    if isinstance(field, forms.DecimalField | forms.FloatField):  # both are IntegerFields to Django
        return DECIMAL_MESSAGES
    if isinstance(field, forms.IntegerField):
        return WHOLE_NUMBER_MESSAGES
    if isinstance(field, forms.DateField):
        return DATE_MESSAGES
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return CHOICE_MESSAGES
    if isinstance(field, forms.CharField):
        return TEXT_MESSAGES
    return {}


def _stock_messages(field: forms.Field) -> dict:
    """The messages Django's own field classes give this field."""
    messages: dict = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django."):
            messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def use_project_messages(form: forms.BaseForm) -> None:
    """Give every field of the form the project's messages, where it still has Django's.

    A message a form sets itself (``error_messages=``, a subclass's own) is kept. StyledFormMixin
    calls it; a form without the mixin calls it in its ``__init__``.
    """
    for field in form.fields.values():
        stock = _stock_messages(field)
        for code, message in project_error_messages(field).items():
            current = field.error_messages.get(code)
            if current is None or current is stock.get(code):
                field.error_messages[code] = message


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a key no database column holds (``__in`` would overflow the driver's integer)."""

    def _check_values(self, value):
        keys = value if self.to_field_name is None and isinstance(value, list | tuple) else []
        for pk in keys:
            if not str(pk).isdigit() or int(pk) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


# ---------------------------------------------------------------------------


class StyledFormMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on the fields in error, the project's messages,
    and each error once.

    A field's own checks each give their message under the field ("required" under every field left
    empty). A message said after them, by ``clean()``, the model or a service, is not added where it is
    already shown: on the same field, on top of the form, or on another field that a ``clean()`` gave it
    (the form says "give the birth date or year" under the birth date, the model says it again about the
    birth year). The field it was meant for is still marked invalid, described by the message shown.
    """

    def __init__(self, *args, **kwargs):
        # Fields whose message is shown elsewhere: name -> the field that shows it (None: on top).
        self.invalid_elsewhere: dict[str, str | None] = {}
        self._said_after_fields: dict[str, str] = {}  # message -> where clean(), the model or a service put it
        self._checking_fields = False
        super().__init__(*args, **kwargs)
        use_project_messages(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput(attrs=widget.attrs)
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def _clean_fields(self):
        self._checking_fields = True
        try:
            super()._clean_fields()
        finally:
            self._checking_fields = False

    def add_error(self, field, error):
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            if field is not None:
                raise TypeError("The argument `field` must be `None` when the `error` contains several fields.")
            incoming = error.error_dict
        else:
            incoming = {field or NON_FIELD_ERRORS: error.error_list}
        on_top = set(self.errors.get(NON_FIELD_ERRORS, []))
        fresh: dict = {}
        for name, errors in incoming.items():
            here = set(self.errors.get(name, []))
            for item in errors:
                texts = [str(text) for text in item]
                if any(text in here for text in texts):
                    continue  # already under this field (or on top)
                if not self._checking_fields:
                    holder = next((self._said_after_fields[t] for t in texts if t in self._said_after_fields), None)
                    if holder is None and name != NON_FIELD_ERRORS and any(text in on_top for text in texts):
                        holder = NON_FIELD_ERRORS
                    if holder is not None:
                        if name in self.fields and holder != name:
                            self.invalid_elsewhere[name] = None if holder == NON_FIELD_ERRORS else holder
                        continue
                    self._said_after_fields.update(dict.fromkeys(texts, name))
                fresh.setdefault(name, []).append(item)
                here.update(texts)
        if fresh:
            super().add_error(None, ValidationError(fresh))

    def _update_errors(self, errors):
        """The model's errors: about a field the form does not show, on top of the form; about a field
        already in error, left out (the model only finds the same value wrong again)."""
        if hasattr(errors, "error_dict"):
            mapped: dict = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                if key != NON_FIELD_ERRORS and key in self._errors:
                    continue
                mapped.setdefault(key, []).extend(messages)
            if not mapped:
                return
            errors = ValidationError(mapped)
        super()._update_errors(errors)

    def full_clean(self):
        self.invalid_elsewhere.clear()
        self._said_after_fields.clear()
        super().full_clean()
        self.mark_invalid_fields()

    def mark_invalid_fields(self) -> None:
        """``is-invalid`` and ``aria-invalid`` on the widgets of the fields in error (add_service_error
        calls it again for the errors a service adds once the form was cleaned)."""
        invalid = [name for name in self.errors if name in self.fields]
        for name in [*invalid, *self.invalid_elsewhere]:
            widget = self.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
        for name, holder in self.invalid_elsewhere.items():
            if name in self.errors or holder is None:
                continue
            described = [f"{self[holder].auto_id}_error"]
            if self.fields[name].help_text:
                described.insert(0, f"{self[name].auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


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
    mark = getattr(form, "mark_invalid_fields", None)
    if mark is not None:
        mark()


def service_values(form: forms.BaseForm, *names: str) -> dict:
    """The cleaned values a service takes, by name."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
