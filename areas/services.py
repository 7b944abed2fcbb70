"""Writes to the area tree: the official units from the committed files, and hamlets."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from areas.models import Area, AreaLevel, Structure
from core.concurrency import save_changes

OFFICIAL_AREAS_DIR = Path(__file__).resolve().parent / "data"
# The fields the official data file decides; everything else on an Area is left alone.
OFFICIAL_FIELDS = ["parent", "level", "unit_type", "name", "structure", "path"]
BATCH_SIZE = 500
# Codes per "code IN (...)" query, below every backend's limit on query parameters.
LOOKUP_CHUNK = 900


@dataclass(frozen=True)
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    parent_code: str
    level: str
    unit_type: str
    name: str
    path: str

    @property
    def province_code(self) -> str:
        return self.path.split("/")[1]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


def official_areas_file(*, structure: str) -> Path:
    return OFFICIAL_AREAS_DIR / f"areas_{structure}.csv"


def read_official_units(*, structure: str) -> list[OfficialUnit]:
    """The units of a structure's data file, parents before children, with their paths."""
    if structure not in Structure.values:
        raise ValidationError(
            _("Unknown structure %(structure)s; use one of: %(choices)s."),
            params={"structure": structure, "choices": ", ".join(Structure.values)},
            code="unknown_structure",
        )
    paths: dict[str, str] = {}
    units = []
    with official_areas_file(structure=structure).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, parent_code = row["code"], row["parent_code"]
            # The file lists parents first, so a parent's path is always known here.
            path = f"{paths[parent_code] if parent_code else '/'}{code}/"
            paths[code] = path
            units.append(OfficialUnit(code, parent_code, row["level"], row["unit_type"], row["name"], path))
    return units


def _existing_areas(codes: list[str]) -> dict[str, Area]:
    existing: dict[str, Area] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        for area in Area.objects.filter(code__in=codes[start : start + LOOKUP_CHUNK]):
            existing[area.code] = area
    return existing


def _check_one_structure(*, structure: str, existing: dict[str, Area]) -> None:
    other = Area.objects.exclude(structure__in=["", structure]).values_list("structure", flat=True).first()
    if other is not None:
        raise ValidationError(
            _(
                "The database already holds areas of the other structure, “%(structure)s”; "
                "load only one structure per database."
            ),
            params={"structure": Structure(other).label},
            code="mixed_structures",
        )
    # Codes are unique in the whole system: an official code must not already name a hamlet.
    taken = sorted(code for code, area in existing.items() if area.structure != structure)
    if taken:
        raise ValidationError(
            _("These codes already belong to areas that are not official units: %(codes)s."),
            params={"codes": ", ".join(taken[:20]) + (" …" if len(taken) > 20 else "")},
            code="code_taken",
        )


@transaction.atomic
def load_official_areas(*, structure: str, province_codes: list[str] | None = None, user=None) -> LoadResult:
    """Create or update the official units of ``structure`` (of some provinces, or all).

    Upserts by code, so running it again changes nothing. Refuses to mix the two
    structures in one database, since they reuse each other's codes. Hamlets and other
    areas that are not in the file are left in place; if an official unit moves to
    another parent, the paths of the areas below it follow.
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

    existing = _existing_areas([unit.code for unit in units])
    _check_one_structure(structure=structure, existing=existing)

    by_code: dict[str, Area] = dict(existing)
    moved: dict[str, str] = {}  # old path -> new path, for the areas below a moved unit
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
            "structure": structure,
            "path": unit.path,
        }
        area = existing.get(unit.code)
        if area is None:
            by_code[unit.code] = area = Area(code=unit.code, **values)
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
        bulk_create_with_history(to_create[depth], Area, batch_size=BATCH_SIZE, **history)
    if to_update:
        bulk_update_with_history(to_update, Area, OFFICIAL_FIELDS, batch_size=BATCH_SIZE, **history)
    if moved:
        _move_descendants(moved, loaded={unit.code for unit in units}, history=history)
    created = sum(len(areas) for areas in to_create.values())
    return LoadResult(created=created, updated=len(to_update), unchanged=unchanged)


def _move_descendants(moved: dict[str, str], *, loaded: set[str], history: dict) -> None:
    """Rewrite the paths of the areas (hamlets, say) below units whose path changed."""
    below: dict[int, Area] = {}
    for old_path in moved:
        for area in Area.objects.filter(path__startswith=old_path).exclude(path=old_path):
            if area.code not in loaded:
                below[area.pk] = area
    for area in below.values():
        # The longest moved prefix is the nearest moved ancestor, whose new path already
        # includes the moves above it.
        old_path = max((path for path in moved if area.path.startswith(path)), key=len)
        area.path = moved[old_path] + area.path[len(old_path) :]
    if below:
        bulk_update_with_history(list(below.values()), Area, ["path"], batch_size=BATCH_SIZE, **history)


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
