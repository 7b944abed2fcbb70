from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from areas.models import Area, AreaLevel
from branches.models import Branch
from core.forms import DateField, StyledFormMixin, VersionedFormMixin
from meetings.models import CadreVisit

from .models import Assignment, Cadre

CADRE_UNIT_LEVELS = (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE)


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


class BranchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code}) · {obj.area.full_name}"


class CadreForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A cadre of a unit inside the user's area; the account, if any, one of that area's cadre accounts."""

    class Meta:
        model = Cadre
        fields = ("name", "position", "level", "area", "user")
        field_classes = {"area": AreaChoice}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.visible_to(user).filter(level__in=CADRE_UNIT_LEVELS, valid_to__isnull=True)
        self.fields["area"].queryset = areas.order_by("path")
        accounts = User.objects.visible_to(user).filter(is_active=True).exclude(role=Role.ADMIN)
        self.fields["user"].queryset = accounts.order_by("username")
        self.fields["user"].help_text = _("With an account the cadre sees their assignments and files their reports.")


class AssignmentForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A branch of the cadre's unit that the user may see."""

    start_on = DateField(label=_("From"))
    end_on = DateField(label=_("To"), required=False, help_text=_("The last day of the assignment."))

    class Meta:
        model = Assignment
        fields = ("branch", "start_on", "end_on", "frequency", "report_within_days")
        field_classes = {"branch": BranchChoice}

    def __init__(self, *args, cadre: Cadre, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.visible_to(user).filter(area__path__startswith=cadre.area.path)
        branches = branches.filter(dissolved_on__isnull=True) if self.instance.pk is None else branches
        self.fields["branch"].queryset = branches.select_related("area").order_by("area__path", "name")
        if self.instance.pk is not None:
            self.fields["branch"].disabled = True


class EndAssignmentForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    end_on = DateField(label=_("Last day of the assignment"))


class VisitReportForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """The cadre's own report on a meeting: filed today on saving."""

    class Meta:
        model = CadreVisit
        fields = ("quality", "concerns", "proposals")
        widgets = {"concerns": forms.Textarea(attrs={"rows": 4}), "proposals": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality"].required = True
