from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from areas.admin import AreaFilter
from core.admin import ReferenceAdmin, may_edit_reference, yes_no_icon

from .models import Role, User
from .services import end_sessions, set_accounts_active, validate_role_area


class _RoleAreaFormMixin:
    """The role must fit the level of the area, as for ``add_user``."""

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role", getattr(self.instance, "role", None))
        if role:
            try:
                validate_role_area(role, cleaned.get("area"))
            except ValidationError as error:
                self.add_error("area", error)
        return cleaned


class UserCreateForm(_RoleAreaFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "area", "full_name", "position")


class UserEditForm(_RoleAreaFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(ReferenceAdmin, DjangoUserAdmin):
    """Accounts: administrators only, for reading too."""

    view_check = staticmethod(may_edit_reference)

    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Role and area"),
            {
                "fields": ("role", "area"),
                "description": _(
                    "A provincial officer works on a province, district staff on a district, commune staff on a "
                    "commune; an administrator needs no area."
                ),
            },
        ),
        (
            _("Personal info"),
            {
                "fields": ("full_name", "position", "first_name", "last_name", "email"),
                "description": _("The full name and the position sign the reports and lists the user prints."),
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "area",
                    "full_name",
                    "position",
                ),
            },
        ),
    )
    list_display = ("username", "name", "position", "role", "area", "active", "last_login")
    list_select_related = ("area",)
    list_filter = ("role", AreaFilter, "is_active")
    search_fields = ("username", "full_name", "position", "first_name", "last_name", "email")
    autocomplete_fields = ("area",)
    # Accounts work on units in force (a district ended with the 2025 reform).
    picker_filters = {"area": Q(valid_to__isnull=True)}
    ordering = ("username",)
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")
    # A forgotten password is set on the account's page ("Reset password": Django's form, no mail).
    actions = ("disable_accounts", "enable_accounts")

    @admin.display(description=_("active"), ordering="is_active")
    def active(self, obj):
        return yes_no_icon(obj.is_active)

    @admin.display(description=_("name"), ordering="full_name")
    def name(self, obj):
        return obj.signature_name

    def save_model(self, request, obj, form, change):
        if not change:
            # Every role works in the admin; only administrators get every right.
            obj.is_staff = True
            obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions(users=[obj])

    @admin.action(description=_("Disable the selected accounts"), permissions=["change"])
    def disable_accounts(self, request, queryset):
        try:
            changed = set_accounts_active(users=queryset, active=False, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d account disabled: it can no longer log in, and its open sessions have ended.",
                "%(count)d accounts disabled: they can no longer log in, and their open sessions have ended.",
                len(changed),
            )
            % {"count": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Enable the selected accounts"), permissions=["change"])
    def enable_accounts(self, request, queryset):
        changed = set_accounts_active(users=queryset, active=True, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d account enabled.", "%(count)d accounts enabled.", len(changed))
            % {"count": len(changed)},
            messages.SUCCESS,
        )
