from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .member_selectors import MemberRow
from .models import Grade, RatingState


class MemberLineForm(StyledFormMixin, forms.Form):
    """One line of a branch's grid: a member's grade and note. Lines no longer drafts are shown, not posted."""

    grade = forms.TypedChoiceField(label=_("Grade"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, row: MemberRow, grades: list[Grade], editable: bool, **kwargs):
        rating = row.rating
        if rating is not None:
            kwargs.setdefault("initial", {"grade": rating.grade_id, "note": rating.note, "version": rating.version})
        super().__init__(*args, prefix=f"m{row.membership.pk}", **kwargs)
        self.row, self.grades = row, grades
        self.editable = editable and (rating is None or rating.state == RatingState.DRAFT)
        self.fields["grade"].choices = [("", "—"), *((grade.pk, grade.label) for grade in grades)]
        name = row.membership.person.full_name
        for field in ("grade", "note"):
            self.fields[field].widget.attrs["aria-label"] = f"{self.fields[field].label}: {name}"
            self.fields[field].disabled = not self.editable

    def clean(self):
        cleaned = super().clean()
        if self.row.rating is not None and cleaned.get("grade") is None and "grade" not in self.errors:
            self.add_error("grade", _("A saved rating needs a grade."))
        if cleaned.get("grade") is None and cleaned.get("note"):
            self.add_error("grade", _("Choose a grade for the note."))
        return cleaned

    def chosen_grade(self) -> Grade | None:
        grade_id = self.cleaned_data.get("grade")
        return next((grade for grade in self.grades if grade.pk == grade_id), None)
