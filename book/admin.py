"""The member book in the admin, scoped like the members: cards (to read: they are issued on the
person's page, which sets the card in use) and awards and discipline (checked by the same rules
as the person's page: ``book.awards.decision_branch``)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from areas.admin import AreaFilter
from core.admin import ScopedAdmin

from . import awards
from .models import Award, AwardForm, MemberCard


@admin.register(MemberCard)
class MemberCardAdmin(ScopedAdmin):
    list_display = ("number", "person", "organization", "issued_on", "reason", "recorded_by")
    list_select_related = ("membership__person", "membership__organization", "recorded_by")
    list_filter = (AreaFilter, "reason", "membership__organization")
    search_fields = ("number",)
    folded_search_fields = ("membership__person__name_key",)
    ordering = ("-issued_on", "-pk")
    fields = ("membership", "number", "issued_on", "reason", "note", "recorded_by")
    readonly_fields = fields
    # A card issued here would not become the card in use: only the person's page issues one.
    allow_revert = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("person"), ordering="membership__person__sort_key")
    def person(self, obj):
        return obj.membership.person

    @admin.display(description=_("organization"))
    def organization(self, obj):
        return obj.membership.organization.short_name


class AwardAdminForm(forms.ModelForm):
    """The branch follows the person's membership on the date; ``user`` is set per request."""

    user = None

    class Meta:
        model = Award
        fields = ("person", "organization", "form", "decided_on", "level", "decision_number", "reason")

    def clean(self):
        cleaned = super().clean()
        names = ("person", "organization", "decided_on", "form")
        if self.errors or any(cleaned.get(name) is None for name in names):
            return cleaned
        try:
            self.instance.branch = awards.decision_branch(
                person=cleaned["person"],
                organization=cleaned["organization"],
                decided_on=cleaned["decided_on"],
                form=cleaned["form"],
                award=self.instance if self.instance.pk else None,
                user=self.user,
            )
        except ValidationError as error:
            self.add_error(None, error)
        self.instance.kind = AwardForm.kind_of(cleaned["form"])
        return cleaned


@admin.register(Award)
class AwardAdmin(ScopedAdmin):
    form = AwardAdminForm
    list_display = ("person", "form", "decided_on", "level", "organization", "branch", "decision_number")
    list_select_related = ("person", "organization", "branch")
    list_filter = (AreaFilter, "kind", "form", "level", "organization")
    search_fields = ("decision_number",)
    folded_search_fields = ("person__name_key",)
    autocomplete_fields = ("person",)
    ordering = ("-decided_on", "-pk")
    readonly_fields = ("branch",)
    str_select_related = ("person",)
    # A reverted version would bring back a branch the rules no longer give.
    allow_revert = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})
