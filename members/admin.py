import re

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from areas.models import AreaLevel
from core.admin import ReadOnlyInlineMixin, ScopedAdmin, folded_words_q
from workbooks.admin import WorkbookAdminMixin

from . import privacy, services
from .forms import CccdInAreaMixin
from .models import Membership, MembershipPeriod, Person, TargetPopulation

_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")


class PersonForm(CccdInAreaMixin, forms.ModelForm):
    """Its ``user`` is given per request by ``PersonAdmin.get_form``: the CCCD check answers for their area."""

    class Meta:
        model = Person
        fields = services.PERSON_FIELDS


class PersonMembershipInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Membership
    fields = ("organization", "branch", "status", "joined_on", "ended_on", "end_reason")
    show_change_link = True
    verbose_name_plural = _("memberships")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "branch")


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonForm
    list_display = ("full_name_display", "birth", "gender", "residence", "cccd", "phone")
    list_select_related = ("residence",)
    list_filter = (AreaFilter, "gender")
    # The search is get_search_results below; Django needs a field listed to show the box.
    search_fields = ("name_key",)
    search_help_text = _("Name, with or without accents; CCCD or phone number, exactly.")
    autocomplete_fields = ("residence",)
    picker_filters = {"residence": Q(level=AreaLevel.HAMLET, valid_to__isnull=True)}
    ordering = ("sort_key",)
    personal_fields = privacy.PERSON_PERSONAL_FIELDS
    fieldsets = (
        (None, {"fields": ("full_name", "birth_date", "birth_year", "gender", "ethnicity", "religion")}),
        (_("Identity and contact"), {"fields": ("cccd", "phone")}),
        (_("Residence and work"), {"fields": ("residence", "education", "occupation", "party_joined_on", "note")}),
    )
    inlines = [PersonMembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})  # for PersonForm's CCCD check

    @admin.display(description=_("full name"), ordering="sort_key")
    def full_name_display(self, obj):
        return obj.full_name

    @admin.display(description=_("birth date"), ordering="birth_year")
    def birth(self, obj):
        return obj.birth_date.strftime("%d/%m/%Y") if obj.birth_date else obj.birth_year

    def get_search_results(self, request, queryset, search_term):
        # Only the autocomplete restrictions of the base class: the name search is done here.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        term = search_term.strip()
        if not term:
            return queryset, may_have_duplicates
        query = folded_words_q("name_key", term)
        digits = _NUMBER_SEPARATORS.sub("", term)
        if digits.isdigit() and not self.hidden_fields(request):
            # Personal numbers are searched only by those allowed to see them.
            query |= Q(cccd=digits) | Q(phone=digits) | Q(phone=term)
        return queryset.filter(query), may_have_duplicates


class MembershipPeriodInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MembershipPeriod
    fields = ("branch", "status", "valid_from", "valid_to")
    verbose_name_plural = _("branch and status over time")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("branch")


MEMBERSHIP_ADD_FIELDS = ("person", "branch", "joined_on", "status", "card_number", "introduced_to_party_on", "note")
# Changed only through members.services (transfer, status change, ending), which keep the periods.
MEMBERSHIP_SERVICE_FIELDS = ("person", "organization", "branch", "status", "joined_on", "ended_on", "end_reason")


class MembershipAddForm(forms.ModelForm):
    """The organization is the branch's; it is validated with the rest (one open membership each)."""

    class Meta:
        model = Membership
        fields = MEMBERSHIP_ADD_FIELDS

    def clean(self):
        cleaned = super().clean()
        branch = cleaned.get("branch")
        if branch is not None:
            self.instance.organization_id = branch.organization_id
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.organization_id is not None:
            # Not form fields, but the constraint "one open membership per organization" reads them.
            exclude -= {"organization", "ended_on", "end_reason"}
        return exclude


@admin.register(Membership)
class MembershipAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind, workbook_export = "members", True
    list_display = ("person", "organization", "branch", "status", "joined_on", "card_number", "ended_on")
    list_select_related = ("person", "organization", "branch")
    list_filter = (
        AreaFilter,
        "organization",
        "status",
        ("ended_on", admin.EmptyFieldListFilter),
        "end_reason",
    )
    search_fields = ("card_number", "branch__code", "branch__name")
    folded_search_fields = ("person__name_key",)
    autocomplete_fields = ("person", "branch")
    ordering = ("branch__area__path", "branch__name", "person__sort_key")
    str_select_related = ("person", "organization")
    personal_fields = privacy.MEMBERSHIP_PERSONAL_FIELDS
    inlines = [MembershipPeriodInline]
    add_fieldsets = [
        (
            None,
            {
                "fields": MEMBERSHIP_ADD_FIELDS,
                "description": _(
                    "The organization is the branch's. The membership's first period (branch and status) "
                    "starts on the joining date."
                ),
            },
        )
    ]
    fieldsets = [
        (
            None,
            {
                "fields": ("person", "organization", "branch", "status", "joined_on"),
                "description": _(
                    "Transfers, status changes and endings are recorded with their dates through the "
                    "membership's own pages, which keep the history below; these fields cannot be changed here."
                ),
            },
        ),
        (None, {"fields": ("card_number", "introduced_to_party_on", "note")}),
        (_("End of membership"), {"fields": ("ended_on", "end_reason")}),
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # A reverted version would change the branch or status without its period.
    allow_revert = False

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets  # only those who may change memberships add one
        return super().get_fieldsets(request, obj)  # without the personal fields for those who only read

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *MEMBERSHIP_SERVICE_FIELDS] if obj is not None else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.create_membership(
            person=data["person"],
            branch=data["branch"],
            joined_on=data["joined_on"],
            status=data["status"],
            card_number=data.get("card_number", ""),
            introduced_to_party_on=data.get("introduced_to_party_on"),
            note=data.get("note", ""),
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj.organization_id = created.organization_id
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(TargetPopulation)
class TargetPopulationAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind = "targets"
    list_display = ("hamlet", "commune", "organization", "year", "count")
    list_select_related = ("hamlet__parent", "organization")
    list_filter = (AreaFilter, "organization", "year")
    search_fields = ("hamlet__name", "hamlet__code")
    autocomplete_fields = ("hamlet",)
    picker_filters = {"hamlet": Q(level=AreaLevel.HAMLET, valid_to__isnull=True)}
    ordering = ("hamlet__path", "organization__sort_order", "-year")
    str_select_related = ("hamlet", "organization")

    @admin.display(description=_("commune"), ordering="hamlet__parent__name")
    def commune(self, obj):
        return obj.hamlet.parent
