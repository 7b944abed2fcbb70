from datetime import date

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedModel
from core.history import AuditHistory
from core.scoping import ScopedModel, ScopedQuerySet

code_validator = RegexValidator(r"^[0-9A-Za-z_.-]+$", _("A code may contain only letters, digits, '.', '_' and '-'."))


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    HAMLET = "hamlet", _("Hamlet")


class UnitType(models.TextChoices):
    # The labels are the official Vietnamese words that begin each unit's name
    # ("Huyện Thanh Bình"), so they stay Vietnamese in every interface language.
    TINH = "tinh", "Tỉnh"
    THANH_PHO = "thanh_pho", "Thành phố"
    HUYEN = "huyen", "Huyện"
    QUAN = "quan", "Quận"
    THI_XA = "thi_xa", "Thị xã"
    XA = "xa", "Xã"
    PHUONG = "phuong", "Phường"
    THI_TRAN = "thi_tran", "Thị trấn"
    DAC_KHU = "dac_khu", "Đặc khu"
    AP = "ap", "Ấp"
    KHOM = "khom", "Khóm"
    THON = "thon", "Thôn"
    TO_DAN_PHO = "to_dan_pho", "Tổ dân phố"
    BAN = "ban", "Bản"
    BUON = "buon", "Buôn"
    SOC = "soc", "Sóc"
    LANG = "lang", "Làng"


LEVEL_ORDER = [AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE, AreaLevel.HAMLET]

HAMLET_UNIT_TYPES = (
    UnitType.AP,
    UnitType.KHOM,
    UnitType.THON,
    UnitType.TO_DAN_PHO,
    UnitType.BAN,
    UnitType.BUON,
    UnitType.SOC,
    UnitType.LANG,
)


class Structure(models.TextChoices):
    PRE_2025 = "pre2025", _("Before 2025 (province, district, commune)")
    FROM_2025 = "2025", _("From 2025 (province, commune)")


class AreaQuerySet(ScopedQuerySet):
    def subtree(self, area: "Area"):
        """The area and everything below it, in one indexed prefix query."""
        return self.filter(path__startswith=area.path)


class Area(VersionedModel, ScopedModel):
    """A node of the administrative tree.

    ``path`` is the materialised path of codes ("/87/874/30130/"), so a subtree is one
    prefix query on an indexed column. Codes are unique in the whole system, which
    keeps paths unique and short.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    unit_type = models.CharField(_("unit type"), max_length=12, choices=UnitType.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("Without the unit type: 'Thanh Bình'."))
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    structure = models.CharField(
        _("structure"),
        max_length=8,
        choices=Structure.choices,
        blank=True,
        help_text=_("Set on official units; hamlets follow their commune."),
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    history = AuditHistory(excluded_fields=["version"])
    objects = AreaQuerySet.as_manager()
    scope_path = "path"

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' uses a btree index on PostgreSQL only with the pattern operator class.
            models.Index(fields=["path"], name="area_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="area_parent_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=AreaLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=AreaLevel.PROVINCE) & Q(parent__isnull=False)),
                name="area_only_provinces_are_roots",
                violation_error_message=_("Only a province has no parent area."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.get_unit_type_display()} {self.name}"

    def build_path(self) -> str:
        parent_path = self.parent.path if self.parent_id else "/"
        return f"{parent_path}{self.code}/"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.level not in LEVEL_ORDER:
            return
        if self.parent_id and LEVEL_ORDER.index(self.parent.level) >= LEVEL_ORDER.index(self.level):
            raise ValidationError({"parent": _("The parent area must be of a higher level.")})
        if self.level == AreaLevel.HAMLET and self.unit_type not in HAMLET_UNIT_TYPES:
            raise ValidationError({"unit_type": _("This unit type is not one of a hamlet.")})
        if self.level != AreaLevel.HAMLET and self.unit_type in HAMLET_UNIT_TYPES:
            raise ValidationError({"unit_type": _("This unit type is only for hamlets.")})

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.build_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A new code or parent moves the whole subtree: its paths follow in one UPDATE.
            Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    def ancestor_paths(self) -> list[str]:
        parts = self.path.strip("/").split("/")
        return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]

    def ancestors(self):
        """From the province down to this area, in one query."""
        return Area.objects.filter(path__in=self.ancestor_paths()).order_by("path")


class Organization(models.Model):
    """A mass organisation: the Youth Union or an association, with the words it uses."""

    code = models.CharField(_("code"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    branch_word = models.CharField(_("word for a branch"), max_length=30, help_text=_("chi đoàn / chi hội"))
    member_word = models.CharField(_("word for a member"), max_length=30, help_text=_("đoàn viên / hội viên"))
    min_age = models.PositiveSmallIntegerField(_("minimum eligible age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum eligible age"), null=True, blank=True)
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


class Branch(VersionedModel, ScopedModel):
    """A chi đoàn or chi hội: one organization's branch in a hamlet (or, if professional, a commune)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="branches"
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="branches")
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=12, choices=BranchKind.choices, default=BranchKind.RESIDENTIAL)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

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
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.area_id is None:
            return
        allowed = {AreaLevel.HAMLET} if self.kind == BranchKind.RESIDENTIAL else {AreaLevel.HAMLET, AreaLevel.COMMUNE}
        if self.area.level not in allowed:
            raise ValidationError(
                {"area": _("A residential branch sits in a hamlet; a professional one in a hamlet or a commune.")}
            )


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


class AllowanceRate(models.Model):
    """The monthly allowance, in whole đồng, paid to an officer of a role during a period."""

    role = models.CharField(_("role"), max_length=12, choices=OfficerRole.choices)
    amount = models.PositiveIntegerField(_("amount per month (đồng)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("The last day the rate applies."))

    history = AuditHistory()

    class Meta:
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        ordering = ["role", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["role", "valid_from"], name="allowance_rate_unique_start"),
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

        if not (self.role and self.valid_from):
            return
        overlapping = AllowanceRate.objects.filter(role=self.role, valid_from__lte=self.valid_to or date.max).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(_("Another rate for this role applies during part of this period."))
