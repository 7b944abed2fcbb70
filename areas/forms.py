"""The reform's form on the administrators' page: old provinces, the date, a plan workbook."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelMultipleChoiceField, StyledFormMixin

from .models import REFORM_2025, Area, AreaLevel, Structure


class ProvincesChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


class ReformForm(StyledFormMixin, forms.Form):
    provinces = ProvincesChoice(
        queryset=Area.objects.filter(level=AreaLevel.PROVINCE, structure=Structure.PRE_2025, valid_to__isnull=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label=_("Old provinces"),
        help_text=_("A new province is made whole: the other old provinces it receives end with it."),
    )
    effective_on = DateField(label=_("Effective from"), initial=REFORM_2025)
    plan_file = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        required=False,
        help_text=_("Optional: the new commune of each hamlet of a divided commune, as downloaded from the preview."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provinces"].queryset = self.fields["provinces"].queryset.order_by("code")

    def province_codes(self) -> list[str]:
        return sorted(area.code for area in self.cleaned_data["provinces"])
