"""Membership fees (đoàn phí, hội phí): the categories members pay in, the monthly rate of each
category with its validity, the share of what is collected that goes up to the higher level,
and each member's payments.

A member owes a month's fee when their membership is open on any day of that month; the
month is owed in the branch they belong to on its last day as a member. The category a
member pays in is dated (``CategoryAssignment``), so a change of category leaves the months
before it priced as they were; without any, a member pays in the organization's default
category.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel
from members.models import year_validators


class FeeCategory(models.Model):
    """A group of members who pay the same rate: students, workers with an income, without…"""

    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="fee_categories",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Members not placed in a category pay in this one.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = AuditHistory()

    class Meta:
        verbose_name = _("fee category")
        verbose_name_plural = _("fee categories")
        ordering = ["organization", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="fee_category_unique_code"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_default=True),
                name="fee_category_one_default",
                violation_error_message=_("The organization already has a default fee category."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FeeRate(models.Model):
    """The monthly fee, in whole đồng, of a category during a period (``valid_to`` inclusive)."""

    category = models.ForeignKey(
        FeeCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="rates"
    )
    amount = models.PositiveIntegerField(_("amount per month (đồng)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("The last day the rate applies."))

    history = AuditHistory()

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "valid_from"], name="fee_rate_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="fee_rate_valid_range",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class FeeShare(models.Model):
    """The percentage of the fees collected that a branch sends up to the higher level."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="fee_shares"
    )
    percent = models.DecimalField(
        _("share sent up (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("The last day the share applies."))

    history = AuditHistory()

    class Meta:
        verbose_name = _("share of fees sent up")
        verbose_name_plural = _("shares of fees sent up")
        ordering = ["organization", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "valid_from"], name="fee_share_unique_start"),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="fee_share_is_percentage"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="fee_share_valid_range",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.code} {self.percent}%"


class CategoryAssignment(ScopedModel):
    """From ``valid_from`` on, a membership pays in ``category`` (until its next assignment)."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("membership"), on_delete=models.CASCADE, related_name="fee_categories"
    )
    category = models.ForeignKey(FeeCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("from"))

    history = AuditHistory()
    scope_path = "membership__branch__area__path"

    class Meta:
        verbose_name = _("fee category of a member")
        verbose_name_plural = _("fee categories of members")
        ordering = ["membership", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "valid_from"], name="fee_category_assignment_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.category} {self.valid_from}"


class FeePayment(VersionedModel, ScopedModel):
    """What a member paid for one month's fee, when, and to whom."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("membership"), on_delete=models.PROTECT, related_name="fee_payments"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    paid_on = models.DateField(_("paid on"))
    collected_by = models.CharField(_("collected by"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "membership__branch__area__path"

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["membership", "year", "month"]
        indexes = [models.Index(fields=["year", "month"], name="fee_payment_month_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "year", "month"],
                name="fee_payment_one_per_month",
                violation_error_message=_("This member's fee for that month is already recorded."),
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="fee_payment_month_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:02d}/{self.year}: {self.amount}"
