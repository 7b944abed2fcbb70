"""The official units and their 2025 succession, as the committed files (``areas/data``) give them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Area, Structure

DATA_DIR = Path(__file__).resolve().parent / "data"
SUCCESSION_FILE = DATA_DIR / "succession_2025.csv"


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    parent_code: str
    level: str
    unit_type: str
    name: str
    structure: str
    path: str

    @property
    def key(self) -> str:
        return Area.key_for(self.code, self.structure)

    @property
    def province_code(self) -> str:
        return self.path.strip("/").split("/")[0].split("@")[0]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def full_name(self) -> str:
        return f"{Area(unit_type=self.unit_type).get_unit_type_display()} {self.name}"


@dataclass(frozen=True)
class Successor:
    """One new unit an old one became: ``kind`` as in ``SuccessionKind``; one per old unit is the default."""

    level: str
    old_code: str
    new_code: str
    kind: str
    is_default: bool


def official_areas_file(*, structure: str) -> Path:
    return DATA_DIR / f"areas_{structure}.csv"


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
            path = f"{paths[parent_code] if parent_code else '/'}{Area.key_for(code, structure)}/"
            paths[code] = path
            units.append(OfficialUnit(code, parent_code, row["level"], row["unit_type"], row["name"], structure, path))
    return tuple(units)


def successors_2025() -> dict[tuple[str, str], tuple[Successor, ...]]:
    """(level, old code) -> the 2025 units it became, the default first."""
    found: dict[tuple[str, str], list[Successor]] = {}
    with SUCCESSION_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            successor = Successor(row["level"], row["old_code"], row["new_code"], row["kind"], row["default"] == "1")
            found.setdefault((successor.level, successor.old_code), []).append(successor)
    return {key: tuple(sorted(rows, key=lambda s: not s.is_default)) for key, rows in found.items()}
