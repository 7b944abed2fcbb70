from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from core.admin import HistoricalReferenceAdmin, ReferenceInlineMixin, ScopedAdmin, yes_no_icon
from core.downloads import Counted, log_download
from core.models import DownloadKind
from workbooks.admin import WorkbookAdminMixin
from workbooks.kinds import fees as fee_workbooks
from workbooks.templates import write_workbook
from workbooks.views import xlsx_response

from .models import CategoryAssignment, FeeCategory, FeePayment, FeeRate, FeeShare
from .services import money


class FeeRateInline(ReferenceInlineMixin, admin.TabularInline):
    model = FeeRate
    fields = ("amount", "valid_from", "valid_to")
    ordering = ("-valid_from",)


@admin.register(FeeCategory)
class FeeCategoryAdmin(HistoricalReferenceAdmin):
    """Reference data: administrators set the categories and their rates; everyone reads them."""

    list_display = ("name", "code", "organization", "default", "sort_order")
    list_select_related = ("organization",)
    list_filter = ("organization",)
    search_fields = ("name", "code")
    ordering = ("organization__sort_order", "sort_order", "code")
    fields = ("organization", "code", "name", "is_default", "sort_order")
    inlines = [FeeRateInline]

    def get_fields(self, request, obj=None):
        # Readers see the page read-only: the flag as an icon that says yes or no in their language.
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return ["default" if name == "is_default" else name for name in fields]

    @admin.display(description=_("default"), ordering="is_default")
    def default(self, obj):
        return yes_no_icon(obj.is_default)


@admin.register(FeeShare)
class FeeShareAdmin(HistoricalReferenceAdmin):
    list_display = ("organization", "percent", "valid_from", "valid_to")
    list_select_related = ("organization",)
    list_filter = ("organization",)
    ordering = ("organization__sort_order", "-valid_from")
    fields = ("organization", "percent", "valid_from", "valid_to")


class CategoryAssignmentForm(forms.ModelForm):
    class Meta:
        model = CategoryAssignment
        fields = ("membership", "category", "valid_from")

    def clean(self):
        cleaned = super().clean()
        membership, category = cleaned.get("membership"), cleaned.get("category")
        if membership is not None and category is not None and category.organization_id != membership.organization_id:
            raise ValidationError({"category": _("This category belongs to another organization.")})
        return cleaned


@admin.register(CategoryAssignment)
class CategoryAssignmentAdmin(ScopedAdmin):
    """Members' categories, in the user's area (by the member's branch), as the category page sets them."""

    form = CategoryAssignmentForm
    list_display = ("membership", "category", "valid_from")
    list_select_related = ("membership__person", "membership__organization", "category")
    list_filter = (AreaFilter, "category__organization", "category")
    search_fields = ("membership__branch__code",)
    folded_search_fields = ("membership__person__name_key",)
    autocomplete_fields = ("membership",)
    ordering = ("membership__branch__area__path", "membership__person__sort_key", "valid_from")
    str_select_related = ("membership__person", "membership__organization", "category")


@admin.register(FeePayment)
class FeePaymentAdmin(WorkbookAdminMixin, ScopedAdmin):
    """Payments are recorded on the branch's collection grid or by a workbook; here they are read."""

    workbook_kind, workbook_export = "fees", True
    list_display = ("membership", "period", "amount_display", "paid_on", "collected_by", "recorded_by")
    list_select_related = ("membership__person", "membership__organization", "recorded_by")
    list_filter = (AreaFilter, "membership__organization", "year", "month")
    search_fields = ("membership__branch__code", "collected_by")
    folded_search_fields = ("membership__person__name_key",)
    ordering = ("-year", "-month", "membership__branch__area__path", "membership__person__sort_key")
    fields = ("membership", "year", "month", "amount", "paid_on", "collected_by", "recorded_by")
    str_select_related = ("membership__person", "membership__organization")
    allow_revert = False

    @admin.display(description=_("month"), ordering="year")
    def period(self, obj):
        return f"{obj.month:02d}/{obj.year}"

    @admin.display(description=_("amount (đồng)"), ordering="amount")
    def amount_display(self, obj):
        return money(obj.amount)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def export_action(self, request):
        """The listed payments in the fees template's layout (re-imported unchanged)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:fees_feepayment_changelist") + "?e=1")
        file_name = f"fees-{timezone.localdate():%Y%m%d}.xlsx"
        rows = Counted(fee_workbooks.export_rows(queryset, personal=request.user.can_edit))
        content = write_workbook(self.workbook_kind, rows)
        log_download(request=request, kind=DownloadKind.MEMBERS, file_name=file_name, rows=rows.count)
        return xlsx_response(content, file_name)
