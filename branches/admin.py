from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from areas.models import AreaLevel
from core.admin import HistoricalReferenceAdmin, ReferenceAdmin, ScopedAdmin, ScopedInlineMixin
from workbooks.admin import WorkbookAdminMixin

from . import services
from .models import AllowanceRate, Branch, BranchKind, Officer, Organization


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


@admin.register(AllowanceRate)
class AllowanceRateAdmin(HistoricalReferenceAdmin):
    list_display = ("role", "amount_display", "valid_from", "valid_to")
    list_filter = ("role",)
    ordering = ("role", "-valid_from")

    @admin.display(description=_("amount per month (đồng)"), ordering="amount")
    def amount_display(self, obj):
        return formats.number_format(obj.amount, force_grouping=True)
