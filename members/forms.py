from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from areas.models import AreaLevel
from branches.models import Branch, Organization
from core.forms import DateField, ModelMultipleChoiceField, StyledFormMixin, VersionedFormMixin

from . import privacy, selectors
from .models import EndReason, Gender, Membership, MembershipStatus, Person, cccd_validator
from .services import PERSON_FIELDS

BIRTH_MISSING = _("Give the birth date, or at least the birth year.")

# The import's words for the same case (workbooks/kinds/members.py): one message wherever a number is entered.
CCCD_OUTSIDE_AREA = _(
    "This CCCD number belongs to a person outside your area. Ask the province's staff to transfer the person."
)


def branch_choices(user, **filters):
    return (
        Branch.objects.visible_to(user)
        .filter(dissolved_on__isnull=True, **filters)
        .select_related("organization", "area__parent")
        .order_by("organization__sort_order", "name", "area__path")
    )


def branch_label(branch: Branch) -> str:
    """A branch told apart from its namesakes: "Chi đoàn Ấp 1 – Ấp 1, Xã Tân Phú (30130-01-DOAN)"."""
    return f"{branch.name} – {', '.join(str(area) for area in selectors.branch_place(branch.area))} ({branch.code})"


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return branch_label(obj)


class MemberFilterForm(StyledFormMixin, forms.Form):
    """The member search. Those who may change the people also find them by CCCD or phone number
    (``selectors.member_list``); for the others the box is a name search only."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("sort_order"),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Current members")), *MembershipStatus.choices, (selectors.ENDED, _("Former members"))],
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("Any")), *Gender.choices])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=130)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=130)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.searches_numbers = privacy.may_see_personal_numbers(user)
        placeholder = _("e.g. nguyen van anh")
        if self.searches_numbers:
            self.fields["q"].label = _("Name, CCCD or phone")
            placeholder = _("e.g. nguyen van anh, or 0912345678")
        self.fields["q"].widget.attrs.update({"placeholder": placeholder, "autofocus": True, "type": "search"})

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age cannot be below the lower one."))
        return cleaned

    @property
    def number_not_searched(self) -> bool:
        """A number typed by a user who does not see personal numbers: only names are searched.

        Said whatever the records hold, so that it tells nothing about them.
        """
        text = self.cleaned_data.get("q", "") if hasattr(self, "cleaned_data") else ""
        return not self.searches_numbers and selectors.looks_like_number(text)


class CccdInAreaMixin:
    """A person form's CCCD check: a number held by someone outside the user's area is refused
    without saying who holds it, and the attempt is logged (``members.privacy``).

    The model's unique check would answer "a person with this CCCD number already exists", which
    tells district staff who is recorded elsewhere. Inside the area the usual messages stay.
    The form has ``user`` (the admin's form class is given it per request) and ``instance``.
    """

    def clean_cccd(self):
        cccd = self.cleaned_data.get("cccd")
        person_pk = self.instance.pk
        if cccd and selectors.cccd_held_outside_area(user=self.user, cccd=cccd, exclude_pk=person_pk):
            privacy.log_cccd_outside_area(user=self.user, cccd=cccd, person_pk=person_pk)
            raise ValidationError(CCCD_OUTSIDE_AREA, code="outside_area")
        return cccd


class PersonForm(CccdInAreaMixin, VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A person's details; the birth year is taken from the birth date when that is given."""

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["birth_year"].required = False
        self.fields["residence"].queryset = (
            self.fields["residence"].queryset.visible_to(user).filter(level=AreaLevel.HAMLET).select_related("parent")
        )
        self.fields["residence"].label_from_instance = lambda area: f"{area} – {area.parent}"
        if not user.can_edit:
            # Personal numbers and Party dates are shown only to those who may change the person.
            for name in privacy.PERSON_PERSONAL_FIELDS:
                self.fields.pop(name, None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("birth_date"):
            cleaned["birth_year"] = cleaned["birth_date"].year
            self.instance.birth_year = cleaned["birth_year"]
            self.errors.pop("birth_year", None)
        elif not cleaned.get("birth_year") and not {"birth_date", "birth_year"} & set(self.errors):
            # Said once, under the birth date, the first of the two boxes; the model says it again
            # about the birth year, which StyledFormMixin marks invalid without repeating it.
            self.add_error("birth_date", BIRTH_MISSING)
        if cleaned.get("cccd") == "":
            cleaned["cccd"] = None
        return cleaned

    def person_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PERSON_FIELDS if name in self.fields}


class DuplicateQueryForm(forms.Form):
    """What the add-member form sends while it is filled in: read to look for possible duplicates, never saved.

    Only parsed (no unique check), so that a CCCD number already recorded reaches the lookup,
    which finds people in the user's area only.
    """

    full_name = forms.CharField(max_length=100, required=False)
    birth_date = DateField(required=False)
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    cccd = forms.CharField(max_length=12, required=False, validators=[cccd_validator])


class MembershipFieldsMixin(forms.Form):
    """The first period of a membership: branch, joining date, status, card."""

    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    joined_on = DateField(label=_("Joined on"))
    status = forms.ChoiceField(label=_("Status"), choices=MembershipStatus.choices, initial=MembershipStatus.PRESENT)
    card_number = forms.CharField(label=_("Member card number"), max_length=30, required=False)
    introduced_to_party_on = DateField(label=_("Introduced to the Party on"), required=False)

    def set_branches(self, user, **filters) -> None:
        self.fields["branch"].queryset = branch_choices(user, **filters)

    def clean(self):
        cleaned = super().clean()
        branch, joined_on = cleaned.get("branch"), cleaned.get("joined_on")
        if branch is not None and joined_on is not None and branch.founded_on and joined_on < branch.founded_on:
            self.add_error("joined_on", _("The branch was not founded yet on that date."))
        return cleaned


class NewMemberForm(MembershipFieldsMixin, PersonForm):
    """A new person with their first membership; warns of a possible duplicate before saving."""

    confirm_new_person = forms.BooleanField(
        label=_("This is a different person: save anyway"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.set_branches(user)
        self.duplicates = []
        # The confirmation is offered only once a possible duplicate was shown.
        self.fields["confirm_new_person"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.duplicates = list(
            selectors.possible_duplicates(
                user=self.user,
                full_name=cleaned.get("full_name", ""),
                birth_date=cleaned.get("birth_date"),
                birth_year=cleaned.get("birth_year"),
                cccd=cleaned.get("cccd") or "",
            )
        )
        same_cccd = [person for person in self.duplicates if cleaned.get("cccd") and person.cccd == cleaned["cccd"]]
        if same_cccd:
            self.add_error("cccd", _("This CCCD number is already recorded for %(name)s.") % {"name": same_cccd[0]})
        elif self.duplicates and not cleaned.get("confirm_new_person"):
            self.fields["confirm_new_person"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            raise ValidationError(
                _(
                    "A person with the same name and birth date is already recorded. "
                    "Open their page to add a membership, or confirm that this is someone else."
                ),
                code="possible_duplicate",
            )
        return cleaned


class AddMembershipForm(MembershipFieldsMixin, StyledFormMixin, forms.Form):
    """Another organization for a person already recorded."""


class MembershipForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("card_number", "introduced_to_party_on", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class MembershipChangeForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """Base of the transfer, status-change and ending forms: the date, and the membership's version."""

    on = DateField(label=_("From"))

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["version"].initial = membership.version

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on < self.membership.joined_on:
            raise ValidationError(
                _("The date cannot be before the member joined (%(date)s)."),
                params={"date": self.membership.joined_on.strftime("%d/%m/%Y")},
            )
        return on


class TransferForm(MembershipChangeForm):
    """The receiving branch is found by typing (``members:transfer_branches``, a live search among the
    branches of the user's area); without JavaScript the page offers the whole list. Either way the
    branch chosen is checked against that list, the user's area."""

    to_branch = BranchChoiceField(label=_("To a branch in your area"), queryset=Branch.objects.none(), required=False)
    to_branch_code = forms.CharField(
        label=_("Or, outside your area, the code of the branch"),
        max_length=30,
        required=False,
        help_text=_("As written on the transfer letter."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    field_order = ["to_branch", "to_branch_code", "on", "reason"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branch_choices(user, organization=self.membership.organization_id).exclude(
            pk=self.membership.branch_id
        )
        self.fields["on"].label = _("Transfer date")

    @cached_property
    def chosen_branch(self) -> Branch | None:
        """The branch of the area picked before the form was drawn again (shown picked in the search)."""
        value = self["to_branch"].value()
        if not str(value or "").isdigit():
            return None
        return self.fields["to_branch"].queryset.filter(pk=value).first()

    def clean(self):
        cleaned = super().clean()
        branch, code = cleaned.get("to_branch"), cleaned.get("to_branch_code", "").strip()
        if branch is None and not code:
            if "to_branch" not in self.errors:  # a branch refused already says why
                self.add_error("to_branch", _("Choose the branch, or give the code of a branch outside your area."))
        elif branch is not None and code:
            self.add_error("to_branch_code", _("Choose a branch or give a code, not both."))
        elif code:
            destination = selectors.transfer_destination(code=code, organization=self.membership.organization)
            if destination is None:
                self.add_error(
                    "to_branch_code",
                    _("No active branch of %(organization)s has the code “%(code)s”.")
                    % {"organization": self.membership.organization.short_name, "code": code},
                )
            else:
                cleaned["to_branch"] = destination
        return cleaned


class StatusChangeForm(MembershipChangeForm):
    status = forms.ChoiceField(label=_("New status"), choices=MembershipStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    field_order = ["status", "on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in MembershipStatus.choices if value != self.membership.status
        ]


class EndForm(MembershipChangeForm):
    # No reason is picked in advance: the user chooses one.
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("— choose a reason —")), *EndReason.choices])
    note = forms.CharField(label=_("Details"), max_length=255, required=False)
    field_order = ["reason", "on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Ended on")
        self.fields["on"].help_text = _("From this date the member is no longer on the roll.")


class BranchesChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code}) · {obj.area.full_name}"


class BranchMergeForm(StyledFormMixin, forms.Form):
    """Other branches of the organization in the surviving branch's commune, and the date."""

    branches = BranchesChoice(
        queryset=Branch.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Branches merged into this one")
    )
    effective_on = DateField(
        label=_("Effective from"),
        help_text=_("Their members are transferred on this day; the branches are dissolved on it."),
    )

    def __init__(self, *args, into: Branch, user, **kwargs):
        super().__init__(*args, **kwargs)
        commune = into.area.parent if into.area.level == AreaLevel.HAMLET else into.area
        self.fields["branches"].queryset = (
            Branch.objects.visible_to(user)
            .filter(organization_id=into.organization_id, dissolved_on__isnull=True)
            .filter(area__path__startswith=commune.path)
            .exclude(pk=into.pk)
            .select_related("area")
            .order_by("area__path", "code")
        )

    def fingerprint(self) -> str:
        """The choices a preview showed, to confirm only what was previewed."""
        ids = ",".join(str(pk) for pk in sorted(branch.pk for branch in self.cleaned_data["branches"]))
        return f"{ids}:{self.cleaned_data['effective_on'].isoformat()}"
