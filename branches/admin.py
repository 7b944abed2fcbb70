from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.admin import AreaFilter, HistoricalReferenceAdmin, ReferenceAdmin, ScopedAdmin, ScopedInlineMixin
from workbooks.admin import WorkbookAdminMixin

from .models import AllowanceRate, Area, AreaLevel, Branch, BranchKind, Officer, Organization

LEVEL_RANK = {AreaLevel.PROVINCE: 1, AreaLevel.DISTRICT: 2, AreaLevel.COMMUNE: 3, AreaLevel.HAMLET: 4}


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ("parent", "level", "unit_type", "name", "code", "structure")

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent", self.instance.parent if self.instance.pk else None)
        level = cleaned.get("level") or self.instance.level
        if parent is not None and level and LEVEL_RANK[level] <= LEVEL_RANK[parent.level]:
            self.add_error(
                "level" if "level" in self.fields else None,
                _("An area must be of a lower level than its parent area (%(parent)s is a %(level)s).")
                % {"parent": parent.full_name, "level": AreaLevel(parent.level).label.lower()},
            )
        return cleaned


@admin.register(Area)
class AreaAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind = "areas"
    form = AreaForm
    list_display = ("full_name", "code", "level", "parent", "structure")
    list_select_related = ("parent",)
    list_filter = ("level", AreaFilter, "structure", "unit_type")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    fields = ("parent", "level", "unit_type", "name", "code", "structure", "path")
    # A parent is a province, district or commune.
    picker_filters = {"parent": ~Q(level=AreaLevel.HAMLET)}
    # Reverting could change a code and break the paths below the area.
    allow_revert = False

    @admin.display(description=_("name"), ordering="name")
    def full_name(self, obj):
        return obj.full_name

    def get_readonly_fields(self, request, obj=None):
        readonly = ["path"]
        if obj is not None:
            # The path of every area below is built from these: they are fixed once created.
            readonly += ["parent", "level", "code"]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.sees_everything and "parent" in form.base_fields:
            # Staff add areas below their own; only administrators add provinces.
            form.base_fields["parent"].required = True
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "level" and not request.user.sees_everything:
            kwargs["choices"] = [(value, label) for value, label in AreaLevel.choices if value != AreaLevel.PROVINCE]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _is_own_area(self, request, obj) -> bool:
        return obj is not None and not request.user.sees_everything and obj.pk == request.user.area_id

    def has_change_permission(self, request, obj=None):
        # Staff change the areas below their own, not their own district or commune.
        return super().has_change_permission(request, obj) and not self._is_own_area(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_own_area(request, obj)


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


@admin.register(Branch)
class BranchAdmin(WorkbookAdminMixin, ScopedAdmin):
    workbook_kind, workbook_export = "branches", True
    list_display = ("name", "code", "organization", "area", "kind", "founded_on", "dissolved_on")
    list_select_related = ("organization", "area")
    list_filter = (AreaFilter, "organization", "kind", ("dissolved_on", admin.EmptyFieldListFilter))
    search_fields = ("name", "code", "area__name")
    autocomplete_fields = ("area",)
    ordering = ("area__path", "organization__sort_order", "name")
    fields = ("organization", "area", "kind", "name", "code", "founded_on", "dissolved_on")
    # A residential branch sits in a hamlet; a professional one may sit on a commune.
    picker_filters = {"area": Q(level__in=[AreaLevel.HAMLET, AreaLevel.COMMUNE])}
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
