"""The imports in the admin, and the import/export buttons other admins get from ``WorkbookAdminMixin``.

The admin's Import button leads to the same preview-and-confirm page as district staff
use (workbooks.views), so an import from the admin has the same checks, speed and
all-or-nothing rule. Its Export button writes the changelist's rows (scoped and filtered
as listed) in the template's layout with the same writer, so an exported file re-imports
unchanged.

django-import-export lends only its changelist template (the two buttons). None of its
views is routed: its row-by-row importer (``import/``'s preview, ``process_import/``, its
confirmation) and its exporter know nothing of scope, services or rating rules, so the mixin
inherits none of them and registers its own two URLs under the names the template reverses.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import NotFoundOutsideScopeMixin, RolePermissionsMixin, has_admin_role, may_edit
from core.downloads import Counted, log_download
from core.models import DownloadKind

from . import selectors, templates
from .models import BLOB_FIELDS, ImportBatch, ImportKind
from .views import xlsx_response


class WorkbookAdminMixin:
    """Import and Export buttons on a changelist, both carried out by this app."""

    workbook_kind: str = ""
    workbook_export = False
    # django-import-export's template: the changelist with an Import and an Export button.
    change_list_template = "admin/import_export/change_list_import_export.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path("import/", self.admin_site.admin_view(self.import_action), name="{}_{}_import".format(*info)),
            path("export/", self.admin_site.admin_view(self.export_action), name="{}_{}_export".format(*info)),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "ie_base_change_list_template": "admin/change_list.html",
            "has_import_permission": self.has_import_permission(request),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def has_import_permission(self, request):
        return may_edit(request.user)

    def has_export_permission(self, request):
        return self.workbook_export and has_admin_role(request.user)

    def import_action(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return redirect(f"{reverse('workbooks:import')}?kind={self.workbook_kind}")

    def get_export_queryset(self, request):
        """The rows the changelist lists for this request (scoped, filtered, searched), all of them."""
        return self.get_changelist_instance(request).queryset

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            # As the changelist answers a filter it cannot apply.
            changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{changelist}?e=1")
        file_name = f"{self.workbook_kind}-{timezone.localdate():%Y%m%d}.xlsx"
        if self.workbook_kind == ImportKind.BRANCHES:  # branches only: no personal data, no log
            content = templates.write_workbook(self.workbook_kind, selectors.branch_rows(queryset))
            return xlsx_response(content, file_name)
        rows = Counted(selectors.member_rows(queryset, personal=request.user.can_edit))
        content = templates.write_workbook(self.workbook_kind, rows)
        log_download(request=request, kind=DownloadKind.MEMBERS, file_name=file_name, rows=rows.count)
        return xlsx_response(content, file_name)


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
