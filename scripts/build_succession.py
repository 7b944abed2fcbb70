"""Build the committed 2025 succession file from the ``vietnamadminunits`` package.

Run by hand, at build time only, after ``scripts/build_areas.py``; the package is not a
runtime requirement::

    pip install vietnamadminunits==1.0.4 && python scripts/build_succession.py

It writes ``areas/data/succession_2025.csv`` with the columns
``level,old_code,new_code,kind,default``: one row per (pre-2025 unit, 2025 unit) pair,
the codes being those of ``areas/data/areas_pre2025.csv`` (old) and
``areas/data/areas_2025.csv`` (new), which it reads and checks against.

- ``level``: ``province``, ``district`` (only the island districts that have no
  communes, each mapped to the đặc khu that succeeds it) or ``commune``.
- ``kind``: ``split`` when the old unit is divided among several new ones; otherwise
  ``merged`` when the new unit receives several old units, ``renamed`` when it receives
  this one old unit only but under another code or full name ("Thị trấn Mường Lát" ->
  "Xã Mường Lát"), ``unchanged`` when code and full name are the same.
- ``default``: ``1`` on exactly one row per old unit: its only successor or, for a split,
  the one the package marks ``isDefaultNewWard`` (its choice when there is no street
  address to place).

Rows are sorted by level (province, district, commune), old code and new code. The
output is deterministic: the same package version gives the same bytes. Source and
licence: ``areas/data/README.md``.

The pairs come from the package's ``data/converter_2025.json`` (the dictionaries that
``convert_address_2025`` uses), whose keys are resolved to codes through the key columns
of its SQLite tables. Keys are matched exactly: the source spells some keys with their
diacritics ("xãtânthạnh") to tell apart units whose plain keys would collide (Xã Tân
Thạnh and Xã Tân Thành of Đồng Tháp are both "xatanthanh"), and its tables use the same
spelling. Only a key found nowhere is retried without diacritics, and used if that
finds a single unit (a note says so).
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from vietnamadminunits.database import query

ROOT = Path(__file__).resolve().parent.parent
AREAS_DIR = ROOT / "areas" / "data"
OUTPUT_PATH = AREAS_DIR / "succession_2025.csv"
COLUMNS = ["level", "old_code", "new_code", "kind", "default"]
LEVELS = ("province", "district", "commune")
KINDS = ("split", "merged", "renamed", "unchanged")


@dataclass(frozen=True)
class Area:
    parent_code: str
    level: str
    unit_type: str
    name: str


NO_AREA = Area("", "", "", "")


@dataclass(frozen=True)
class Link:
    """One (old unit, new unit) pair as the package gives it."""

    level: str
    old_code: str
    new_code: str
    split: bool
    default: bool


@dataclass(frozen=True)
class Row:
    level: str
    old_code: str
    new_code: str
    kind: str
    default: bool


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def plain(key: str) -> str:
    """The key without diacritics: "xãtânthạnh" -> "xatanthanh"."""
    key = unicodedata.normalize("NFD", key).replace("đ", "d").replace("Đ", "D")
    return "".join(char for char in key if not unicodedata.combining(char)).lower()


def read_areas(path: Path) -> dict[str, Area]:
    with path.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Area(row["parent_code"], row["level"], row["unit_type"], row["name"])
            for row in csv.DictReader(f)
        }


def province_of(code: str, areas: dict[str, Area]) -> str:
    while areas[code].parent_code:
        code = areas[code].parent_code
    return code


def new_level(old_level: str) -> str:
    """The level of a new unit that succeeds an old unit of this level; 2025 has no districts."""
    return "province" if old_level == "province" else "commune"


class KeyIndex:
    """Codes by package key; collects the keys it cannot resolve."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.exact: dict[str, tuple[str, str]] = {}
        self.plain: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        self.unresolved: set[str] = set()

    def add(self, key: str, level: str, code: str) -> None:
        seen = self.exact.setdefault(key, (level, code))
        if seen != (level, code):
            raise ValueError(f"{self.label} key {key!r} names two units: {seen} and {(level, code)}")
        self.plain[plain(key)].add((level, code))

    def resolve(self, key: str) -> tuple[str, str] | None:
        if key in self.exact:
            return self.exact[key]
        candidates = self.plain.get(plain(key), set())
        if len(candidates) == 1:
            (found,) = candidates
            print(f"note: {self.label} key {key!r} matched {found} without diacritics", file=sys.stderr)
            return found
        self.unresolved.add(key)
        return None


