import calendar
from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from areas.models import AreaLevel, code_validator
from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel


class Organization(models.Model):
    """A mass organisation: the Youth Union or an association, with the words it uses."""

    code = models.CharField(_("code"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    branch_word = models.CharField(_("word for a branch"), max_length=30, help_text=_("chi đoàn / chi hội"))
    member_word = models.CharField(_("word for a member"), max_length=30, help_text=_("đoàn viên / hội viên"))
    min_age = models.PositiveSmallIntegerField(_("minimum eligible age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum eligible age"), null=True, blank=True)
    # Who may join, beside the ages: the Women's Union takes women only.
    eligible_gender = models.CharField(
        _("eligible gender"),
        max_length=6,
        choices=[("male", _("Male")), ("female", _("Female"))],
        blank=True,
        help_text=_("Leave blank when both may join."),
    )
    gathering_threshold = models.DecimalField(
        _("gathering rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The gathering rate the organization aims for, drawn on report charts."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = AuditHistory()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="organization_age_range_valid",
                violation_error_message=_("The minimum age cannot exceed the maximum age."),
            ),
            models.CheckConstraint(
                condition=Q(gathering_threshold__isnull=True)
                | Q(gathering_threshold__gte=0, gathering_threshold__lte=100),
                name="organization_threshold_is_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BranchKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    PROFESSIONAL = "professional", _("Professional")


class MeetingDayRule(models.TextChoices):
    NONE = "", _("No fixed day")
    DAY_OF_MONTH = "day", _("A day of the month")
    WEEKDAY = "weekday", _("A weekday of the month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = 5, _("last")


class Branch(VersionedModel, ScopedModel):
    """A chi đoàn or chi hội: one organization's branch in a hamlet (or, if professional, a commune)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="branches"
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="branches")
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=12, choices=BranchKind.choices, default=BranchKind.RESIDENTIAL)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    # Set by a merge of branches (members.merge): where the members went on ``dissolved_on``.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_branches",
    )
    # The regular meeting day: "ngày 15 hằng tháng" (day 15) or "chủ nhật đầu tháng" (Sunday, first).
    meeting_rule = models.CharField(
        _("regular meeting day"), max_length=8, choices=MeetingDayRule.choices, default="", blank=True
    )
    meeting_day = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        help_text=_("In a shorter month, its last day."),
    )
    meeting_weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    meeting_week = models.PositiveSmallIntegerField(
        _("week of the month"), choices=WeekOfMonth.choices, null=True, blank=True
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "area__path"

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["area__path", "organization__sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=F("founded_on")),
                name="branch_dissolved_after_founded",
                violation_error_message=_("A branch cannot be dissolved before it was founded."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | (Q(dissolved_on__isnull=False) & ~Q(merged_into=F("pk"))),
                name="branch_merged_when_dissolved",
                violation_error_message=_("A branch merged into another is dissolved that day."),
            ),
            models.CheckConstraint(
                condition=(Q(meeting_rule="") & Q(meeting_day__isnull=True) & Q(meeting_weekday__isnull=True))
                | (Q(meeting_rule="day", meeting_day__gte=1, meeting_day__lte=31) & Q(meeting_weekday__isnull=True))
                | (
                    Q(meeting_rule="weekday", meeting_day__isnull=True, meeting_weekday__lte=6)
                    & Q(meeting_week__gte=1, meeting_week__lte=5)
                ),
                name="branch_meeting_day_complete",
                violation_error_message=_("Give the day of the month, or the weekday and its week."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def regular_day(self, year: int, month: int) -> date | None:
        """The branch's regular meeting day in a month (None if it has no fixed day)."""
        days_in_month = calendar.monthrange(year, month)[1]
        if self.meeting_rule == MeetingDayRule.DAY_OF_MONTH:
            return date(year, month, min(self.meeting_day, days_in_month))
        if self.meeting_rule == MeetingDayRule.WEEKDAY:
            first = (self.meeting_weekday - date(year, month, 1).weekday()) % 7 + 1
            if self.meeting_week == WeekOfMonth.LAST:
                return date(year, month, first + 7 * ((days_in_month - first) // 7))
            return date(year, month, first + 7 * (self.meeting_week - 1))
        return None

    @property
    def meeting_day_text(self) -> str:
        """ "ngày 15 hằng tháng", "chủ nhật tuần đầu tháng"; empty when the branch has no fixed day."""
        if self.meeting_rule == MeetingDayRule.DAY_OF_MONTH:
            return _("day %(day)s of every month") % {"day": self.meeting_day}
        if self.meeting_rule == MeetingDayRule.WEEKDAY:
            return _("%(weekday)s of the %(week)s week of every month") % {
                "weekday": Weekday(self.meeting_weekday).label,
                "week": WeekOfMonth(self.meeting_week).label,
            }
        return ""

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            for placement in BranchPlacement.following(self, self.area.placements.all()):
                placement.save()
        else:
            # A new area on the form corrects where the branch is; it is not a move (moves
            # have a date and come from a reorganisation), so its current placement follows.
            current = self.placements.filter(valid_to__isnull=True).exclude(area_id=self.area_id).first()
            if current is not None:
                current.area, current.path = self.area, self.area.path
                current.save(update_fields=["area", "path"])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.area_id is None:
            return
        allowed = {AreaLevel.HAMLET} if self.kind == BranchKind.RESIDENTIAL else {AreaLevel.HAMLET, AreaLevel.COMMUNE}
        if self.area.level not in allowed:
            raise ValidationError(
                {"area": _("A residential branch sits in a hamlet; a professional one in a hamlet or a commune.")}
            )


class BranchPlacement(ScopedModel):
    """Where a branch sat during a period: its area, and that area's path then.

    A branch moves when its hamlet is merged, and with its hamlet when the hamlet moves;
    either way the placement open then is closed and the next one opened, so the
    placements of a branch follow one another without gaps, each within one placement of
    its area (``path`` is that placement's). The tree a report reads is then one indexed
    prefix query on these rows, as it was on the areas before the tree had dates.
    """

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="placements")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    path = models.CharField(_("path"), max_length=255)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until (exclusive)"), null=True, blank=True)
    opened_by = models.ForeignKey(
        "areas.Reorganization",
        verbose_name=_("begun by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        "areas.Reorganization",
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditHistory()
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("branch placement")
        verbose_name_plural = _("branch placements")
        # The first placement (no start date) first, on every database.
        ordering = ["branch", F("valid_from").asc(nulls_first=True)]
        indexes = [
            models.Index(fields=["area", "valid_from"], name="branch_placement_area_idx"),
            models.Index(fields=["path"], name="branch_placement_path_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["branch"], condition=Q(valid_to__isnull=True), name="branch_placement_one_open"
            ),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(valid_from__isnull=True), name="branch_placement_one_first"
            ),
            models.UniqueConstraint(fields=["branch", "valid_from"], name="branch_placement_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="branch_placement_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.valid_from or ''}–{self.valid_to or ''}"

    @classmethod
    def following(cls, branch: Branch, area_placements) -> list["BranchPlacement"]:
        """The placements of a new branch: on its area, wherever the area sat when (its placements)."""
        return [
            cls(branch=branch, area_id=p.area_id, path=p.path, valid_from=p.valid_from, valid_to=p.valid_to)
            for p in area_placements
        ]


class BranchTerm(VersionedModel, ScopedModel):
    """A branch's term (nhiệm kỳ): opened by its congress (đại hội), with the committee it elects."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="terms")
    start_on = models.DateField(_("term begins"))
    end_on = models.DateField(_("term ends"), help_text=_("The last day of the term; its congress falls before."))
    congress_on = models.DateField(_("congress held on"), null=True, blank=True)
    committee_size = models.PositiveSmallIntegerField(
        _("committee seats"),
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("The number of committee members, head and deputies included, the statute sets for the term."),
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("branch term")
        verbose_name_plural = _("branch terms")
        ordering = ["branch", "-start_on"]
        indexes = [models.Index(fields=["end_on"], name="branch_term_end_idx")]
        constraints = [
            models.UniqueConstraint(fields=["branch", "start_on"], name="branch_term_unique_start"),
            models.CheckConstraint(
                condition=Q(end_on__gt=F("start_on")),
                name="branch_term_end_after_start",
                violation_error_message=_("A term ends after it begins."),
            ),
            models.CheckConstraint(condition=Q(committee_size__gte=1), name="branch_term_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.start_on:%Y}–{self.end_on:%Y}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.branch_id and self.start_on and self.end_on):
            return
        overlapping = BranchTerm.objects.filter(
            branch_id=self.branch_id, start_on__lte=self.end_on, end_on__gte=self.start_on
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(_("The branch already has a term during part of that period."))


class OfficerRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy")
    COMMITTEE = "committee", _("Committee member")


class Officer(VersionedModel, ScopedModel):
    """A person holding a role in a branch's committee for a period."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="officers")
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="officer_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=OfficerRole.choices)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("to"), null=True, blank=True, help_text=_("The last day in the role."))
    term = models.ForeignKey(
        "BranchTerm",
        verbose_name=_("elected for the term"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
    )

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("branch officer")
        verbose_name_plural = _("branch officers")
        ordering = ["branch", "role", "-start_on"]
        indexes = [models.Index(fields=["branch", "role", "start_on"], name="officer_branch_role_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="officer_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.branch_id and self.person_id and self.start_on):
            return
        overlapping = Officer.objects.filter(branch_id=self.branch_id, start_on__lte=self.end_on or date.max).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=self.start_on)
        )
        overlapping = overlapping.exclude(pk=self.pk)
        if overlapping.filter(person_id=self.person_id).exists():
            raise ValidationError(_("This person already holds a role in this branch during that period."))
        if self.role == OfficerRole.HEAD and overlapping.filter(role=OfficerRole.HEAD).exists():
            raise ValidationError({"role": _("The branch already has a head during that period.")})


class SourceLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District or town")
    COMMUNE = "commune", _("Commune")


class FundingSource(models.Model):
    """Who pays an allowance, under which decision: the province's resolution, a town's top-up…

    Its rates apply to the officers of the branches in ``area``'s subtree (every area when
    none: the rates kept for the whole database before sources existed).
    """

    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=10, choices=SourceLevel.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_sources",
        help_text=_("The rates apply to the branches of this area; every area when left blank."),
    )
    decision = models.CharField(_("decision"), max_length=100, blank=True, help_text=_("e.g. NQ 258/2020/NQ-HĐND"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = AuditHistory()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="funding_source_unique_name")]

    def __str__(self) -> str:
        return self.name


class AllowanceRate(models.Model):
    """The monthly allowance, in whole đồng, that a source pays an officer of a role during a period."""

    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="rates"
    )
    role = models.CharField(_("role"), max_length=12, choices=OfficerRole.choices)
    amount = models.PositiveIntegerField(_("amount per month (đồng)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("The last day the rate applies."))

    history = AuditHistory()

    class Meta:
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        ordering = ["source", "role", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["source", "role", "valid_from"], name="allowance_rate_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="allowance_rate_valid_range",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.amount}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.source_id and self.role and self.valid_from):
            return
        overlapping = AllowanceRate.objects.filter(
            source_id=self.source_id, role=self.role, valid_from__lte=self.valid_to or date.max
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(_("Another rate of this source for this role applies during part of this period."))
