from decimal import ROUND_HALF_UP, Decimal

from django.contrib import admin
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from core.admin import ScopedAdmin, ScopedInlineMixin

from .models import CadreVisit, Meeting


class CadreVisitInline(ScopedInlineMixin, admin.StackedInline):
    model = CadreVisit
    fields = (("cadre_name", "position", "level"), ("quality", "reported_on"), "concerns", "proposals")


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ("branch", "held_on", "kind", "members_present", "members_on_roll", "attendance")
    list_select_related = ("branch",)
    list_filter = (AreaFilter, "branch__organization", "kind")
    date_hierarchy = "held_on"
    search_fields = ("branch__name", "branch__code", "chaired_by")
    autocomplete_fields = ("branch",)
    ordering = ("-held_on", "branch__name")
    fields = ("branch", "held_on", "kind", "chaired_by", "members_present", "members_on_roll", "content")
    str_select_related = ("branch",)
    inlines = [CadreVisitInline]

    @admin.display(description=_("attendance rate"))
    def attendance(self, obj):
        if not obj.members_on_roll:
            return ""
        rate = (Decimal(obj.members_present) * 100 / obj.members_on_roll).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        return f"{formats.number_format(rate, 2)}%"


@admin.register(CadreVisit)
class CadreVisitAdmin(ScopedAdmin):
    list_display = ("cadre_name", "position", "level", "meeting", "quality", "reported_on")
    list_select_related = ("meeting__branch",)
    list_filter = (AreaFilter, "meeting__branch__organization", "level", "quality")
    search_fields = ("cadre_name", "position", "meeting__branch__name", "meeting__branch__code")
    autocomplete_fields = ("meeting",)
    ordering = ("-meeting__held_on", "cadre_name")
    str_select_related = ("meeting__branch",)
