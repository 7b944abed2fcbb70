from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import RatingState
from .selectors import GridRow


class GridLineForm(StyledFormMixin, forms.Form):
    """One line of the grid: a branch's grade, score and note. Locked lines are shown, not posted."""

    grade = forms.TypedChoiceField(label=_("Grade"), required=False, coerce=int, empty_value=None)
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        localize=True,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, row: GridRow, editable: bool, **kwargs):
        rating = row.rating
        if rating is not None:
            kwargs.setdefault(
                "initial",
                {"grade": rating.grade_id, "score": rating.score, "note": rating.note, "version": rating.version},
            )
        super().__init__(*args, prefix=f"b{row.branch.pk}", **kwargs)
        self.row = row
        self.editable = editable and (rating is None or rating.state == RatingState.DRAFT)
        self.fields["grade"].choices = [("", "—"), *((grade.pk, grade.label) for grade in row.grades)]
        self.fields["score"].widget.attrs.update({"inputmode": "decimal", "size": 5})
        for name in ("grade", "score", "note"):
            self.fields[name].widget.attrs["aria-label"] = f"{self.fields[name].label}: {row.branch.name}"
            if not self.editable:
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.row.rating is not None and cleaned.get("grade") is None and "grade" not in self.errors:
            self.add_error("grade", _("A saved rating needs a grade."))
        if cleaned.get("grade") is None and (cleaned.get("score") is not None or cleaned.get("note")):
            self.add_error("grade", _("Choose a grade for the score and note."))
        return cleaned

    def chosen_grade(self):
        grade_id = self.cleaned_data.get("grade")
        return next((grade for grade in self.row.grades if grade.pk == grade_id), None)


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment (required to send back)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
