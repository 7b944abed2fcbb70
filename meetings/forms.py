from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin, VersionedFormMixin

from .models import CadreVisit, Meeting


class MeetingForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """The roll on the date is counted from the membership history, not typed in: the form
    shows it as soon as a date is given (``meetings:roll``)."""

    second_on_the_day = forms.BooleanField(
        label=_("Yes, this is a second meeting of the branch on the same day"), required=False
    )

    class Meta:
        model = Meeting
        fields = ("held_on", "kind", "chaired_by", "members_present", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    @property
    def asks_second_on_the_day(self) -> bool:
        """The box is shown once the branch turns out to have met that day already."""
        return "second_on_the_day" in self.errors or bool(self.data.get("second_on_the_day"))


class VisitForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A cadre's visit; the report part (quality, concerns, proposals, date) may come later."""

    class Meta:
        model = CadreVisit
        fields = ("cadre_name", "position", "level", "quality", "concerns", "proposals", "reported_on")
        widgets = {"concerns": forms.Textarea(attrs={"rows": 3}), "proposals": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reported_on") and not cleaned.get("quality"):
            self.add_error("quality", _("A filed report needs the quality of the meeting."))
        return cleaned


class RollDateForm(StyledFormMixin, forms.Form):
    """The date of a branch's roll (today when left blank)."""

    on = DateField(label=_("Roll on"), required=False)
