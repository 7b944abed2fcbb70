from django.contrib import admin

from areas.admin import AreaFilter
from core.admin import ReferenceAdmin, ReferenceInlineMixin, ScopedAdmin
from workbooks.admin import WorkbookAdminMixin

from . import member_services, services
from .models import (
    BranchRating,
    Grade,
    MemberRating,
    MemberSchemeAssignment,
    RatingScheme,
    RatingState,
    SchemeAssignment,
)


class GradeInline(ReferenceInlineMixin, admin.TabularInline):
    model = Grade
    fields = ("order", "code", "label")


@admin.register(RatingScheme)
class RatingSchemeAdmin(ReferenceAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(ReferenceAdmin):
    list_display = ("label", "code", "order", "scheme")
    list_select_related = ("scheme",)
    list_filter = ("scheme",)
    search_fields = ("code", "label")
    ordering = ("scheme__code", "order")


@admin.register(SchemeAssignment)
class SchemeAssignmentAdmin(ReferenceAdmin):
    list_display = ("organization", "from_year", "scheme")
    list_select_related = ("organization", "scheme")
    list_filter = ("organization", "scheme")
    ordering = ("organization__sort_order", "-from_year")


class RatingRulesMixin:
    """The pages' rules in the admin of a rating (a branch's or a member's): staff change and delete
    drafts only (``services.may_change``), only approvers are offered the approved state, and the
    state moves through the services (``move_to_state``), which stamp and check who may move it."""

    move_to_state = staticmethod(services.move_to_state)
    # Reverting could undo an approval or restore one without going through the rules.
    allow_revert = False

    def _locked(self, request, obj) -> bool:
        # The pages' rule: staff change drafts only; a submitted rating waits for an approver.
        return obj is not None and not services.may_change(rating=obj, user=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "state" and not request.user.can_approve:
            kwargs["choices"] = [
                (value, label) for value, label in RatingState.choices if value != RatingState.APPROVED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "grade":
            kwargs["queryset"] = Grade.objects.select_related("scheme").order_by("scheme__code", "order")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "grade":
            # Several schemes share labels; name the scheme too.
            field.label_from_instance = lambda grade: f"{grade.label} ({grade.scheme.name})"
        return field

    def save_model(self, request, obj, form, change):
        # The state moves through ratings.services, which stamps and checks who may move it.
        target = obj.state
        obj.state = form.initial.get("state", RatingState.DRAFT) if change else RatingState.DRAFT
        super().save_model(request, obj, form, change)
        self.move_to_state(rating=obj, state=target, user=request.user)


@admin.register(BranchRating)
class BranchRatingAdmin(WorkbookAdminMixin, RatingRulesMixin, ScopedAdmin):
    """District and commune staff rate up to "submitted"; submitted and approved ratings are theirs to read.

    The rule is the pages' (``services.may_change``): staff change and delete drafts only;
    a submitted rating is sent back or approved by an approver, an approved one is locked.
    Only users who may approve are offered the approved state, and only administrators
    change or delete a submitted or approved rating here.
    """

    workbook_kind = "ratings"

    list_display = ("branch", "year", "grade", "score", "state", "submitted_at", "approved_at")
    list_select_related = ("branch", "grade")
    list_filter = (AreaFilter, "branch__organization", "year", "state")
    search_fields = ("branch__name", "branch__code")
    autocomplete_fields = ("branch",)
    ordering = ("-year", "branch__area__path", "branch__name")
    fields = (
        "branch",
        "year",
        "grade",
        "score",
        "note",
        "state",
        "review_comment",
        "submitted_at",
        "approved_at",
        "approved_by",
    )
    readonly_fields = ("submitted_at", "approved_at", "approved_by")
    str_select_related = ("branch", "grade")


@admin.register(MemberSchemeAssignment)
class MemberSchemeAssignmentAdmin(SchemeAssignmentAdmin):
    pass


@admin.register(MemberRating)
class MemberRatingAdmin(RatingRulesMixin, ScopedAdmin):
    """Members' ratings, on the branch ratings' rules; their workbook is imported from the Excel page."""

    move_to_state = staticmethod(member_services.move_member_rating_to_state)

    list_display = ("membership", "year", "grade", "state", "submitted_at", "approved_at")
    list_select_related = ("membership__person", "membership__organization", "grade")
    list_filter = (AreaFilter, "membership__organization", "year", "state")
    search_fields = ("membership__branch__code", "membership__branch__name")
    folded_search_fields = ("membership__person__name_key",)
    autocomplete_fields = ("membership",)
    ordering = ("-year", "membership__branch__area__path", "membership__person__sort_key")
    fields = (
        "membership",
        "year",
        "grade",
        "note",
        "state",
        "review_comment",
        "submitted_at",
        "approved_at",
        "approved_by",
    )
    readonly_fields = ("submitted_at", "approved_at", "approved_by")
    str_select_related = ("membership__person", "membership__organization", "grade")
