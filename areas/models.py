"""The area tree through time: provinces, districts, communes and hamlets, and their reorganisations.

An area is in force between two dates (``valid_from`` .. ``valid_to``, exclusive; empty
means open). Official units never move: a reform ends them and begins new ones, each
with its own row, so codes repeat across structures (82 was Tiền Giang, is Đồng Tháp).
Hamlets keep their identity and move: ``AreaPlacement`` records where each area sat in
the tree during each period, with its path then, so that the tree of any date is one
indexed query, and ``Area.path`` is where it sits now (what scope reads).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

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


# The day the 2025 structure came into force (Nghị quyết 202/2025/QH15, 1 July 2025).
REFORM_2025 = datetime.date(2025, 7, 1)
# Units of the first structure, and hamlets, are keyed by their bare code; units of later
# structures add "@structure", since they reuse the old codes ("82@2025").
BARE_KEY_STRUCTURES = frozenset({"", Structure.PRE_2025})


def structure_of_path(path: str) -> str:
    """The structure of the tree a path lies in (its province's key tells)."""
    top = path.strip("/").split("/")[0]
    return top.split("@", 1)[1] if "@" in top else Structure.PRE_2025


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """Rows whose period (``valid_from`` .. ``valid_to``, exclusive; empty = open) contains ``on``."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


class AreaQuerySet(ScopedQuerySet):
    def subtree(self, area: "Area"):
        """The area and everything below it now, in one indexed prefix query."""
        return self.filter(path__startswith=area.path)

    def in_force_on(self, on: datetime.date):
        return self.filter(in_force_q(on))


class Area(VersionedModel, ScopedModel):
    """A unit of the administrative tree, in force between two dates.

    ``path`` is the materialised path of keys ("/87/874/30130/30130-01/") of where the
    area sits now, so a subtree is one prefix query on an indexed column. A key is the
    code, with the structure for units after the first ("/82@2025/30154@2025/"); keys are
    unique, so paths are too.
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
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    structure = models.CharField(
        _("structure"),
        max_length=8,
        choices=Structure.choices,
        blank=True,
        help_text=_("Set on official units; hamlets move from one structure to the next."),
    )
    key = models.CharField(_("key"), max_length=30, editable=False)
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Empty: since before the records begin.")
    )
    valid_to = models.DateField(
        _("in force until (exclusive)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The day a reorganisation ended it; empty while it is in force."),
    )
    # For an area that ended: the path of the nearest area in force that holds everything
    # it held (its single successor, or their common parent). Its past belongs to the
    # users of that area, and to no one below it: scope is never silently widened.
    successor_path = models.CharField(_("successor's path"), max_length=255, blank=True, editable=False)

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
            # A code names one unit per structure; hamlets (no structure) have codes of their own.
            models.UniqueConstraint(
                fields=["code", "structure"],
                name="area_code_unique_in_structure",
                violation_error_message=_("Another area already has this code."),
            ),
            models.UniqueConstraint(fields=["key"], name="area_key_unique"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="area_in_force_some_time",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def scope_q(cls, path: str) -> Q:
        # An area that ended belongs to whoever holds all it held now (never to part-holders).
        return Q(path__startswith=path) | Q(successor_path__startswith=path)

    @property
    def full_name(self) -> str:
        return f"{self.get_unit_type_display()} {self.name}"

    @property
    def last_day(self) -> datetime.date | None:
        """The last day in force, for an area that ended."""
        return self.valid_to - datetime.timedelta(days=1) if self.valid_to else None

    def in_force_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on < self.valid_to)

    @staticmethod
    def key_for(code: str, structure: str) -> str:
        return code if structure in BARE_KEY_STRUCTURES else f"{code}@{structure}"

    def build_path(self) -> str:
        parent_path = self.parent.path if self.parent_id else "/"
        return f"{parent_path}{self.key}/"

    @classmethod
    def hamlet_in(cls, commune: "Area", *, code: str, **fields) -> "Area":
        """An unsaved hamlet of ``commune`` with its key and path, for bulk writes (``save`` sets them otherwise)."""
        hamlet = cls(parent=commune, level=AreaLevel.HAMLET, code=code, key=cls.key_for(code, ""), **fields)
        hamlet.path = hamlet.build_path()
        return hamlet

    def clean(self):
        self.key = self.key_for(self.code, self.structure)
        if self.code and Area.objects.filter(key=self.key).exclude(pk=self.pk).exists():
            # Forms leave the key out of their unique checks (it is not one of their fields).
            raise ValidationError({"code": _("Another area already has this code.")})
        if self.level not in LEVEL_ORDER:
            return
        if self._state.adding and self.parent_id and self.parent.valid_to is not None:
            raise ValidationError(
                {
                    "parent": _("%(area)s ended on %(date)s: new areas go into the units in force.")
                    % {"area": self.parent, "date": self.parent.last_day.strftime("%d/%m/%Y")}
                }
            )
        if self.parent_id and LEVEL_ORDER.index(self.parent.level) >= LEVEL_ORDER.index(self.level):
            raise ValidationError({"parent": _("The parent area must be of a higher level.")})
        if self.level == AreaLevel.HAMLET and self.unit_type not in HAMLET_UNIT_TYPES:
            raise ValidationError({"unit_type": _("This unit type is not one of a hamlet.")})
        if self.level != AreaLevel.HAMLET and self.unit_type in HAMLET_UNIT_TYPES:
            raise ValidationError({"unit_type": _("This unit type is only for hamlets.")})

    @transaction.atomic
    def save(self, *args, **kwargs):
        adding = self._state.adding
        old_path = self.path
        self.key = self.key_for(self.code, self.structure)
        self.path = self.build_path()
        super().save(*args, **kwargs)
        if adding:
            AreaPlacement.first_of(self).save()
        elif old_path and old_path != self.path:
            self._correct_paths(old_path)

    def _correct_paths(self, old_path: str) -> None:
        """A new code, or a new parent from the official file: a correction, not a move.

        Every recorded position of the area keeps its date but takes the new key (and the
        open one the new parent), and the paths of everything below follow.
        """
        old_key = old_path.rstrip("/").rsplit("/", 1)[-1]
        for placement in self.placements.all():
            if placement.valid_to is None:
                new_path, placement.parent_id = self.path, self.parent_id
            else:
                new_path = placement.path[: -len(old_key) - 1] + self.key + "/"
            rewrite_paths(placement.path, new_path)
            placement.path = new_path
            placement.save(update_fields=["path", "parent"])
        rewrite_paths(old_path, self.path)

    def ancestor_paths(self) -> list[str]:
        return path_prefixes(self.path)

    def ancestors(self):
        """From the province down to this area, as it sits now, in one query."""
        return Area.objects.filter(path__in=self.ancestor_paths()).order_by("path")


