import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
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
        fields = ("held_on", "kind", "chaired_by", "members_present", "content", "orientation_discussed")
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}
        labels = {"orientation_discussed": _("Discussed at this meeting")}

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.month = self._month(today or timezone.localdate())
        regular = self.instance.branch.regular_day(self.month.year, self.month.month)
        if regular is not None:
            self.fields["held_on"].help_text = _("The branch's regular day: %(rule)s, that is %(date)s.") % {
                "rule": self.instance.branch.meeting_day_text,
                "date": regular.strftime("%d/%m/%Y"),
            }

    def _month(self, today: datetime.date) -> datetime.date:
        """The first day of the month of the date typed (or stored, or today's): the month the form is about."""
        day = None
        if self.is_bound:
            try:
                day = self.fields["held_on"].clean(self.data.get(self.add_prefix("held_on"), ""))
            except ValidationError:
                day = None
        day = day or self.instance.held_on or today
        return day.replace(day=1)

    @property
    def asks_second_on_the_day(self) -> bool:
        """The box is shown once the branch turns out to have met that day already."""
        return "second_on_the_day" in self.errors or bool(self.data.get("second_on_the_day"))


class VisitForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A cadre's visit: one of the cadres assigned to the branch that day, or a guest named here;
    the report part (quality, concerns, proposals, date) may come later."""

    class Meta:
        model = CadreVisit
        fields = ("cadre", "cadre_name", "position", "level", "quality", "concerns", "proposals", "reported_on")
        widgets = {"concerns": forms.Textarea(attrs={"rows": 3}), "proposals": forms.Textarea(attrs={"rows": 3})}
        labels = {"cadre_name": _("Guest's name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting
        assigned = Cadre.objects.filter(
            assignments__branch=meeting.branch, assignments__start_on__lte=meeting.held_on
        ).exclude(assignments__end_on__lt=meeting.held_on)
        self.fields["cadre"].queryset = assigned.distinct().order_by("name")
        self.fields["cadre"].empty_label = _("A guest (not assigned)")
        self.fields["cadre"].help_text = _("The cadres assigned to the branch on the meeting's day.")
        for name in ("cadre_name", "level"):
            self.fields[name].required = False
        if self.instance.pk is not None:
            self.fields["cadre"].disabled = True

    def clean(self):
        cleaned = super().clean()
        cadre = cleaned.get("cadre")
        if cadre is not None:
            # The assigned cadre's own details, whatever was typed (the service does the same).
            cleaned.update(cadre_name=cadre.name, position=cadre.position, level=cadre.level)
            self.instance.cadre_name, self.instance.level = cadre.name, cadre.level
        else:
            if not cleaned.get("cadre_name"):
                self.add_error("cadre_name", _("Choose the assigned cadre, or write the guest's name."))
            if not cleaned.get("level"):
                self.add_error("level", _("Give the guest's level."))
        if cleaned.get("reported_on") and not cleaned.get("quality"):
            self.add_error("quality", _("A filed report needs the quality of the meeting."))
        return cleaned


class RollDateForm(StyledFormMixin, forms.Form):
    """The date of a branch's roll (today when left blank)."""

    on = DateField(label=_("Roll on"), required=False)
