from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportKind
from .readers import max_upload_size


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of workbook"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_size():
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(
                _("The file is %(size)s; the largest workbook accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_size())},
            )
        return upload


class ExportForm(forms.Form):
    organization = forms.CharField(required=False)
    area = forms.CharField(required=False, help_text=_("An area code: only what lies in it."))
    branch = forms.CharField(required=False)
