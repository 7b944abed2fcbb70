"""Base classes for the admin: every page goes through the user's role and ``visible_to``.

- ``ScopedAdmin`` serves the models that lie in an area (branches, people, memberships, …).
  Its queryset is ``Model.objects.visible_to(user)``, the one scoping mechanism; an object
  outside it answers 404 on its change, delete and history pages, and every foreign-key
  picker offers only what the user sees.
- ``ReferenceAdmin`` serves the reference data every role reads and only administrators
  change (organizations, rating schemes, allowance rates, accounts).

Permissions come from the role (``User.can_edit``, ``User.sees_everything``), not from
Django's permission tables: any active staff user with a role may view; administrators,
district and commune staff may add, change and delete; provincial officers only read.
"""

import collections
import dataclasses

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import Q
from django.http import Http404
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.models import DownloadLog
from core.scoping import ScopedQuerySet
from core.vietnamese import fold

# ---------------------------------------------------------------------------
# Who may do what


def has_admin_role(user) -> bool:
    """An active staff account with a role: may open the admin and read what it sees."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and (user.is_superuser or user.has_role))


def may_edit(user) -> bool:
    """Administrators, district and commune staff; never provincial officers."""
    return has_admin_role(user) and user.can_edit


def may_edit_reference(user) -> bool:
    """Reference data and accounts: administrators only."""
    return has_admin_role(user) and user.sees_everything


class RolePermissionsMixin:
    """Admin permissions from the role. ``edit_check`` decides add, change and delete."""

    edit_check = staticmethod(may_edit)
    view_check = staticmethod(has_admin_role)

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def has_module_permission(self, request):
        return self.view_check(request.user)

    def has_view_permission(self, request, obj=None):
        return self.view_check(request.user)

    def has_add_permission(self, request, *args):  # inlines pass the parent object too
        return self.edit_check(request.user)

    def has_change_permission(self, request, obj=None):
        return self.edit_check(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.edit_check(request.user)


# ---------------------------------------------------------------------------
# Pickers


def scoped_choices(db_field, request, ordering=None):
    """The objects a foreign key may point to for this user, or None when the target is not scoped."""
    queryset = db_field.remote_field.model._default_manager.get_queryset()
    if not isinstance(queryset, ScopedQuerySet):
        return None
    queryset = queryset.visible_to(request.user)
    if ordering:
        queryset = queryset.order_by(*ordering)
    return queryset


class ScopedPickersMixin:
    """Every foreign-key picker offers only the objects the user sees.

    ``picker_filters`` narrows a picker further ({"area": Q(level="hamlet")}); it applies to
    the form field and to the autocomplete endpoint when this admin's form asks it.
    """

    picker_filters: dict[str, Q] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            try:
                ordering = self.admin_site.get_model_admin(db_field.remote_field.model).get_ordering(request)
            except NotRegistered:
                ordering = None
            queryset = scoped_choices(db_field, request, ordering)
            if queryset is not None:
                extra = self.picker_filters.get(db_field.name)
                kwargs["queryset"] = queryset.filter(extra) if extra is not None else queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


def autocomplete_source_filter(request, admin_site) -> Q | None:
    """On the autocomplete endpoint, the ``picker_filters`` of the field asking for choices."""
    if not is_autocomplete(request):
        return None
    try:
        source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        source_admin = admin_site.get_model_admin(source_model)
    except (KeyError, LookupError, NotRegistered):
        return None
    return getattr(source_admin, "picker_filters", {}).get(request.GET.get("field_name"))


def folded_words_q(field: str, term: str) -> Q:
    """Every word of ``term`` begins a word of ``field``, ignoring case and diacritics.

    ``field`` holds the folded text (``Person.name_key``): "nguyen van anh" and "anh"
    find "Nguyễn Văn Ánh"; "anh" does not find "Thanh".
    """
    query = Q()
    for word in fold(term).split():
        query &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
    return query


# ---------------------------------------------------------------------------
# Fields only those who may change an object see (CCCD, phone)


class _HidingContextHelper(HistoricalRecordContextHelper):
    hidden: frozenset = frozenset()

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


class PersonalFieldsMixin:
    """``personal_fields`` are shown only to users who may change the object.

    They disappear from the list, the form, the history and the filters that a
    query string could add (``?cccd__startswith=…``).
    """

    personal_fields: tuple[str, ...] = ()

    def hidden_fields(self, request, obj=None) -> frozenset:
        if not self.personal_fields or self.has_change_permission(request, obj):
            return frozenset()
        return frozenset(self.personal_fields)

    def get_list_display(self, request):
        hidden = self.hidden_fields(request)
        return [name for name in super().get_list_display(request) if name not in hidden]

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_fields(request, obj)
        fieldsets = super().get_fieldsets(request, obj)
        if not hidden:
            return fieldsets
        visible = [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in visible if options["fields"]]

    def get_readonly_fields(self, request, obj=None):
        hidden = self.hidden_fields(request, obj)
        return [name for name in super().get_readonly_fields(request, obj) if name not in hidden]

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and lookup.split("__")[0] in self.hidden_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_historical_record_context_helper(self, request, historical_record):
        hidden = self.hidden_fields(request)
        if not hidden:
            return super().get_historical_record_context_helper(request, historical_record)
        helper = _HidingContextHelper(self.model, historical_record)
        helper.hidden = hidden
        return helper


# ---------------------------------------------------------------------------
# Objects outside the scope: 404, on every page


class NotFoundOutsideScopeMixin:
    """An object the user does not see answers 404 (Django would redirect with a message)."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(
            _('%(name)s with ID "%(key)s" does not exist.') % {"name": opts.verbose_name, "key": unquote(object_id)}
        )

    def get_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return obj


