from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from core.admin import ReadOnlyInlineMixin, ScopedAdmin, has_admin_role

from . import notes
from .models import Assignment, Cadre, NoteAttachment, OrientationNote, month_start

# --- Orientation notes ----------------------------------------------------------------------------


def may_direct(user) -> bool:
    """Administrators, provincial, district and commune staff publish notes (not the cadres)."""
    return has_admin_role(user) and user.can_direct


class DirectingPermissionsMixin:
    """Notes are written by those who direct, each in their own unit: a commune reads its
    province's note here, it does not change it."""

    edit_check = staticmethod(may_direct)

    def _note_of(self, obj) -> OrientationNote | None:
        return obj

    def has_change_permission(self, request, obj=None):
        note = self._note_of(obj)
        return super().has_change_permission(request, obj) and (note is None or notes.may_change(request.user, note))

    def has_delete_permission(self, request, obj=None):
        note = self._note_of(obj)
        return super().has_delete_permission(request, obj) and (note is None or notes.may_change(request.user, note))


def download_link(attachment: NoteAttachment):
    """The scoped download page (files have no public address)."""
    try:
        url = reverse("notes:file", args=[attachment.pk])
    except NoReverseMatch:
        return attachment.name
    return format_html('<a href="{}">{}</a>', url, attachment.name)


class NoteAttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Files are added on the note's page, where they are checked (cadres.uploads)."""

    model = NoteAttachment
    fields = ("download", "size_shown", "file_type")

    @admin.display(description=_("file"))
    def download(self, obj):
        return download_link(obj)

    @admin.display(description=_("size"))
    def size_shown(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("file type"))
    def file_type(self, obj):
        return obj.content_type


class OrientationNoteAdminForm(forms.ModelForm):
    class Meta:
        model = OrientationNote
        fields = ("area", "month", "organizations", "title", "text")

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month_start(month) if month else month


@admin.register(OrientationNote)
class OrientationNoteAdmin(DirectingPermissionsMixin, ScopedAdmin):
    form = OrientationNoteAdminForm
    list_display = ("title", "month", "area", "published_by", "published_at", "file_count")
    list_select_related = ("area", "published_by")
    list_filter = (AreaFilter, "organizations")
    search_fields = ("title", "area__name")
    autocomplete_fields = ("area",)
    filter_horizontal = ("organizations",)
    ordering = ("-month", "area__path", "title")
    date_hierarchy = "month"
    inlines = [NoteAttachmentInline]
    # A note is published for a unit (never a hamlet) in force.
    picker_filters = {"area": Q(level__in=notes.PUBLISHING_LEVELS, valid_to__isnull=True)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attachment_count=Count("attachments"))

    @admin.display(description=_("files"), ordering="attachment_count")
    def file_count(self, obj):
        return obj.attachment_count

    def get_readonly_fields(self, request, obj=None):
        return ("published_by", "published_at") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        notes.delete_note(note=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for note in queryset.select_related("area"):
            notes.delete_note(note=note, user=request.user)


@admin.register(NoteAttachment)
class NoteAttachmentAdmin(DirectingPermissionsMixin, ScopedAdmin):
    """The files, to read and remove; they are added on the note's page, where they are checked."""

    list_display = ("name", "note", "size_shown", "file_type")
    list_select_related = ("note",)
    search_fields = ("name", "note__title")
    fields = ("note", "download", "size_shown", "file_type")
    readonly_fields = fields
    ordering = ("note", "name")

    def _note_of(self, obj):
        return obj.note if obj is not None else None

    def has_add_permission(self, request, *args):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return download_link(obj)

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("file type"), ordering="content_type")
    def file_type(self, obj):
        return obj.content_type

    def delete_model(self, request, obj):
        notes.delete_attachment(attachment=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for attachment in queryset.select_related("note__area"):
            notes.delete_attachment(attachment=attachment, user=request.user)


# --- Cadres and their assignments -----------------------------------------------------------------


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("branch", "start_on", "end_on", "frequency", "report_within_days")
    autocomplete_fields = ("branch",)
    extra = 0


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    list_display = ("name", "position", "level", "area", "user")
    list_select_related = ("area", "user")
    list_filter = (AreaFilter, "level")
    search_fields = ("name", "position")
    autocomplete_fields = ("area", "person", "user")
    ordering = ("area__path", "name")
    str_select_related = ("area",)
    inlines = [AssignmentInline]
    picker_filters = {"area": Q(level__in=notes.PUBLISHING_LEVELS, valid_to__isnull=True)}


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = ("cadre", "branch", "start_on", "end_on", "frequency", "report_within_days")
    list_select_related = ("cadre", "branch")
    list_filter = (AreaFilter, "frequency", ("end_on", admin.EmptyFieldListFilter))
    search_fields = ("cadre__name", "branch__name", "branch__code")
    autocomplete_fields = ("cadre", "branch")
    ordering = ("branch__area__path", "branch__name", "-start_on")
    str_select_related = ("cadre", "branch")
