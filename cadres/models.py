"""Cadre duty (QĐ 784): the cadres who attend branch meetings, the branches each is assigned
to for a period, and the monthly orientation notes published for them.

A visit to a meeting (``meetings.CadreVisit``) names the assigned cadre and keeps the day its
report falls due, fixed when the visit is logged, so that a later change of assignment leaves
what was owed then as it was.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from areas.models import path_prefixes
from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel


class CadreLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Cadre(VersionedModel, ScopedModel):
    """A cadre of a province, district or commune who attends branch meetings.

    Either a person of the rolls, a user account, both, or only a name; ``area`` is the unit
    they serve (what they see, if they log in, is their account's area).
    """

    name = models.CharField(_("full name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=CadreLevel.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadre_roles",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "area__path"

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["area__path", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})" if self.position else self.name


class Frequency(models.TextChoices):
    EVERY_MEETING = "every_meeting", _("Every regular meeting")
    MONTHLY = "monthly", _("Once a month")
    QUARTERLY = "quarterly", _("Once a quarter")


class Assignment(VersionedModel, ScopedModel):
    """A cadre assigned to attend a branch's meetings during a period."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="assignments")
    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="cadre_assignments"
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("to"), null=True, blank=True, help_text=_("The last day of the assignment."))
    frequency = models.CharField(
        _("expected attendance"), max_length=14, choices=Frequency.choices, default=Frequency.EVERY_MEETING
    )
    report_within_days = models.PositiveSmallIntegerField(
        _("report due within (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Days after the meeting by which the cadre files the visit report."),
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("cadre assignment")
        verbose_name_plural = _("cadre assignments")
        ordering = ["cadre", "branch", "-start_on"]
        indexes = [models.Index(fields=["branch", "start_on"], name="assignment_branch_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "branch", "start_on"], name="assignment_unique_start"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="assignment_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(report_within_days__gte=1, report_within_days__lte=60),
                name="assignment_report_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.branch}"

    def covers(self, day: datetime.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.cadre_id and self.branch_id and self.start_on):
            return
        branch, cadre = self.branch, self.cadre
        if not branch.area.path.startswith(cadre.area.path):
            raise ValidationError(
                {
                    "branch": _("%(branch)s lies outside %(area)s, the unit of %(cadre)s.")
                    % {"branch": branch.name, "area": cadre.area.full_name, "cadre": cadre.name}
                }
            )
        if branch.dissolved_on and self.start_on > branch.dissolved_on:
            raise ValidationError(
                {"start_on": _("The branch was dissolved on %(date)s.") % {"date": f"{branch.dissolved_on:%d/%m/%Y}"}}
            )
        overlapping = Assignment.objects.filter(
            cadre_id=self.cadre_id, branch_id=self.branch_id, start_on__lte=self.end_on or datetime.date.max
        ).filter(Q(end_on__isnull=True) | Q(end_on__gte=self.start_on))
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(_("This cadre is already assigned to this branch during part of that period."))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class OrientationNote(ScopedModel):
    """The monthly orientation for the cadres attending meetings, published by a province or a commune.

    Everyone above and below its unit sees it: the commune's staff and cadres read the
    province's note, the province sees what its communes published.
    """

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("published by (unit)"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the note is for."))
    organizations = models.ManyToManyField(
        "branches.Organization", verbose_name=_("organizations"), related_name="orientation_notes"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    history = AuditHistory()

    class Meta:
        verbose_name = _("orientation note")
        verbose_name_plural = _("orientation notes")
        ordering = ["-month", "area__path", "title"]
        indexes = [models.Index(fields=["month"], name="orientation_note_month_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="orientation_note_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} – {self.title}"

    @classmethod
    def scope_q(cls, path: str) -> Q:
        return Q(area__path__startswith=path) | Q(area__path__in=path_prefixes(path))


class NoteAttachment(ScopedModel):
    """A file of an orientation note (PDF, Word, an image), served only through a scoped view."""

    note = models.ForeignKey(
        OrientationNote, verbose_name=_("orientation note"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="notes/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)

    history = AuditHistory()

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["note", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, path: str) -> Q:
        return Q(note__area__path__startswith=path) | Q(note__area__path__in=path_prefixes(path))