def path_prefixes(path: str) -> list[str]:
    """The paths of the ancestors of ``path`` and of itself, top first."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def rewrite_paths(old: str, new: str, **history) -> None:
    """Everything recorded below ``old`` (current paths, positions, successors) is below ``new``.

    Written with its audit history, like any change (``history``: the user and reason).
    """
    from .reorganization import participants  # the apps above keep paths of their own

    for model, field in ((Area, "path"), (AreaPlacement, "path"), (Area, "successor_path")):
        objs = list(model.objects.filter(**{f"{field}__startswith": old}))
        for obj in objs:
            setattr(obj, field, new + getattr(obj, field)[len(old) :])
        bulk_update_with_history(objs, model, [field], batch_size=500, **history)
    for participant in participants().values():
        participant.rewrite_paths(old=old, new=new, history=history)


class AreaPlacement(models.Model):
    """Where an area sat in the tree during a period: its parent and its path then.

    The placements of an area follow one another without gaps over its life; reports
    read the tree of their date from them. Only ``areas`` services write them.
    """

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="placements")
    parent = models.ForeignKey(
        Area, verbose_name=_("parent area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    path = models.CharField(_("path"), max_length=255)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until (exclusive)"), null=True, blank=True)
    opened_by = models.ForeignKey(
        "Reorganization", verbose_name=_("begun by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        "Reorganization", verbose_name=_("ended by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = AuditHistory()

    class Meta:
        verbose_name = _("area placement")
        verbose_name_plural = _("area placements")
        # The first placement (no start date) first, on every database.
        ordering = ["area", F("valid_from").asc(nulls_first=True)]
        indexes = [
            models.Index(fields=["path"], name="placement_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "valid_from"], name="placement_parent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["area"], condition=Q(valid_to__isnull=True), name="placement_one_open"),
            models.UniqueConstraint(fields=["area"], condition=Q(valid_from__isnull=True), name="placement_one_first"),
            models.UniqueConstraint(fields=["area", "valid_from"], name="placement_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="placement_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.valid_from or ''}–{self.valid_to or ''}"

    @classmethod
    def first_of(cls, area: Area) -> "AreaPlacement":
        """The position of a new area: where it is, over its whole life."""
        return cls(
            area=area, parent_id=area.parent_id, path=area.path, valid_from=area.valid_from, valid_to=area.valid_to
        )


class ReorganizationKind(models.TextChoices):
    REFORM = "reform", _("Reform of provinces and communes")
    HAMLET_MERGE = "hamlet_merge", _("Merge of hamlets")
    HAMLET_SPLIT = "hamlet_split", _("Split of a hamlet")


class Reorganization(models.Model):
    """A dated reorganisation of the tree: who applied it, when, from which plan, and what moved.

    ``summary`` is what the dry run showed; ``undo_log`` what undoing needs that the
    placements and successions it wrote do not hold (units it created, accounts it moved).
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ReorganizationKind.choices)
    effective_on = models.DateField(_("effective from"))
    provinces = models.JSONField(_("provinces"), default=list, help_text=_("The codes of the old provinces."))
    plan_name = models.CharField(_("plan file"), max_length=255, blank=True)
    plan_sha256 = models.CharField(_("plan file SHA-256"), max_length=64, blank=True)
    summary = models.JSONField(_("what moved"), default=dict)
    undo_log = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"


