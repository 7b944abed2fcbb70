"""Build the committed official-areas files from the ``vietnamadminunits`` package.

Run by hand, at build time only; the package is not a runtime requirement::

    pip install vietnamadminunits==1.0.4 && python scripts/build_areas.py

It writes ``areas/data/areas_pre2025.csv`` (63 provinces, their districts and
communes) and ``areas/data/areas_2025.csv`` (34 provinces and their communes), with
the columns ``code,parent_code,level,unit_type,name``, rows sorted by code path
(parents first). The output is deterministic: the same package version gives the same
bytes. Source and licence: ``areas/data/README.md``.

The unit type is taken from the first word(s) of the official name ("Huyện Thanh Bình"),
compared without regard to case, because the name is more reliable than the package's
separate type column (which calls "Phường 5" of Quận Phú Nhuận a "Xã", for one). Names
are NFC-normalised, their spaces collapsed and their first letter capitalised.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vietnamadminunits.database import query

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "areas" / "data"
COLUMNS = ["code", "parent_code", "level", "unit_type", "name"]

# The official words that begin a unit's name, per level, with the UnitType value
# (branches.models.UnitType). Longer words first so that "Thành phố" is not read as "Thành".
PROVINCE_TYPES = {"Thành phố": "thanh_pho", "Tỉnh": "tinh"}
DISTRICT_TYPES = {"Thành phố": "thanh_pho", "Thị xã": "thi_xa", "Huyện": "huyen", "Quận": "quan"}
COMMUNE_TYPES = {"Thị trấn": "thi_tran", "Đặc khu": "dac_khu", "Phường": "phuong", "Xã": "xa"}


@dataclass(frozen=True)
class Unit:
    code: str
    parent_code: str
    level: str
    unit_type: str
    name: str


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_name(full_name: str, types: dict[str, str], *, source_type: str | None = None) -> tuple[str, str]:
    """("Huyện Thanh Bình", …) -> ("huyen", "Thanh Bình"); warns when the package's type column disagrees."""
    full_name = clean(full_name)
    for word, unit_type in types.items():
        if full_name.casefold().startswith(word.casefold() + " "):
            if source_type is not None and clean(source_type).casefold() != word.casefold():
                print(f"note: {full_name!r} is typed {source_type!r} in the source; using {word!r}", file=sys.stderr)
            name = full_name[len(word) + 1 :]
            if not name[0].isupper() and not name[0].isdigit():  # "Xã é Tòng" in the source
                print(f"note: capitalising {full_name!r}", file=sys.stderr)
                name = name[0].upper() + name[1:]
            return unit_type, name
    raise ValueError(f"No known unit type begins {full_name!r}")


class Collector:
    """Units by code; a code seen twice must describe the same unit."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}

    def add(self, unit: Unit) -> None:
        seen = self.units.setdefault(unit.code, unit)
        if seen != unit:
            raise ValueError(f"Code {unit.code} describes two units: {seen} and {unit}")

    def sorted_units(self) -> list[Unit]:
        paths: dict[str, str] = {}

        def path(code: str) -> str:
            if code not in paths:
                parent_code = self.units[code].parent_code
                paths[code] = (path(parent_code) if parent_code else "/") + code + "/"
            return paths[code]

        return sorted(self.units.values(), key=lambda unit: path(unit.code))


def province(row: dict) -> Unit:
    unit_type, name = split_name(row["province"], PROVINCE_TYPES)
    return Unit(clean(row["provinceCode"]), "", "province", unit_type, name)


def build_pre2025() -> list[Unit]:
    units = Collector()
    rows = query(
        "SELECT province, provinceCode, district, districtType, districtCode, ward, wardType, wardCode"
        " FROM admin_units_legacy"
    )
    for row in rows:
        units.add(province(row))
        unit_type, name = split_name(row["district"], DISTRICT_TYPES, source_type=row["districtType"])
        units.add(Unit(clean(row["districtCode"]), clean(row["provinceCode"]), "district", unit_type, name))
        if row["ward"] is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, …)
            continue
        unit_type, name = split_name(row["ward"], COMMUNE_TYPES, source_type=row["wardType"])
        units.add(Unit(clean(row["wardCode"]), clean(row["districtCode"]), "commune", unit_type, name))
    return units.sorted_units()


def build_2025() -> list[Unit]:
    units = Collector()
    for row in query("SELECT province, provinceCode, ward, wardType, wardCode FROM admin_units"):
        units.add(province(row))
        unit_type, name = split_name(row["ward"], COMMUNE_TYPES, source_type=row["wardType"])
        units.add(Unit(clean(row["wardCode"]), clean(row["provinceCode"]), "commune", unit_type, name))
    return units.sorted_units()


def write(path: Path, units: Iterable[Unit]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for unit in units:
            writer.writerow([unit.code, unit.parent_code, unit.level, unit.unit_type, unit.name])


def main() -> None:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for structure, build in (("pre2025", build_pre2025), ("2025", build_2025)):
        units = build()
        path = OUTPUT_DIR / f"areas_{structure}.csv"
        write(path, units)
        counts = {level: sum(unit.level == level for unit in units) for level in ("province", "district", "commune")}
        print(f"{path}: {len(units)} units {counts}")


if __name__ == "__main__":
    main()