class ScopedHistoryMixin(NotFoundOutsideScopeMixin):
    """simple-history's pages, scoped like the others.

    simple-history shows the history of an object missing from the queryset by falling
    back to its last historical record, and its version page reads the historical table
    directly; both would show objects outside the scope. Here the live object must be in
    the user's queryset; only administrators may read the history of deleted objects.
    Reverting to a version is allowed to whoever may change the object, unless the admin
    sets ``allow_revert = False`` (models whose changes must go through a service).
    """

    allow_revert = True

    def _has_simple_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def _check_history_access(self, request, object_id):
        if request.user.sees_everything:
            return self.get_object(request, unquote(object_id))
        return self.get_object_or_404(request, object_id)

    def history_view(self, request, object_id, extra_context=None):
        if not self._has_simple_history():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        self._check_history_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._check_history_access(request, object_id)
        if request.method == "POST" and (obj is None or self.revert_disabled(request, obj)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if not self.allow_revert or not self.has_change_permission(request, obj):
            return True
        return super().revert_disabled(request, obj)


# ---------------------------------------------------------------------------
# The base classes


class ScopedDeletionMixin:
    """The deletion page names only what the user may see.

    A person may hold a membership or an officer's post in another district. Deleting them is
    refused (``PROTECT``) as before, but Django's page would list those records, their dates
    and links; here it counts them instead.
    """

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected and not request.user.sees_everything:
            protected = self.protected_within_scope(objs, request)
        return deleted, model_count, perms_needed, protected

    def protected_within_scope(self, objs, request) -> list:
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        by_model = collections.defaultdict(list)
        for obj in collector.protected:
            by_model[type(obj)].append(obj)
        listed, elsewhere = [], 0
        for model, rows in by_model.items():
            visible = model._default_manager.all()
            if isinstance(visible, ScopedQuerySet):
                visible = visible.visible_to(request.user)
            visible_pks = set(visible.filter(pk__in=[obj.pk for obj in rows]).values_list("pk", flat=True))
            for obj in rows:
                if obj.pk in visible_pks:
                    listed.append(self.deletion_entry(obj))
                else:
                    elsewhere += 1
        if elsewhere:
            listed.append(
                ngettext("%(count)d record in another area", "%(count)d records in other areas", elsewhere)
                % {"count": elsewhere}
            )
        return listed

    def deletion_entry(self, obj) -> str:
        """As Django lists an object on the deletion page: its kind, and a link where it has one."""
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        except NoReverseMatch:
            return format_html("{}: {}", capfirst(opts.verbose_name), obj)
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)


