from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import HAMLET_UNIT_TYPES, Area, UnitType
from core.forms import StyledFormMixin, VersionedFormMixin
from members.models import Person

from .models import Branch, Officer


class HamletForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ("unit_type", "name", "code")
        help_texts = {"code": _("Unique in the whole system, e.g. the commune's code and a number: 30130-01.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].choices = [(value, UnitType(value).label) for value in HAMLET_UNIT_TYPES]


class BranchForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = ("organization", "name", "code", "kind", "founded_on", "dissolved_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Members belong to the organization: a branch keeps the one it was founded in.
            self.fields["organization"].disabled = True


class OfficerForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """The person is one of the branch's current members (or the officer already recorded)."""

    class Meta:
        model = Officer
        fields = ("person", "role", "start_on", "end_on")

    def __init__(self, *args, branch: Branch, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(user)
        if self.instance.pk is not None:
            self.fields["person"].disabled = True
            people = people.filter(pk=self.instance.person_id)
        else:
            people = people.filter(memberships__branch=branch, memberships__ended_on__isnull=True)
        self.fields["person"].queryset = people.order_by("sort_key").distinct()
        self.fields["person"].help_text = _("A current member of the branch.")
