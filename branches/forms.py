from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import HAMLET_UNIT_TYPES, Area, AreaLevel, UnitType
from core.forms import DateField, ModelMultipleChoiceField, StyledFormMixin, VersionedFormMixin
from members.models import Person

from .models import Branch, BranchTerm, MeetingDayRule, Officer


class HamletForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ("unit_type", "name", "code")
        help_texts = {"code": _("Unique in the whole system, e.g. the commune's code and a number: 30130-01.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].choices = [(value, UnitType(value).label) for value in HAMLET_UNIT_TYPES]


# The parts of the regular meeting day each rule uses (the others are cleared).
MEETING_DAY_PARTS = {
    MeetingDayRule.NONE: (),
    MeetingDayRule.DAY_OF_MONTH: ("meeting_day",),
    MeetingDayRule.WEEKDAY: ("meeting_weekday", "meeting_week"),
}
MEETING_DAY_FIELDS = ("meeting_rule", "meeting_day", "meeting_weekday", "meeting_week")


class BranchForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    meeting_day = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("In a shorter month, its last day."),
    )

    class Meta:
        model = Branch
        fields = ("organization", "name", "code", "kind", "founded_on", "dissolved_on", *MEETING_DAY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Members belong to the organization: a branch keeps the one it was founded in.
            self.fields["organization"].disabled = True
        self.fields["meeting_rule"].label = _("Meets on")
        self.fields["meeting_weekday"].label = _("Weekday")
        self.fields["meeting_week"].label = _("Week of the month")
        self.fields["meeting_week"].help_text = _("“Last” is the last such weekday of the month.")

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("meeting_rule")
        if rule not in MEETING_DAY_PARTS:
            return cleaned
        messages = {
            "meeting_day": _("Give the day of the month the branch meets on."),
            "meeting_weekday": _("Choose the weekday the branch meets on."),
            "meeting_week": _("Choose the week of the month the branch meets in."),
        }
        for name in MEETING_DAY_FIELDS[1:]:
            if name not in MEETING_DAY_PARTS[rule]:
                cleaned[name] = None
            elif cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, messages[name])
        return cleaned


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


class HamletChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code}) · {obj.parent.full_name}"


class HamletsChoice(ModelMultipleChoiceField):
    label_from_instance = HamletChoice.label_from_instance


class HamletMergeForm(StyledFormMixin, forms.Form):
    """Hamlets in force in the user's area: the one that remains, those merged into it, the date."""

    into = HamletChoice(queryset=Area.objects.none(), label=_("The hamlet that remains"))
    hamlets = HamletsChoice(
        queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Hamlets merged into it")
    )
    effective_on = DateField(
        label=_("Effective from"), help_text=_("The merged hamlets end the day before; their past stays theirs.")
    )

    def __init__(self, *args, area: Area, user, **kwargs):
        super().__init__(*args, **kwargs)
        hamlets = (
            Area.objects.visible_to(user)
            .filter(level=AreaLevel.HAMLET, valid_to__isnull=True, path__startswith=area.path)
            .select_related("parent")
            .order_by("path")
        )
        self.fields["into"].queryset = self.fields["hamlets"].queryset = hamlets

    def fingerprint(self) -> str:
        """The choices a preview showed, to confirm only what was previewed."""
        data = self.cleaned_data
        ids = ",".join(str(pk) for pk in sorted(hamlet.pk for hamlet in data["hamlets"]))
        return f"{data['into'].pk}:{ids}:{data['effective_on'].isoformat()}"


class HamletSplitForm(StyledFormMixin, forms.Form):
    """The date and the plan workbook of a hamlet's split (the file once; the preview keeps what it read)."""

    effective_on = DateField(label=_("Effective from"), help_text=_("The hamlet ends the day before."))
    plan_file = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        required=False,
        help_text=_(
            "Columns “Mã ấp mới”, “Tên ấp mới”, “Mã chi”: a row per new hamlet, or per branch and its new hamlet."
        ),
    )


# --- Terms and congresses ---------------------------------------------------------------


class BranchTermForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A branch's term: its dates, the congress that elected its committee, the seats."""

    class Meta:
        model = BranchTerm
        fields = ("congress_on", "start_on", "end_on", "committee_size")
        help_texts = {"congress_on": _("The congress (đại hội) that elected the committee of this term.")}


CONGRESS_MONTHS = 6  # the default look-ahead of the congresses page


class CongressesForm(StyledFormMixin, forms.Form):
    """The look-ahead of the congresses page (the area is chosen by its code, like the reports)."""

    months = forms.IntegerField(
        label=_("Terms ending within (months)"), min_value=1, max_value=36, required=False, initial=CONGRESS_MONTHS
    )

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or CONGRESS_MONTHS
