"""The orientation note's forms: publishing or changing a note (with files), and filtering the list."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from core.forms import ModelMultipleChoiceField, StyledFormMixin

from . import notes, uploads


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: a list of uploads (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data]
        return [clean_one(data, initial)] if data else []


class UnitChoice(forms.ModelChoiceField):
    """A unit, indented under the one above it (the top is the user's own area)."""

    top_depth = 2  # "/87/": a province

    def label_from_instance(self, obj):
        return "— " * max(0, obj.path.count("/") - self.top_depth) + f"{obj.full_name} ({obj.code})"


def month_choices() -> list[tuple[int, str]]:
    return [(number, _("Month %(number)s") % {"number": number}) for number in range(1, 13)]


class NoteForm(StyledFormMixin, forms.Form):
    """A note's unit, month (year and month, no script needed), organizations, title, text and files."""

    area = UnitChoice(queryset=None, label=_("Published by (unit)"))
    title = forms.CharField(label=_("Title"), max_length=200)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    organizations = ModelMultipleChoiceField(
        queryset=Organization.objects.order_by("sort_order", "code"),
        widget=forms.CheckboxSelectMultiple,
        label=_("For the organizations"),
    )
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    files = MultipleFileField(label=_("Attached files"), required=False)

    def __init__(self, *args, user, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = notes.publishing_units(user).order_by("path")
        if user.area_id is not None:
            self.fields["area"].top_depth = user.area.path.count("/")
        self.fields["month"].choices = month_choices()
        self.fields["files"].widget.attrs["accept"] = uploads.ACCEPT
        self.fields["files"].help_text = _(
            "PDF, Word (.docx), PNG or JPEG; at most %(size)s each, %(count)s files at once."
        ) % {"size": filesizeformat(uploads.max_size()), "count": notes.MAX_FILES}
        if not self.is_bound and "month" not in self.initial:
            self.initial.update(month=today.month, year=today.year)
        if not self.is_bound and "area" not in self.initial and user.area_id is not None:
            self.initial["area"] = user.area_id

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > notes.MAX_FILES:
            raise ValidationError(_("Attach at most %(count)s files at once.") % {"count": notes.MAX_FILES})
        errors = []
        for upload in files:
            try:
                uploads.check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and cleaned.get("year"):
            cleaned["first_day"] = datetime.date(cleaned["year"], cleaned["month"], 1)
        return cleaned

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "area": data["area"],
            "month": data["first_day"],
            "title": data["title"],
            "organizations": data["organizations"],
            "text": data["text"],
            "files": data["files"],
        }


class NoteFilterForm(StyledFormMixin, forms.Form):
    """The list's filters: a month (yyyy-mm, as the month box sends it) and an organization, both optional."""

    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Enter a month as yyyy-mm, for example 2025-03.")},
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("sort_order", "code"),
        label=_("Organization"),
        required=False,
        empty_label=_("All organizations"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget = forms.DateInput(
            attrs={"type": "month", "class": "form-control form-control-sm"}, format="%Y-%m"
        )
        self.fields["organization"].widget.attrs["class"] = "form-select form-select-sm"
