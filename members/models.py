import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core import vietnamese
from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel

cccd_validator = RegexValidator(r"^\d{12}$", _("A CCCD number has exactly 12 digits."))
year_validators = [MinValueValidator(1900), MaxValueValidator(2100)]


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(VersionedModel, ScopedModel):
    """Someone who is, was or may become a member of one or more organizations."""

    full_name = models.CharField(_("full name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=30, editable=False)
    # Accent-free lower-case name for searches that ignore diacritics ("dang" finds "Đặng").
    name_key = models.CharField(max_length=100, editable=False)
    # Digits-only key for the Vietnamese order: given name, then family and middle names.
    sort_key = models.CharField(max_length=255, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        validators=year_validators,
        blank=True,
        help_text=_("Filled from the birth date when that is known."),
    )
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=30, default="Kinh")
    religion = models.CharField(_("religion"), max_length=30, blank=True)
    cccd = models.CharField(_("CCCD number"), max_length=12, null=True, blank=True, validators=[cccd_validator])
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    residence = models.ForeignKey(
        "areas.Area",
        verbose_name=_("hamlet of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    education = models.CharField(_("education"), max_length=50, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    party_joined_on = models.DateField(_("Party joining date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = AuditHistory(excluded_fields=["name_key", "sort_key", "given_name", "version"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key"]
        # Plain indexes and a unique constraint rather than db_index/unique=True: on PostgreSQL
        # those add a second, pattern-matching index per column that no query here uses, and
        # each extra index slows the import of a large roster.
        indexes = [
            models.Index(fields=["name_key"], name="person_name_key_idx"),
            models.Index(fields=["sort_key"], name="person_sort_key_idx"),
            models.Index(fields=["party_joined_on"], name="person_party_joined_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cccd"], name="person_cccd_unique"),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def scope_q(cls, path: str) -> Q:
        # Visible where the person lives or holds a membership, so a district sees
        # members who live elsewhere and residents who have not joined yet.
        in_branch = Membership.objects.filter(person=OuterRef("pk"), branch__area__path__startswith=path)
        return Q(residence__path__startswith=path) | Q(Exists(in_branch))

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.birth_date is None and self.birth_year is None:
            raise ValidationError({"birth_year": _("Give the birth date, or at least the birth year.")})
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValidationError({"birth_year": _("The birth year does not match the birth date.")})
        if self.birth_date:
            self.birth_year = self.birth_date.year

    def fill_derived_fields(self) -> None:
        """Set the fields computed from the name and birth date; bulk writes call it too."""
        self.full_name = vietnamese.normalize_spaces(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        self.given_name = vietnamese.split_name(self.full_name)[0][:30]
        self.name_key = vietnamese.fold(self.full_name)
        self.sort_key = vietnamese.sort_key(self.full_name)

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)


class MembershipStatus(models.TextChoices):
    PRESENT = "present", _("Present in the locality")
    AWAY = "away", _("Working away")
    STOPPED = "stopped", _("Stopped attending")


class EndReason(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred")
    AGED_OUT = "aged_out", _("Aged out")
    REMOVED = "removed", _("Removed from the roll")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")


class Membership(VersionedModel, ScopedModel):
    """A person's membership of one organization, from joining to its end.

    ``branch`` and ``status`` are the current values; every value they have had, with
    its dates, is in ``MembershipPeriod``, which is what reports for a past date read.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    joined_branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("branch joined"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("The branch the member was admitted in."),
    )
    card_number = models.CharField(_("member card number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PRESENT
    )
    introduced_to_party_on = models.DateField(_("introduced to the Party on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("details of the ending"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = AuditHistory(excluded_fields=["version"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["branch", "person__sort_key"]
        # Reports look up the joinings, endings and Party introductions of a year by date.
        indexes = [
            models.Index(fields=["joined_branch", "joined_on"], name="membership_joined_idx"),
            models.Index(fields=["branch", "ended_on"], name="membership_ended_idx"),
            models.Index(fields=["introduced_to_party_on"], name="membership_introduced_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_open_per_organization",
                violation_error_message=_("This person is already a member of this organization."),
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="membership_end_has_reason",
                violation_error_message=_("An ended membership needs both an end date and a reason."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("joined_on")),
                name="membership_end_after_join",
                violation_error_message=_("A membership cannot end before it began."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization.short_name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.branch_id and self.organization_id and self.branch.organization_id != self.organization_id:
            raise ValidationError({"branch": _("The branch belongs to another organization.")})


class MembershipPeriod(ScopedModel):
    """One stretch of a membership with an unchanged branch and status.

    Periods of a membership follow one another without gaps: a transfer or a status
    change closes the open period (``valid_to``, exclusive) and opens the next; an
    ending closes the last one. The figures of any past date are the periods that
    contain it.
    """

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="periods"
    )
    # The membership's person, copied so that reports count distinct people without
    # joining a million memberships; a membership never changes its person.
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    # False only when the person is known to hold no other membership: such periods count
    # as one person each, and only the others need the costly distinct count. True is
    # always safe (merely slower), so bulk writers that do not know may leave it.
    shares_person = models.BooleanField(default=True, editable=False)
    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="membership_periods"
    )
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until (exclusive)"), null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=255, blank=True)

    history = AuditHistory(excluded_fields=["shares_person"])
    scope_path = "branch__area__path"

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["membership", "valid_from"]
        indexes = [
            # The roll of a date, branch by branch, read from the index alone on PostgreSQL.
            models.Index(
                fields=["branch", "valid_from", "valid_to"],
                include=["status", "shares_person", "person"],
                name="period_roll_idx",
            ),
            # The roll-ups' triggers find a person's periods when their Party joining date changes.
            models.Index(fields=["person"], name="period_person_idx"),
            # Distinct people are counted over the periods of people with several memberships.
            models.Index(
                fields=["branch", "valid_from", "valid_to"],
                include=["person"],
                condition=Q(shares_person=True),
                name="period_shared_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(valid_to__isnull=True), name="period_one_open_per_membership"
            ),
            models.UniqueConstraint(fields=["membership", "valid_from"], name="period_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} {self.valid_from}–{self.valid_to or ''}"

    @property
    def last_day(self) -> datetime.date | None:
        """The last day of the period, for one that ended: the pages show this (``valid_to`` is the day after)."""
        return self.valid_to - datetime.timedelta(days=1) if self.valid_to else None


class TargetPopulation(ScopedModel):
    """Eligible people present in a hamlet in a year: the denominator of the gathering rate."""

    hamlet = models.ForeignKey(
        "areas.Area", verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="target_populations"
    )
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="target_populations",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    count = models.PositiveIntegerField(_("number of eligible people"))

    history = AuditHistory()
    scope_path = "hamlet__path"

    class Meta:
        verbose_name = _("target population")
        verbose_name_plural = _("target populations")
        ordering = ["hamlet__path", "organization", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["hamlet", "organization", "year"],
                name="target_population_unique",
                violation_error_message=_("This hamlet already has a target for this organization and year."),
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="target_population_count_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.organization.code} {self.year}: {self.count}"


# --- Roll-ups: the counts the membership report reads, kept by database triggers ------------
#
# ``members.rollups`` installs the triggers and explains the scheme. The counts of a branch
# on any day are its checkpoint of the nearest month of the calendar, corrected by the
# changes of the days between. Derived data: their references carry no database
# constraint, since the triggers write them while the history itself is being deleted.

ROLLUP_COUNTS = (
    "present",
    "away",
    "stopped",
    "sole",
    "alone",
    "joined",
    *(f"ended_{reason}" for reason in EndReason.values),
    "introduced",
    "admitted",
)


class RollupCalendar(models.Model):
    """The months (their first day) for which every branch's checkpoint is kept."""

    month = models.DateField(primary_key=True)

    class Meta:
        verbose_name = _("roll-up month")
        verbose_name_plural = _("roll-up months")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="rollup_calendar_first_day")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"


class RollupCounts(models.Model):
    """Columns shared by a branch's checkpoint and its changes of a day."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    present = models.IntegerField(default=0)
    away = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    # Periods of people with a single membership: they count as one person each.
    sole = models.IntegerField(default=0)
    # People who share periods (``shares_person``) but are members of this branch alone then.
    alone = models.IntegerField(default=0)
    # Memberships begun by then in the branch (joined_branch), cumulative: a year's joinings
    # are the difference of two days.
    joined = models.IntegerField(default=0)
    ended_transferred = models.IntegerField(default=0)
    ended_aged_out = models.IntegerField(default=0)
    ended_removed = models.IntegerField(default=0)
    ended_resigned = models.IntegerField(default=0)
    ended_deceased = models.IntegerField(default=0)
    # Memberships introduced to the Party by then, and members admitted to it, each in the
    # branch the membership was in on that day (cumulative, like ``joined``).
    introduced = models.IntegerField(default=0)
    admitted = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RollupMonth(RollupCounts):
    """A branch's counts on the first day of a calendar month (the checkpoint)."""

    month = models.DateField()

    class Meta:
        verbose_name = _("branch roll-up of a month")
        verbose_name_plural = _("branch roll-ups of months")
        # On PostgreSQL a report reads a month's checkpoints from the index alone.
        constraints = [
            models.UniqueConstraint(fields=["month", "branch"], include=ROLLUP_COUNTS, name="rollup_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%m/%Y}"


class RollupDay(RollupCounts):
    """How a branch's counts change on a day (negative when periods end)."""

    day = models.DateField()

    class Meta:
        verbose_name = _("branch roll-up change of a day")
        verbose_name_plural = _("branch roll-up changes of days")
        constraints = [
            models.UniqueConstraint(fields=["day", "branch"], include=ROLLUP_COUNTS, name="rollup_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.day:%d/%m/%Y}"


class RollupCombo(models.Model):
    """A set of branches someone is a member of at once ("12,57": ids in order; one branch or more)."""

    branches = models.CharField(max_length=400, unique=True)
    size = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return self.branches


class RollupComboBranch(models.Model):
    """The branches of a set of two or more."""

    combo = models.ForeignKey(
        RollupCombo, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["combo", "branch"], name="rollup_combo_branch_unique")]
        # A report reads an area's sets from its branches: the index alone answers (no table
        # reads), so a commune's few hundred sets are not found by scanning every set.
        indexes = [models.Index(fields=["branch", "combo"], name="rollup_combo_branch_by_branch")]

    def __str__(self) -> str:
        return f"{self.combo_id}: {self.branch_id}"


class RollupSegment(models.Model):
    """A stretch of days over which a person who shares periods is a member of one set of branches."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    combo = models.ForeignKey(
        RollupCombo, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.person_id} {self.combo_id} {self.valid_from}–{self.valid_to or ''}"


class RollupComboCounts(models.Model):
    combo = models.ForeignKey(
        RollupCombo, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    people = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RollupComboMonth(RollupComboCounts):
    """The people of a set of two or more branches on the first day of a calendar month."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "combo"], include=["people"], name="rollup_combo_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.combo_id} {self.month:%m/%Y}"


class RollupComboDay(RollupComboCounts):
    """How the people of a set change on a day."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "combo"], include=["people"], name="rollup_combo_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.combo_id} {self.day:%d/%m/%Y}"