def old_index() -> KeyIndex:
    """Pre-2025 keys: "province", "province_district_ward", "province_district_" (island districts)."""
    index = KeyIndex("old")
    rows = query(
        "SELECT provinceKey, provinceCode, districtKey, districtCode, wardKey, wardCode FROM admin_units_legacy"
    )
    for row in rows:
        index.add(row["provinceKey"], "province", clean(row["provinceCode"]))
        prefix = f"{row['provinceKey']}_{row['districtKey']}_"
        if row["wardKey"] is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, …)
            index.add(prefix, "district", clean(row["districtCode"]))
        else:
            index.add(prefix + row["wardKey"], "commune", clean(row["wardCode"]))
    return index


def new_index() -> KeyIndex:
    """2025 keys: "province" and "province_ward"."""
    index = KeyIndex("new")
    for row in query("SELECT provinceKey, provinceCode, wardKey, wardCode FROM admin_units"):
        index.add(row["provinceKey"], "province", clean(row["provinceCode"]))
        index.add(f"{row['provinceKey']}_{row['wardKey']}", "commune", clean(row["wardCode"]))
    return index


def load_converter() -> dict:
    path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


def link(old: KeyIndex, new: KeyIndex, old_key: str, new_key: str, *, split: bool, default: bool) -> Link | None:
    old_unit, new_unit = old.resolve(old_key), new.resolve(new_key)
    if old_unit is None or new_unit is None:
        return None
    return Link(old_unit[0], old_unit[1], new_unit[1], split, default)


def province_links(converter: dict, old: KeyIndex, new: KeyIndex) -> Iterable[Link | None]:
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            yield link(old, new, old_key, new_key, split=False, default=True)


def undivided_links(converter: dict, old: KeyIndex, new: KeyIndex) -> Iterable[Link | None]:
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                yield link(old, new, old_key, f"{province_key}_{ward_key}", split=False, default=True)


def divided_links(converter: dict, old: KeyIndex, new: KeyIndex) -> Iterable[Link | None]:
    for province_key, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_wards in old_wards.items():
            for ward in new_wards:
                new_key = f"{province_key}_{ward['newWardKey']}"
                yield link(old, new, old_key, new_key, split=True, default=bool(ward["isDefaultNewWard"]))


def collect_links(converter: dict, old: KeyIndex, new: KeyIndex) -> list[Link]:
    """All pairs, each once; raises if a package key resolves to no unit."""
    found: dict[tuple[str, str, str], Link] = {}
    for links in (province_links, undivided_links, divided_links):
        for item in links(converter, old, new):
            if item is None:
                continue
            key = (item.level, item.old_code, item.new_code)
            if key in found:
                print(f"note: {key} is listed twice in the source; keeping it once", file=sys.stderr)
                item = Link(item.level, item.old_code, item.new_code, item.split, item.default or found[key].default)
            found[key] = item
    unresolved = sorted(f"{index.label} {key!r}" for index in (old, new) for key in index.unresolved)
    if unresolved:
        raise ValueError(f"{len(unresolved)} package keys resolve to no unit: {', '.join(unresolved)}")
    return list(found.values())


def kind(item: Link, sources: Counter, old_areas: dict[str, Area], new_areas: dict[str, Area]) -> str:
    if item.split:
        return "split"
    if sources[new_level(item.level), item.new_code] > 1:
        return "merged"
    old_area, new_area = old_areas[item.old_code], new_areas[item.new_code]
    if (item.old_code, old_area.unit_type, old_area.name) == (item.new_code, new_area.unit_type, new_area.name):
        return "unchanged"
    return "renamed"


def classify(links: list[Link], old_areas: dict[str, Area], new_areas: dict[str, Area]) -> list[Row]:
    """Rows sorted by level, old code, new code. A new commune's sources are its old districts and communes."""
    sources = Counter((new_level(item.level), item.new_code) for item in links)
    rows = [
        Row(item.level, item.old_code, item.new_code, kind(item, sources, old_areas, new_areas), item.default)
        for item in links
    ]
    return sorted(rows, key=lambda row: (LEVELS.index(row.level), row.old_code, row.new_code))


