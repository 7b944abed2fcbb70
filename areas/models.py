"""The area tree: provinces, districts, communes and hamlets, in the structures they have had."""

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
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
