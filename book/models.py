"""The member book beyond the roll: member cards and their reissues, awards and discipline,
and the letters of introduction (giấy giới thiệu sinh hoạt) given to members who transfer.

``Membership.card_number`` stays the card in use (imports and the roll read it); every card
issued, the first and each reissue with its reason, is a ``MemberCard``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.scoping import ScopedModel


class CardReason(models.TextChoices):
    FIRST = "first", _("First issue")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    CHANGED = "changed", _("Changed details")


class MemberCard(ScopedModel):
    """A member card issued for a membership; the latest issued is the one in use."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("membership"), on_delete=models.CASCADE, related_name="cards"
    )
    number = models.CharField(_("card number"), max_length=30)
    # Unknown for the cards recorded before the book kept them (only their number was).
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=CardReason.choices, default=CardReason.FIRST)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditHistory()
    scope_path = "membership__branch__area__path"

    class Meta:
        verbose_name = _("member card")
        verbose_name_plural = _("member cards")
        ordering = ["membership", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "number"],
                name="member_card_unique_number",
                violation_error_message=_("This card number was already issued to this member."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AwardKind(models.TextChoices):
    AWARD = "award", _("Award")
    DISCIPLINE = "discipline", _("Discipline")


class AwardForm(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate of merit (Giấy khen)")
    MERIT = "merit", _("Diploma of merit (Bằng khen)")
    BADGE = "badge", _("Badge (Huy hiệu)")
    OTHER_AWARD = "other_award", _("Other award")
    REPRIMAND = "reprimand", _("Reprimand (Khiển trách)")
    WARNING = "warning", _("Warning (Cảnh cáo)")
    EXPULSION = "expulsion", _("Expulsion (Khai trừ)")

    @classmethod
    def kind_of(cls, form: str) -> str:
        return AwardKind.DISCIPLINE if form in DISCIPLINE_FORMS else AwardKind.AWARD


DISCIPLINE_FORMS = (AwardForm.REPRIMAND, AwardForm.WARNING, AwardForm.EXPULSION)


class DecisionLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    BRANCH = "branch", _("Branch")


class Award(ScopedModel):
    """An award or a disciplinary measure given to a person, by the decision of a level."""

    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="awards"
    )
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AwardKind.choices, editable=False)
    form = models.CharField(_("form"), max_length=12, choices=AwardForm.choices)
    decided_on = models.DateField(_("date of the decision"))
    level = models.CharField(_("level that decided"), max_length=10, choices=DecisionLevel.choices)
    # The branch the person belonged to when it was decided: the reports count it there.
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    history = AuditHistory()
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("award or discipline")
        verbose_name_plural = _("awards and discipline")
        ordering = ["person", "-decided_on"]
        indexes = [models.Index(fields=["decided_on"], name="award_decided_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=AwardKind.DISCIPLINE) & Q(form__in=DISCIPLINE_FORMS))
                | (Q(kind=AwardKind.AWARD) & ~Q(form__in=DISCIPLINE_FORMS)),
                name="award_kind_matches_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_form_display()} {self.decided_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.kind = AwardForm.kind_of(self.form)
        super().save(*args, **kwargs)


class TransferLetter(ScopedModel):
    """A letter of introduction for a member who transfers (giấy giới thiệu sinh hoạt).

    Sent: issued by the commune of ``from_branch`` with a number of its own sequence of the
    year; the destination is a branch of this application (``to_branch``; the member stays on
    the old roll until that branch records the arrival) or a unit outside it
    (``to_description``; the membership ends as transferred on ``issued_on``). Received from
    outside: ``from_branch`` empty, the sender named in ``from_description``.
    """

    number = models.CharField(_("letter number"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    issuing_area = models.ForeignKey(
        "areas.Area", verbose_name=_("issued by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="transfer_letters"
    )
    membership = models.ForeignKey(
        "members.Membership",
        verbose_name=_("membership left"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_out",
    )
    from_branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("branch left"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_out",
    )
    from_description = models.CharField(_("sent by (outside)"), max_length=200, blank=True)
    to_branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("branch named"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_named",
    )
    to_description = models.CharField(_("unit named (outside)"), max_length=200, blank=True)
    issued_on = models.DateField(_("date of the letter"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_in",
    )
    received_membership = models.ForeignKey(
        "members.Membership",
        verbose_name=_("membership received"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_in",
    )

    history = AuditHistory()

    class Meta:
        verbose_name = _("letter of introduction")
        verbose_name_plural = _("letters of introduction")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "organization"],
                condition=Q(from_branch__isnull=False),
                name="transfer_letter_unique_number",
                violation_error_message=_("A letter with this number was already issued."),
            ),
            models.UniqueConstraint(
                fields=["issuing_area", "organization", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="transfer_letter_unique_sequence",
            ),
            models.CheckConstraint(
                condition=Q(from_branch__isnull=False) | ~Q(from_description=""),
                name="transfer_letter_has_sender",
            ),
            models.CheckConstraint(
                condition=Q(from_branch__isnull=True) | Q(to_branch__isnull=False) | ~Q(to_description=""),
                name="transfer_letter_has_destination",
            ),
            models.CheckConstraint(
                condition=(Q(received_on__isnull=True) & Q(received_branch__isnull=True))
                | (Q(received_on__isnull=False) & Q(received_branch__isnull=False)),
                name="transfer_letter_received_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, path: str) -> Q:
        # Seen by the area that sent it and by the one that received it.
        return Q(from_branch__area__path__startswith=path) | Q(received_branch__area__path__startswith=path)