def check_codes(rows: list[Row], old_areas: dict[str, Area], new_areas: dict[str, Area]) -> list[str]:
    problems = []
    for row in rows:
        if old_areas.get(row.old_code, NO_AREA).level != row.level:
            problems.append(f"old {row.level} {row.old_code} is not in areas_pre2025.csv at that level")
        if new_areas.get(row.new_code, NO_AREA).level != new_level(row.level):
            problems.append(f"new {new_level(row.level)} {row.new_code} is not in areas_2025.csv at that level")
    return problems


def check_defaults(rows: list[Row], old_areas: dict[str, Area]) -> list[str]:
    """Every old province, island district and commune: exactly one default row; provinces: one row."""
    problems = []
    defaults = Counter((row.level, row.old_code) for row in rows if row.default)
    successors = Counter((row.level, row.old_code) for row in rows)
    has_communes = {area.parent_code for area in old_areas.values() if area.level == "commune"}
    for code, area in sorted(old_areas.items()):
        if area.level == "district" and code in has_communes:
            continue  # a district with communes is succeeded through them
        if successors[area.level, code] == 0:
            problems.append(f"old {area.level} {code} ({area.name}) is not mapped by the package")
        elif defaults[area.level, code] != 1:
            problems.append(f"old {area.level} {code} ({area.name}) has {defaults[area.level, code]} default rows")
        if area.level == "province" and successors[area.level, code] > 1:
            problems.append(f"old province {code} ({area.name}) maps to {successors[area.level, code]} new provinces")
    return problems


def check_provinces(rows: list[Row], old_areas: dict[str, Area], new_areas: dict[str, Area]) -> list[str]:
    """A district or commune must move into the new province that succeeds its old province."""
    successor = {row.old_code: row.new_code for row in rows if row.level == "province"}
    problems = []
    for row in rows:
        if row.level == "province":
            continue
        expected = successor.get(province_of(row.old_code, old_areas))
        if province_of(row.new_code, new_areas) != expected:
            problems.append(f"old {row.level} {row.old_code} goes to {row.new_code}, outside new province {expected}")
    return problems


def check(rows: list[Row], old_areas: dict[str, Area], new_areas: dict[str, Area]) -> None:
    problems = check_codes(rows, old_areas, new_areas) + check_defaults(rows, old_areas)
    if not problems:  # the province check needs every code to be known
        problems = check_provinces(rows, old_areas, new_areas)
    if problems:
        raise ValueError(f"{len(problems)} problems in the succession:\n  " + "\n  ".join(problems))


def note_orphans(rows: list[Row], new_areas: dict[str, Area]) -> None:
    reached = {row.new_code for row in rows}
    for code, area in sorted(new_areas.items()):
        if code not in reached:
            print(f"note: new {area.level} {code} ({area.name}) receives no old unit", file=sys.stderr)


def write(path: Path, rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.level, row.old_code, row.new_code, row.kind, int(row.default)])


def summarise(path: Path, rows: list[Row]) -> None:
    print(f"{path}: {len(rows)} rows")
    counts = Counter((row.level, row.kind) for row in rows)
    for level in LEVELS:
        by_kind = {each: counts[level, each] for each in KINDS if counts[level, each]}
        print(f"  {level}: {sum(by_kind.values())} rows {by_kind}")
    splits = {row.old_code for row in rows if row.level == "commune" and row.kind == "split"}
    print(f"  split communes: {len(splits)}")


def main() -> None:
    old_areas = read_areas(AREAS_DIR / "areas_pre2025.csv")
    new_areas = read_areas(AREAS_DIR / "areas_2025.csv")
    links = collect_links(load_converter(), old_index(), new_index())
    rows = classify(links, old_areas, new_areas)
    check(rows, old_areas, new_areas)
    note_orphans(rows, new_areas)
    OUTPUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    write(OUTPUT_PATH, rows)
    summarise(OUTPUT_PATH, rows)


if __name__ == "__main__":
    main()
