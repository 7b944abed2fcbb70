from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from areas.models import AreaLevel
from core.admin import (
    HistoricalReferenceAdmin,
    ReferenceAdmin,
    ReferenceInlineMixin,
    ScopedAdmin,
    ScopedInlineMixin,
)
from workbooks.admin import WorkbookAdminMixin

from . import services, terms
from .models import AllowanceRate, Branch, BranchKind, BranchTerm, FundingSource, Officer, Organization


@admin.register(Organization)
class OrganizationAdmin(ReferenceAdmin):
    list_display = ("code", "name", "short_name", "branch_word", "member_word", "min_age", "max_age", "sort_order")
    search_fields = ("code", "name", "short_name")
    ordering = ("sort_order", "code")


class OfficerInline(ScopedInlineMixin, admin.TabularInline):
    model = Officer
    fields = ("person", "role", "start_on", "end_on")
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


BRANCH_ADMIN_FIELDS = ("organization", "area", "kind", "name", "code", "founded_on", "dissolved_on")


class BranchAdminForm(forms.ModelForm):
    """The pages' rules on a branch's change (``branches.services``), with their errors on the form."""

    class Meta:
        model = Branch
        fields = BRANCH_ADMIN_FIELDS

    def clean(self):
        cleaned = super().clean()
        # Before _post_clean: the instance still holds the stored values.
        try:
            services.check_organization_change(branch=self.instance, organization=cleaned.get("organization"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(Branch)
class BranchAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind, workbook_export = "branches", True
    form = BranchAdminForm
    list_display = ("name", "code", "organization", "area", "kind", "founded_on", "dissolved_on")
    list_select_related = ("organization", "area")
    list_filter = (AreaFilter, "organization", "kind", ("dissolved_on", admin.EmptyFieldListFilter))
    search_fields = ("name", "code", "area__name")
    autocomplete_fields = ("area",)
    ordering = ("area__path", "organization__sort_order", "name")
    fields = BRANCH_ADMIN_FIELDS
    # A residential branch sits in a hamlet; a professional one may sit on a commune.
    picker_filters = {"area": Q(level__in=[AreaLevel.HAMLET, AreaLevel.COMMUNE], valid_to__isnull=True)}
    inlines = [OfficerInline]
    radio_fields = {"kind": admin.HORIZONTAL}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("kind", BranchKind.RESIDENTIAL)
        return initial


@admin.register(Officer)
class OfficerAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind = "officers"
    list_display = ("person", "role", "branch", "start_on", "end_on")
    list_select_related = ("person", "branch")
    list_filter = (AreaFilter, "branch__organization", "role", ("end_on", admin.EmptyFieldListFilter))
    search_fields = ("branch__name", "branch__code")
    folded_search_fields = ("person__name_key",)
    autocomplete_fields = ("branch", "person")
    ordering = ("branch__area__path", "branch__name", "role", "-start_on")
    str_select_related = ("person",)

    def save_model(self, request, obj, form, change):
        if obj.term_id is None:  # elected for the term in force when taking office, as on the pages
            obj.term = terms.term_for_officer(officer=obj)
        super().save_model(request, obj, form, change)


def _money(amount: int) -> str:
    return formats.number_format(amount, force_grouping=True)


@admin.register(AllowanceRate)
class AllowanceRateAdmin(HistoricalReferenceAdmin):
    list_display = ("source", "role", "amount_display", "valid_from", "valid_to")
    list_select_related = ("source",)
    list_filter = ("source", "role")
    ordering = ("source__sort_order", "source__name", "role", "-valid_from")
    fields = ("source", "role", "amount", "valid_from", "valid_to")

    @admin.display(description=_("amount per month (đồng)"), ordering="amount")
    def amount_display(self, obj):
        return _money(obj.amount)


class AllowanceRateInline(ReferenceInlineMixin, admin.TabularInline):
    model = AllowanceRate
    fields = ("role", "amount", "valid_from", "valid_to")
    ordering = ("role", "-valid_from")


@admin.register(FundingSource)
class FundingSourceAdmin(HistoricalReferenceAdmin):
    """Who pays the allowances, in which area; its rates below (they add up with other sources')."""

    list_display = ("name", "level", "area", "decision", "sort_order")
    list_select_related = ("area",)
    list_filter = ("level",)
    search_fields = ("name", "decision")
    autocomplete_fields = ("area",)
    ordering = ("sort_order", "name")
    fields = ("name", "level", "area", "decision", "sort_order")
    # A source pays the branches of a province, a district or town, or a commune.
    picker_filters = {"area": ~Q(level=AreaLevel.HAMLET)}
    inlines = [AllowanceRateInline]


@admin.register(BranchTerm)
class BranchTermAdmin(ScopedAdmin):
    list_display = ("branch", "start_on", "end_on", "congress_on", "committee_size")
    list_select_related = ("branch",)
    list_filter = (AreaFilter, "branch__organization", "end_on")
    search_fields = ("branch__name", "branch__code")
    autocomplete_fields = ("branch",)
    ordering = ("branch__area__path", "branch__name", "-start_on")
    fields = ("branch", "congress_on", "start_on", "end_on", "committee_size")
    str_select_related = ("branch",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        terms.elect_officers(obj)  # as the term pages do
