"""Writes to the area tree: the official units from the committed files, and hamlets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.concurrency import save_changes

from .models import REFORM_2025, Area, AreaLevel, AreaPlacement, Structure, rewrite_paths
from .official import read_official_units

# The fields the official data file decides; everything else on an Area is left alone.
OFFICIAL_FIELDS = ["parent", "level", "unit_type", "name", "key", "path"]
BATCH_SIZE = 500
# Codes per "code IN (...)" query, below every backend's limit on query parameters.
LOOKUP_CHUNK = 900
# The day each structure's units came into force when loaded (the first structure: always).
STRUCTURE_BEGINS = {Structure.PRE_2025: None, Structure.FROM_2025: REFORM_2025}


@dataclass(frozen=True)
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def create_placements(areas: Iterable[Area], **history) -> None:
    """The first placement of areas written in bulk (``Area.save`` writes it for one area)."""
    placements = [AreaPlacement.first_of(area) for area in areas]
    bulk_create_with_history(placements, AreaPlacement, batch_size=BATCH_SIZE, **history)


def _existing_areas(structure: str, codes: list[str]) -> dict[str, Area]:
    existing: dict[str, Area] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        for area in Area.objects.filter(structure=structure, code__in=codes[start : start + LOOKUP_CHUNK]):
            existing[area.code] = area
    return existing


def _check_keys_free(structure: str, keys: list[str]) -> None:
    """A unit's key must not already belong to another area (a hamlet coded like a pre-2025 commune)."""
    taken = set()
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        taken.update(Area.objects.filter(key__in=chunk).exclude(structure=structure).values_list("code", flat=True))
    if taken:
        codes = sorted(taken)
        raise ValidationError(
            _("These codes already belong to areas that are not official units: %(codes)s."),
            params={"codes": ", ".join(codes[:20]) + (" …" if len(codes) > 20 else "")},
            code="code_taken",
        )


@transaction.atomic
def load_official_areas(*, structure: str, province_codes: list[str] | None = None, user=None) -> LoadResult:
    """Create or update the official units of ``structure`` (of some provinces, or all).

    Upserts by structure and code, so running it again changes nothing, and both
    structures live side by side: which one a code means is read by date. New units of
    the 2025 structure are in force from 1 July 2025; the dates of units already there
    are left as a reorganisation set them. Hamlets and other areas that are not in the
    file stay in place; if an official unit moves to another parent, what lies below it
    follows.
    """
    units = read_official_units(structure=structure)
    if province_codes is not None:
        known = {unit.code for unit in units if unit.level == AreaLevel.PROVINCE}
        unknown = sorted(set(province_codes) - known)
        if unknown:
            raise ValidationError(
                _("Unknown province code(s): %(codes)s (structure: %(structure)s)."),
                params={"structure": Structure(structure).label, "codes": ", ".join(unknown)},
                code="unknown_province",
            )
        wanted = set(province_codes)
        units = [unit for unit in units if unit.province_code in wanted]

    existing = _existing_areas(structure, [unit.code for unit in units])
    _check_keys_free(structure, [unit.key for unit in units if unit.code not in existing])

    by_code: dict[str, Area] = dict(existing)
    moved: dict[str, str] = {}  # old path -> new path, for what lies below a moved unit
    to_create: dict[int, list[Area]] = defaultdict(list)
    to_update: list[Area] = []
    unchanged = 0
    for unit in units:
        parent = by_code[unit.parent_code] if unit.parent_code else None
        values = {
            "parent": parent,
            "level": unit.level,
            "unit_type": unit.unit_type,
            "name": unit.name,
            "key": unit.key,
            "path": unit.path,
        }
        area = existing.get(unit.code)
        if area is None:
            begins = STRUCTURE_BEGINS[structure]
            by_code[unit.code] = area = Area(code=unit.code, structure=structure, valid_from=begins, **values)
            to_create[unit.depth].append(area)
            continue
        parent_id = parent.pk if parent else None
        if area.parent_id == parent_id and all(
            getattr(area, field) == value for field, value in values.items() if field != "parent"
        ):
            unchanged += 1
            continue
        if area.path != unit.path:
            moved[area.path] = unit.path
        for field, value in values.items():
            setattr(area, field, value)
        to_update.append(area)

    history = {"default_user": user, "default_change_reason": "load_areas"}
    # Parents first: a child's parent_id needs the parent's primary key.
    for depth in sorted(to_create):
        created = bulk_create_with_history(to_create[depth], Area, batch_size=BATCH_SIZE, **history)
        create_placements(created, **history)
    if to_update:
        bulk_update_with_history(to_update, Area, OFFICIAL_FIELDS, batch_size=BATCH_SIZE, **history)
        for area in to_update:
            area.placements.filter(valid_to__isnull=True).update(parent_id=area.parent_id)
    # Shallow moves first: they carry everything below them, deeper units included.
    for old_path in sorted(moved, key=len):
        rewrite_paths(old_path, moved[old_path], **history)
    created = sum(len(areas) for areas in to_create.values())
    return LoadResult(created=created, updated=len(to_update), unchanged=unchanged)


# ---------------------------------------------------------------------------
# Hamlets, as the pages change them


@transaction.atomic
def create_hamlet(*, commune: Area, code: str, name: str, unit_type: str) -> Area:
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationError(_("Hamlets are added to a commune."))
    hamlet = Area(parent=commune, level=AreaLevel.HAMLET, code=code, name=name, unit_type=unit_type)
    hamlet.full_clean()
    hamlet.save()
    return hamlet


@transaction.atomic
def update_hamlet(*, hamlet: Area, expected_version: int | None, code: str, name: str, unit_type: str) -> Area:
    """Rename or recode a hamlet; official units (provinces, districts, communes) come from load_areas."""
    if hamlet.level != AreaLevel.HAMLET:
        raise ValidationError(_("Only hamlets are changed here; official units come from the statistics office."))
    return save_changes(
        hamlet, expected_version=expected_version, values={"code": code, "name": name, "unit_type": unit_type}
    )