class RunState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("being applied")
    DONE = "done", _("applied")
    FAILED = "failed", _("failed")


class ReorganizationRun(models.Model):
    """A reform an administrator confirmed on the page, applied by the task worker (``areas.tasks``).

    The plan is what the preview showed: the old provinces, the date, and the new commune
    chosen for each hamlet of a divided commune. The progress is written from the worker
    through a connection of its own (``core.progress``), so the page follows it.
    """

    state = models.CharField(_("state"), max_length=8, choices=RunState.choices, default=RunState.QUEUED)
    effective_on = models.DateField(_("effective from"))
    provinces = models.JSONField(_("provinces"), default=list)
    plan = models.JSONField(_("plan"), default=dict, help_text=_("Hamlet code -> the new commune's code."))
    plan_name = models.CharField(_("plan file"), max_length=255, blank=True)
    plan_sha256 = models.CharField(_("plan file SHA-256"), max_length=64, blank=True)
    progress_stage = models.CharField(max_length=100, blank=True, editable=False)
    progress_done = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.PositiveIntegerField(default=0, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    event = models.ForeignKey(
        Reorganization, verbose_name=_("reorganisation"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reorganisation run")
        verbose_name_plural = _("reorganisation runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")) | Q(progress_total=0), name="run_progress_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.effective_on:%d/%m/%Y} {', '.join(self.provinces)}"

    @property
    def busy(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)

    @property
    def progress_percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class SuccessionKind(models.TextChoices):
    MERGED = "merged", _("merged into")
    RENAMED = "renamed", _("renamed")
    SPLIT = "split", _("split, partly into")
    UNCHANGED = "unchanged", _("unchanged")


class Succession(models.Model):
    """One old unit's successor in a reorganisation (a split unit has several, one the default)."""

    event = models.ForeignKey(
        Reorganization, verbose_name=_("reorganisation"), on_delete=models.CASCADE, related_name="successions"
    )
    predecessor = models.ForeignKey(
        Area, verbose_name=_("old unit"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(Area, verbose_name=_("new unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    is_default = models.BooleanField(_("default successor"), default=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="succession_unique"),
            models.UniqueConstraint(
                fields=["event", "predecessor"], condition=Q(is_default=True), name="succession_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
