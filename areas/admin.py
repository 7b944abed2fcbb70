"""The admin of the area tree, and the area filter every scoped admin list offers."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.admin import ReferenceAdmin, ScopedAdmin, may_edit_reference
from workbooks.admin import WorkbookAdminMixin

from .models import Area, AreaLevel, Reorganization


class AreaFilter(admin.SimpleListFilter):
    """The districts and communes inside the user's scope; filters by the model's scope path.

    The choices cost one query. For a scope too wide to list every commune (a whole
    country for an administrator), it falls back to provinces and districts. A province
    holds a hundred communes or more, so the filter is a box to type a name or code in
    (``admin/area_filter.html``), not a column of links.
    """

    title = _("area")
    parameter_name = "in_area"
    max_choices = 500
    template = "admin/area_filter.html"

    def lookups(self, request, model_admin):
        levels = [AreaLevel.DISTRICT, AreaLevel.COMMUNE]
        if request.user.sees_everything:
            levels.insert(0, AreaLevel.PROVINCE)
        # Units in force only: what sat in an ended unit is in its successor now.
        base = Area.objects.visible_to(request.user).filter(valid_to__isnull=True)
        base = base.select_related("parent").only(
            "path", "level", "unit_type", "name", "code", "parent__unit_type", "parent__name"
        )
        base = base.order_by("path")
        if request.user.area_id is not None:
            base = base.exclude(pk=request.user.area_id)
        areas = list(base.filter(level__in=levels)[: self.max_choices + 1])
        if len(areas) > self.max_choices:
            areas = list(base.filter(level__in=[AreaLevel.PROVINCE, AreaLevel.DISTRICT])[: self.max_choices])
        # What the box matches as the user types: the name, the code and the unit above,
        # so that the many "Xã Tân Phú" are told apart.
        self.search_labels = {
            area.path: " · ".join(
                part for part in (f"{area.full_name} ({area.code})", area.parent and area.parent.full_name) if part
            )
            for area in areas
        }
        top = min((area.path.count("/") for area in areas), default=0)
        return [(area.path, "— " * (area.path.count("/") - top) + area.full_name) for area in areas]

    def choices(self, changelist):
        choices = super().choices(changelist)
        yield next(choices)  # all areas
        for choice, (path, _label) in zip(choices, self.lookup_choices, strict=True):
            yield {**choice, "search_label": self.search_labels[path]}

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not (value.startswith("/") and value.endswith("/")):
            return queryset
        # The model's own scope predicate, so a person matches where they live or belong.
        return queryset.filter(queryset.model.scope_q(value))


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
    list_display = ("full_name", "code", "level", "parent", "structure", "valid_from", "last_day")
    list_select_related = ("parent",)
    list_filter = ("level", AreaFilter, "structure", "unit_type")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    fields = ("parent", "level", "unit_type", "name", "code", "structure", "path", "valid_from", "last_day")
    # A parent is a province, district or commune.
    picker_filters = {"parent": ~Q(level=AreaLevel.HAMLET) & Q(valid_to__isnull=True)}
    # Reverting could change a code and break the paths below the area.
    allow_revert = False

    @admin.display(description=_("name"), ordering="name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("in force until"))
    def last_day(self, obj):
        # Formatted here: the change form shows what a method returns as it is ("None", 2025-06-30).
        if obj.last_day is None:
            return self.get_empty_value_display()
        return formats.date_format(obj.last_day, "SHORT_DATE_FORMAT")

    def get_readonly_fields(self, request, obj=None):
        # Dates in force come from reorganisations (reorganize_areas), not from this form.
        readonly = ["path", "valid_from", "last_day"]
        if obj is not None:
            # The path of every area below is built from these: they are fixed once created.
            readonly += ["parent", "level", "code", "structure"]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.sees_everything and "parent" in form.base_fields:
            # Staff add areas below their own; only administrators add provinces.
            form.base_fields["parent"].required = True
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "level" and not request.user.sees_everything:
            # Staff add hamlets, as on the pages; the official units come from load_areas.
            kwargs["choices"] = [(value, label) for value, label in AreaLevel.choices if value == AreaLevel.HAMLET]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _staff_may_not_touch(self, request, obj) -> bool:
        """Staff change the hamlets below their own area, as on the pages (``update_hamlet``).

        Provinces, districts and communes are official units: loaded by load_areas, ended and
        begun by reorganisations; district and commune staff read them. Administrators may
        correct them here (SPEC section 4: everything, all areas); their code, level, parent
        and structure stay fixed, since every path below is built from them.
        """
        if obj is None or request.user.sees_everything:
            return False
        return obj.pk == request.user.area_id or obj.level != AreaLevel.HAMLET

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._staff_may_not_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._staff_may_not_touch(request, obj)


@admin.register(Reorganization)
class ReorganizationAdmin(ReferenceAdmin):
    """The reorganisations applied, for administrators to read (reorganize_areas applies and undoes them)."""

    view_check = staticmethod(may_edit_reference)
    list_display = ("__str__", "effective_on", "provinces", "created_at", "created_by", "undone_at")
    readonly_fields = [field.name for field in Reorganization._meta.fields if field.editable]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
