"""The forms of the member book's cards and decisions (awards and discipline)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from core.forms import DateField, StyledFormMixin
from members.models import Membership, Person

from .models import Award, CardReason, DecisionLevel

REISSUE_REASONS = [(value, label) for value, label in CardReason.choices if value != CardReason.FIRST]


class CardIssueForm(StyledFormMixin, forms.Form):
    """The first issue (no reason to choose) or a reissue (lost, damaged, changed details)."""

    number = forms.CharField(label=_("Card number"), max_length=30)
    issued_on = DateField(label=_("Date of issue"))
    reason = forms.ChoiceField(label=_("Reason for the reissue"), choices=REISSUE_REASONS)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, membership: Membership, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = first
        self.fields["issued_on"].initial = timezone.localdate()
        self.fields["version"].initial = membership.version
        if first:
            del self.fields["reason"]

    @property
    def card_reason(self) -> str:
        return CardReason.FIRST if self.first else self.cleaned_data["reason"]

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class DecisionForm(StyledFormMixin, forms.ModelForm):
    """A decision for a person, in one of the organizations the user sees them a member of."""

    decided_on = DateField(label=_("Date of the decision"))

    class Meta:
        model = Award
        fields = ("organization", "form", "decided_on", "level", "decision_number", "reason")
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, person: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        memberships = Membership.objects.visible_to(user).filter(person=person)
        organizations = Organization.objects.filter(pk__in=memberships.values("organization_id"))
        self.fields["organization"].queryset = organizations.order_by("sort_order", "code")
        self.fields["organization"].empty_label = None
        if self.instance.pk is None:
            self.fields["level"].initial = DecisionLevel.COMMUNE
