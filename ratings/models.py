from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel
from members.models import year_validators

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class RatingScheme(models.Model):
    """An ordered set of grades a branch can be given in its yearly rating."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = AuditHistory()

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    scheme = models.ForeignKey(RatingScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("1 is the best grade."))
    # The scores that go with the grade, where the scheme sets them; a score outside is
    # warned about (a branch rated strong with 40 points is most likely a slip).
    min_score = models.DecimalField(
        _("lowest score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    max_score = models.DecimalField(
        _("highest score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )

    history = AuditHistory()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["scheme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="grade_unique_code"),
            models.UniqueConstraint(fields=["scheme", "order"], name="grade_unique_order"),
            models.CheckConstraint(
                condition=Q(min_score__isnull=True) | Q(max_score__isnull=True) | Q(min_score__lte=F("max_score")),
                name="grade_score_band_valid",
                violation_error_message=_("The lowest score cannot be above the highest."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def fits(self, score) -> bool:
        """Whether a score agrees with the grade's band (always, where the scheme sets none)."""
        if score is None:
            return True
        return (self.min_score is None or score >= self.min_score) and (
            self.max_score is None or score <= self.max_score
        )


class SchemeAssignmentQuerySet(models.QuerySet):
    def for_year(self, organization_id: int, year: int):
        return self.filter(organization_id=organization_id, from_year__lte=year).order_by("-from_year").first()


class SchemeAssignment(models.Model):
    """Which scheme an organization's branches are rated with, from a year on."""

    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="scheme_assignments",
    )
    scheme = models.ForeignKey(RatingScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)

    objects = SchemeAssignmentQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        verbose_name = _("rating scheme assignment")
        verbose_name_plural = _("rating scheme assignments")
        ordering = ["organization", "-from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "from_year"],
                name="scheme_assignment_unique_year",
                violation_error_message=_("This organization already changes scheme in that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.code} {self.from_year}: {self.scheme}"


class RatingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class BranchRating(VersionedModel, ScopedModel):
    """A branch's rating for one year. Approved ratings are locked and count in reports."""

    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="ratings")
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RatingState.choices, default=RatingState.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("branch rating")
        verbose_name_plural = _("branch ratings")
        ordering = ["-year", "branch"]
        indexes = [models.Index(fields=["year", "state"], name="rating_year_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"],
                name="rating_one_per_branch_year",
                violation_error_message=_("This branch already has a rating for this year."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="rating_score_range"
            ),
            models.CheckConstraint(
                condition=~Q(state=RatingState.APPROVED) | Q(approved_at__isnull=False),
                name="rating_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}: {self.grade}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.branch_id and self.grade_id and self.year):
            return
        assignment = SchemeAssignment.objects.for_year(self.branch.organization_id, self.year)
        if assignment is None or assignment.scheme_id != self.grade.scheme_id:
            raise ValidationError(
                {"grade": _("This grade is not in the rating scheme the organization uses that year.")}
            )


class MemberSchemeAssignment(models.Model):
    """Which scheme an organization's members are rated with, from a year on."""

    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="member_scheme_assignments",
    )
    scheme = models.ForeignKey(RatingScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)

    objects = SchemeAssignmentQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        verbose_name = _("member rating scheme assignment")
        verbose_name_plural = _("member rating scheme assignments")
        ordering = ["organization", "-from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "from_year"],
                name="member_scheme_assignment_unique_year",
                violation_error_message=_("This organization already changes scheme in that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.code} {self.from_year}: {self.scheme}"


class MemberRating(VersionedModel, ScopedModel):
    """A member's rating for one year (đánh giá, xếp loại đoàn viên / hội viên), like a branch's:
    draft → submitted → approved, approved ones locked and counted in reports."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("membership"), on_delete=models.PROTECT, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="member_ratings")
    note = models.CharField(_("note"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RatingState.choices, default=RatingState.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "membership__branch__area__path"

    class Meta:
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        ordering = ["-year", "membership"]
        indexes = [models.Index(fields=["year", "state"], name="member_rating_year_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "year"],
                name="member_rating_one_per_year",
                violation_error_message=_("This member already has a rating for this year."),
            ),
            models.CheckConstraint(
                condition=~Q(state=RatingState.APPROVED) | Q(approved_at__isnull=False),
                name="member_rating_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} {self.year}: {self.grade}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.membership_id and self.grade_id and self.year):
            return
        assignment = MemberSchemeAssignment.objects.for_year(self.membership.organization_id, self.year)
        if assignment is None or assignment.scheme_id != self.grade.scheme_id:
            raise ValidationError(
                {"grade": _("This grade is not in the scheme the organization rates its members with that year.")}
            )
