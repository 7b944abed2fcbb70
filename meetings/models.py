from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import CadreLevel
from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular (monthly)")
    THEMATIC = "thematic", _("Thematic")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class Meeting(VersionedModel, ScopedModel):
    """A branch meeting, with its attendance measured against the roll on that day."""

    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    content = models.TextField(_("content"), blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=100, blank=True)
    members_present = models.PositiveIntegerField(_("members present"))
    members_on_roll = models.PositiveIntegerField(_("members on the roll"))
    # Fixed when the meeting is logged, from the branch's regular day then (None: it had none),
    # so that a later change of the day leaves the past as it was.
    on_regular_day = models.BooleanField(_("held on the regular day"), null=True, editable=False)
    orientation_discussed = models.BooleanField(
        _("orientation note discussed"),
        default=False,
        help_text=_("The month's orientation note was presented and discussed at the meeting."),
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "branch"]
        indexes = [models.Index(fields=["branch", "held_on"], name="meeting_branch_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=F("members_on_roll")),
                name="meeting_present_within_roll",
                violation_error_message=_("More members present than on the roll."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.held_on:%d/%m/%Y}"


class MeetingQuality(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class CadreVisit(VersionedModel, ScopedModel):
    """A higher-level cadre attending a meeting, and the report they file about it."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="visits")
    # The assigned cadre; none for a guest, whom ``cadre_name`` alone names.
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("assigned cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    cadre_name = models.CharField(_("cadre"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=CadreLevel.choices)
    quality = models.CharField(_("quality of the meeting"), max_length=6, choices=MeetingQuality.choices, blank=True)
    concerns = models.TextField(_("members' concerns and opinions"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    reported_on = models.DateField(_("report filed on"), null=True, blank=True)
    # The meeting's date plus the assignment's days, fixed when the visit is logged (none for a guest).
    report_due_on = models.DateField(_("report due on"), null=True, blank=True, editable=False)

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "meeting__branch__area__path"

    class Meta:
        verbose_name = _("cadre visit")
        verbose_name_plural = _("cadre visits")
        ordering = ["meeting", "cadre_name"]
        indexes = [models.Index(fields=["cadre", "report_due_on"], name="visit_cadre_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | ~Q(quality=""),
                name="visit_report_has_quality",
                violation_error_message=_("A filed report needs the quality of the meeting."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "cadre"], condition=Q(cadre__isnull=False), name="visit_one_per_cadre"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_name} – {self.meeting}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.reported_on and self.meeting_id and self.reported_on < self.meeting.held_on:
            raise ValidationError({"reported_on": _("A report cannot be filed before the meeting.")})


# --- Roll-ups: the meetings report's counts, kept by database triggers (meetings.rollups) ---

MEETING_COUNTS = (
    "meetings",
    "attended",
    "on_roll",
    "visits",
    "visit_reports",
    "off_day",
    "on_day",
    "notes_discussed",
)


class MeetingCounts(models.Model):
    # Derived data: no database constraint (the triggers write it while meetings are deleted).
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    year = models.PositiveSmallIntegerField()
    meetings = models.IntegerField(default=0)
    attended = models.IntegerField(default=0)
    on_roll = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    visit_reports = models.IntegerField(default=0)
    # As each meeting was flagged when logged: regular meetings held off the branch's day,
    # meetings held on it, meetings that discussed the month's orientation note.
    off_day = models.IntegerField(default=0)
    on_day = models.IntegerField(default=0)
    notes_discussed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class MeetingMonth(MeetingCounts):
    """A branch's meetings of a month (``month``: its first day), their attendance and visits."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "branch"], include=MEETING_COUNTS, name="meeting_month_unique")
        ]
        # The triggers count a branch's months met in a year again at each write.
        indexes = [models.Index(fields=["branch", "year"], name="meeting_month_branch_year_idx")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%m/%Y}"


class MeetingYear(MeetingCounts):
    """A branch's meetings of a year, and in how many of its months it met."""

    months_met = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "branch"], include=[*MEETING_COUNTS, "months_met"], name="meeting_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}"
