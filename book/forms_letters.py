"""The forms of ageing out and of the letters of introduction."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization
from core.forms import DateField, ModelMultipleChoiceField, StyledFormMixin, VersionedFormMixin
from members import selectors as member_selectors
from members.forms import BranchChoiceField, NewMemberForm, branch_choices
from members.models import Membership

# --- Ageing out ----------------------------------------------------------------------------------


class AgeingEndForm(StyledFormMixin, forms.Form):
    """The members chosen one by one or a whole branch at once, among the page's own list, and the date."""

    memberships = ModelMultipleChoiceField(
        queryset=Membership.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    branches = ModelMultipleChoiceField(
        queryset=Branch.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    on = DateField(label=_("Ended on"), help_text=_("From this date they are no longer on the roll."))

    def __init__(self, *args, candidates, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.candidates = candidates
        self.fields["memberships"].queryset = candidates
        self.fields["branches"].queryset = Branch.objects.filter(pk__in=candidates.values("branch_id"))

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on.year != self.year:
            raise ValidationError(_("Choose a date in %(year)s."), params={"year": self.year})
        return on

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("memberships") and not cleaned.get("branches"):
            raise ValidationError(_("Choose at least one member."))
        return cleaned

    @cached_property
    def chosen(self) -> list[Membership]:
        """Those ticked, and every member of the list in a branch ticked whole (one query)."""
        picked = [membership.pk for membership in self.cleaned_data["memberships"]]
        whole = [branch.pk for branch in self.cleaned_data["branches"]]
        return list(self.candidates.filter(Q(pk__in=picked) | Q(branch__in=whole)))

    def fingerprint(self) -> str:
        """What a preview showed, to end only what was previewed."""
        ids = ",".join(str(pk) for pk in sorted(membership.pk for membership in self.chosen))
        return f"{ids}:{self.cleaned_data['on'].isoformat()}"


# --- Issuing a letter ---------------------------------------------------------------------------


class LetterForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """The destination is a branch of the user's area (picked as on the transfer page: a live search,
    ``members:transfer_branches``), a branch anywhere in the application by its code, or a unit outside."""

    to_branch = BranchChoiceField(label=_("To a branch in your area"), queryset=Branch.objects.none(), required=False)
    to_branch_code = forms.CharField(
        label=_("Or, elsewhere in the application, the code of the branch"), max_length=30, required=False
    )
    to_description = forms.CharField(
        label=_("Or a unit outside the application"),
        max_length=200,
        required=False,
        help_text=_("As the letter names it, e.g. “Đoàn phường Tân Định, Quận 1, TP. Hồ Chí Minh”."),
    )
    issued_on = DateField(label=_("Date of the letter"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    valid_until = DateField(label=_("Valid until"), required=False)

    def __init__(self, *args, membership: Membership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["version"].initial = membership.version
        self.fields["to_branch"].queryset = branch_choices(user, organization=membership.organization_id).exclude(
            pk=membership.branch_id
        )

    @cached_property
    def chosen_branch(self) -> Branch | None:
        """The branch of the area picked before the form was drawn again (shown picked in the search)."""
        value = self["to_branch"].value()
        if not str(value or "").isdigit():
            return None
        return self.fields["to_branch"].queryset.filter(pk=value).first()

    def clean(self):
        cleaned = super().clean()
        branch = cleaned.get("to_branch")
        code = cleaned.get("to_branch_code", "").strip()
        outside = cleaned.get("to_description", "").strip()
        named = [given for given in (branch, code, outside) if given]
        if "to_branch" in self.errors:
            return cleaned
        if not named:
            self.add_error("to_branch", _("Choose the branch, give its code, or name the unit outside."))
        elif len(named) > 1:
            self.add_error("to_description", _("Name one destination only."))
        elif code:
            destination = member_selectors.transfer_destination(code=code, organization=self.membership.organization)
            if destination is None or destination.pk == self.membership.branch_id:
                self.add_error(
                    "to_branch_code",
                    _("No active branch of %(organization)s has the code “%(code)s”.")
                    % {"organization": self.membership.organization.short_name, "code": code},
                )
            else:
                cleaned["to_branch"] = destination
        return cleaned


# --- Arrival ------------------------------------------------------------------------------------


class LookupForm(StyledFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Number of the letter"),
        max_length=40,
        help_text=_("Exactly as printed on the letter, e.g. 12/2025/GGT-ĐTN-30130."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("sort_order"),
        required=False,
        empty_label=_("Any"),
    )


class ReceiveForm(StyledFormMixin, forms.Form):
    """Where the member arrives: a branch of the user's area of the letter's organization, and the day."""

    branch = BranchChoiceField(label=_("Received in the branch"), queryset=Branch.objects.none())
    on = DateField(label=_("Arrived on"), help_text=_("The member is on this branch's roll from this day."))

    def __init__(self, *args, organization: Organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branch_choices(user, organization=organization.pk)


class FromOutsideForm(NewMemberForm):
    """A member who arrives with a letter from outside the application: the person, the membership
    from the day of arrival, and the letter as printed."""

    letter_number = forms.CharField(label=_("Number of the letter"), max_length=40)
    letter_from = forms.CharField(
        label=_("Sent by"), max_length=200, help_text=_("The unit that issued the letter, as printed on it.")
    )
    letter_issued_on = DateField(label=_("Date of the letter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].label = _("Arrived on")
        self.fields["joined_on"].help_text = _("The member is on this branch's roll from this day.")

    def clean(self):
        cleaned = super().clean()
        issued, arrived = cleaned.get("letter_issued_on"), cleaned.get("joined_on")
        if issued and arrived and arrived < issued:
            self.add_error(
                "joined_on",
                _("The member cannot arrive before the date of the letter (%(date)s).")
                % {"date": f"{issued:%d/%m/%Y}"},
            )
        return cleaned


class LetterBookForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("sort_order"),
        required=False,
        empty_label=_("All"),
    )


def default_validity(issued_on: datetime.date) -> datetime.date:
    """A letter is valid for thirty days unless the form says otherwise."""
    return issued_on + datetime.timedelta(days=30)