class BoundedChangeList(ChangeList):
    """Django's changelist, sending more wrong parameters to its "wrong parameters" page (``?e=1``).

    Django does so for ``?held_on__year=abc``, but lets through as server errors
    ``?held_on__year=99999999999999999999`` (OverflowError), ``?held_on__year=9999`` (the year
    after it, ValueError) and, on PostgreSQL, a filter's value with a NUL byte
    (``?kind__exact=a%00b``: text columns refuse it when the list is read).
    """

    def get_filters(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            raise IncorrectLookupParameters("a NUL byte in the parameters")
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class ScopedAdmin(
    PersonalFieldsMixin,
    ScopedPickersMixin,
    RolePermissionsMixin,
    ScopedHistoryMixin,
    ScopedDeletionMixin,
    SimpleHistoryAdmin,
):
    """The admin of a model that lies in an area (one with ``visible_to``).

    ``str_select_related`` names what ``str(obj)`` reads, joined on the autocomplete
    endpoint's queryset so that its answers do not run a query per object.
    The search adds, to ``search_fields``, the words of the term found in the folded
    ``folded_search_fields`` ("nguyen van anh" finds "Nguyễn Văn Ánh").
    """

    str_select_related: tuple[str, ...] = ()
    # One COUNT per changelist, not two: tables reach a million rows.
    show_full_result_count = False
    # Fields holding folded names (``Person.name_key``) searched word by word, ignoring diacritics.
    folded_search_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        source_filter = autocomplete_source_filter(request, self.admin_site)
        if source_filter is not None:
            queryset = queryset.filter(source_filter)
        if self.str_select_related and is_autocomplete(request):
            # Not in get_queryset: the changelist ignores list_select_related once a join is set.
            queryset = queryset.select_related(*self.str_select_related)
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self.folded_search_fields and search_term.strip():
            folded = Q()
            for field in self.folded_search_fields:
                folded |= folded_words_q(field, search_term)
            found = found | queryset.filter(folded)
        return found, may_have_duplicates


class ReferenceAdmin(ScopedPickersMixin, RolePermissionsMixin, NotFoundOutsideScopeMixin, admin.ModelAdmin):
    """Reference data: every role reads it, only administrators change it."""

    edit_check = staticmethod(may_edit_reference)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if isinstance(queryset, ScopedQuerySet):
            queryset = queryset.visible_to(request.user)
        return queryset


class HistoricalReferenceAdmin(ScopedHistoryMixin, ReferenceAdmin, SimpleHistoryAdmin):
    """Reference data with a history (allowance rates)."""


class ScopedInlineMixin(ScopedPickersMixin, RolePermissionsMixin):
    """An inline of a scoped model: the same queryset, pickers and permissions as its admin."""

    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyInlineMixin(ScopedInlineMixin):
    """Rows shown for reading only, whatever the role (membership periods)."""

    can_delete = False
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ReferenceInlineMixin(ScopedPickersMixin, RolePermissionsMixin):
    extra = 0
    edit_check = staticmethod(may_edit_reference)


def yes_no_icon(value: bool):
    """Django's boolean icon with its text in the user's language (Django's reads alt="True")."""
    icon = static("admin/img/icon-{}.svg".format("yes" if value else "no"))
    return format_html('<img src="{}" alt="{}">', icon, _("Yes") if value else _("No"))


# ---------------------------------------------------------------------------
# The log of downloads of personal data: administrators read it, nobody changes it


def nobody(user) -> bool:
    return False


@admin.register(DownloadLog)
class DownloadLogAdmin(RolePermissionsMixin, NotFoundOutsideScopeMixin, admin.ModelAdmin):
    view_check = staticmethod(may_edit_reference)
    edit_check = staticmethod(nobody)
    list_display = ("created_at", "username", "kind", "file_name", "rows", "area_name")
    list_filter = ("created_at", "kind")
    search_fields = ("username",)
    fields = ("created_at", "username", "user", "kind", "file_name", "path", "filters", "rows", "area_name")
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
