"""The imports in the admin, and the import/export buttons other admins get from ``WorkbookAdminMixin``.

The admin's Import button leads to the same preview-and-confirm page as district staff
use (workbooks.views), so an import from the admin has the same checks, speed and
all-or-nothing rule; django-import-export's own row-by-row import is not used. Its
Export button writes the changelist's rows (scoped and filtered as listed) in the
template's layout with the same writer, so an exported file re-imports unchanged.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from core.admin import NotFoundOutsideScopeMixin, RolePermissionsMixin, has_admin_role, may_edit

from . import selectors, templates
from .models import BLOB_FIELDS, ImportBatch, ImportKind
from .views import xlsx_response


class WorkbookAdminMixin(ImportExportMixin):
    """Import and Export buttons on a changelist, carried out by this app."""

    workbook_kind: str = ""
    workbook_export = False

    def has_import_permission(self, request):
        return may_edit(request.user)

    def has_export_permission(self, request):
        return self.workbook_export and has_admin_role(request.user)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return redirect(f"{reverse('workbooks:import')}?kind={self.workbook_kind}")

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        queryset = self.get_export_queryset(request)
        if self.workbook_kind == ImportKind.BRANCHES:
            rows = selectors.branch_rows(queryset)
        else:
            rows = selectors.member_rows(queryset, personal=request.user.can_edit)
        content = templates.write_workbook(self.workbook_kind, rows)
        return xlsx_response(content, f"{self.workbook_kind}-{timezone.localdate():%Y%m%d}.xlsx")


@admin.register(ImportBatch)
class ImportBatchAdmin(RolePermissionsMixin, NotFoundOutsideScopeMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "file_name",
        "created_by",
        "state",
        "created_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
    )
    list_filter = ("kind", "state")
    search_fields = ("file_name", "file_sha256")
    fields = (
        "kind",
        "state",
        "file_name",
        "file_sha256",
        "file_size",
        "created_by",
        "created_at",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
        "error",
        "imported_at",
        "undone_at",
        "undone_by",
    )
    readonly_fields = fields
    list_select_related = ("created_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).defer(*BLOB_FIELDS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("open"))
    def view_on_site(self, obj):
        return reverse("workbooks:batch", args=[obj.pk])
