import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import Area, path_prefixes
from branches.models import Organization
from core.forms import StyledFormMixin

from . import selectors
from .models import ImportKind
from .readers import max_upload_size


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of workbook"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xls"}),
    )

    def __init__(self, *args, focus_file: bool = False, **kwargs):
        """``focus_file``: the file box takes the focus (another file after a refused one, a kind asked for)."""
        super().__init__(*args, **kwargs)
        if focus_file:
            self.fields["file"].widget.attrs["autofocus"] = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_size():
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(
                _("The file is %(size)s; the largest workbook accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_size())},
            )
        return upload


class AreaChoiceField(forms.ModelChoiceField):
    """An area by its key, named with the units it lies in: "Xã Tân Mỹ – Huyện Thanh Bình / Tỉnh Thử Nghiệm".

    Two communes of the same name in different districts are told apart in the list.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "key")
        super().__init__(*args, **kwargs)
        self.names_above: dict[str, str] = {}

    def label_from_instance(self, obj: Area) -> str:
        above = [self.names_above[path] for path in reversed(path_prefixes(obj.path)[:-1]) if path in self.names_above]
        return " – ".join([obj.full_name, " / ".join(above)]) if above else obj.full_name


class ExportForm(StyledFormMixin, forms.Form):
    """What an export is limited to: one of the user's organizations and areas, picked from lists.

    A value the lists do not offer (another district's area, a hamlet, an unknown code) is a form error.
    """

    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All organizations"),
    )
    area = AreaChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose an area from the list: this one is not among yours.")},
    )
    # A branch code (a link from elsewhere); not shown in the form.
    branch = forms.CharField(required=False, max_length=30)

    def __init__(self, data=None, *, user, today: datetime.date):
        super().__init__(data, auto_id="export-%s", initial={"area": user.area.key if user.area_id else None})
        self.fields["organization"].queryset = selectors.export_organizations(user)
        area = self.fields["area"]
        area.queryset = selectors.export_areas(user, on=today)
        area.names_above = selectors.names_above(user, area.queryset)
        # Staff of an area export all of it by default; someone who sees everything starts with everything.
        area.empty_label = None if user.area_id else _("All areas")

    def full_clean(self):
        super().full_clean()
        # The page comes back with the first wrong list focused, and so in view, its error beside it.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                break
