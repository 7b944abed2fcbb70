"""Loading the official units: the committed data files, the service and the command."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from areas import official
from areas.models import REFORM_2025, Area, AreaLevel, Structure, UnitType
from areas.services import LoadResult, load_official_areas

DATA_DIR = Path(settings.BASE_DIR) / "areas" / "data"


def read_csv(structure: str, directory: Path = DATA_DIR) -> list[dict[str, str]]:
    with (directory / f"areas_{structure}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rows_of_province(rows: list[dict[str, str]], province: str) -> list[dict[str, str]]:
    """The rows below a province, found by following parent codes (independently of the service)."""
    inside = {province}
    found = []
    for row in rows:  # parents come first in the file
        if row["code"] == province or row["parent_code"] in inside:
            inside.add(row["code"])
            found.append(row)
    return found


def snapshot() -> list[tuple]:
    return list(
        Area.objects.order_by("path").values_list(
            "code", "structure", "parent__code", "level", "unit_type", "name", "path", "valid_from", "valid_to"
        )
    )


def load(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_areas", *args, stdout=out)
    return out.getvalue()


class TestDataFiles:
    def test_pre2025_counts(self):
        rows = read_csv("pre2025")
        levels = [row["level"] for row in rows]
        assert levels.count("province") == 63
        assert levels.count("district") == 696
        assert levels.count("commune") == 10035

    def test_2025_counts(self):
        rows = read_csv("2025")
        levels = [row["level"] for row in rows]
        assert levels.count("province") == 34
        assert levels.count("district") == 0
        assert levels.count("commune") == 3321

    @pytest.mark.parametrize("structure", Structure.values)
    def test_rows_are_well_formed_and_parents_come_first(self, structure):
        rows = read_csv(structure)
        assert list(rows[0]) == ["code", "parent_code", "level", "unit_type", "name"]
        commune_parent = "district" if structure == "pre2025" else "province"
        parent_level = {"province": "", "district": "province", "commune": commune_parent}
        level_of = {"": ""}
        for row in rows:
            assert row["code"] not in level_of
            assert row["unit_type"] in UnitType.values
            assert row["name"] and row["name"] == row["name"].strip()
            if row["code"] != "19780":  # Huế's "Phường Phường Đúc" is really named "Phường Đúc"
                assert not row["name"].startswith(("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Xã ", "Phường "))
            assert level_of[row["parent_code"]] == parent_level[row["level"]]
            level_of[row["code"]] = row["level"]

    def test_island_districts_without_communes_are_listed(self):
        rows = read_csv("pre2025")
        parents = {row["parent_code"] for row in rows}
        districts = {row["code"]: row["name"] for row in rows if row["level"] == "district"}
        childless = {name for code, name in districts.items() if code not in parents}
        assert childless == {"Bạch Long Vĩ", "Cồn Cỏ", "Hoàng Sa", "Lý Sơn", "Côn Đảo"}


@pytest.mark.django_db
class TestLoadAreas:
    def test_province_87_with_its_districts_and_communes(self):
        expected = rows_of_province(read_csv("pre2025"), "87")

        output = load("--province", "87")

        assert f"{len(expected)} created, 0 updated, 0 unchanged" in output
        assert Area.objects.count() == len(expected)
        province = Area.objects.get(code="87")
        assert (province.name, province.unit_type, province.level, province.parent) == (
            "Đồng Tháp",
            UnitType.TINH,
            AreaLevel.PROVINCE,
            None,
        )
        assert province.full_name == "Tỉnh Đồng Tháp"
        assert province.structure == Structure.PRE_2025
        for code, name in (("874", "Thanh Bình"), ("875", "Lấp Vò")):
            district = Area.objects.get(code=code)
            assert (district.name, district.level, district.parent) == (name, AreaLevel.DISTRICT, province)
            assert district.get_unit_type_display() == "Huyện"
            assert district.path == f"/87/{code}/"
            communes = district.children.all()
            expected_communes = [row for row in expected if row["parent_code"] == code]
            assert len(expected_communes) > 0
            assert communes.count() == len(expected_communes)
            assert all(c.level == AreaLevel.COMMUNE and c.path == f"/87/{code}/{c.code}/" for c in communes)
            assert {c.code for c in communes} == {row["code"] for row in expected_communes}
        assert Area.objects.subtree(province).count() == len(expected)

    def test_running_twice_changes_nothing(self):
        load("--province", "87")
        before = snapshot()

        output = load("--province", "87")

        assert snapshot() == before
        assert f"0 created, 0 updated, {len(before)} unchanged" in output
        assert load_official_areas(structure="pre2025", province_codes=["87"]) == LoadResult(
            created=0, updated=0, unchanged=len(before)
        )

    def test_default_structure_is_pre2025_and_several_provinces_can_be_given(self):
        load("--province", "87", "--province", "86")
        assert set(Area.objects.filter(level=AreaLevel.PROVINCE).values_list("code", flat=True)) == {"86", "87"}
        assert set(Area.objects.values_list("structure", flat=True)) == {Structure.PRE_2025}

    def test_2025_structure_has_communes_directly_under_the_province(self):
        expected = rows_of_province(read_csv("2025"), "82")

        result = load_official_areas(structure="2025", province_codes=["82"])

        assert result == LoadResult(created=len(expected), updated=0, unchanged=0)
        province = Area.objects.get(code="82")
        assert province.name == "Đồng Tháp"
        assert not Area.objects.filter(level=AreaLevel.DISTRICT).exists()
        communes = Area.objects.filter(level=AreaLevel.COMMUNE)
        assert communes.count() == len(expected) - 1
        assert set(communes.values_list("parent", flat=True)) == {province.pk}
        assert all(path.count("/") == 3 for path in communes.values_list("path", flat=True))
        assert set(Area.objects.values_list("structure", flat=True)) == {Structure.FROM_2025}

    def test_loading_the_whole_country(self):
        result = load_official_areas(structure="pre2025")

        assert result == LoadResult(created=10794, updated=0, unchanged=0)
        assert Area.objects.filter(level=AreaLevel.PROVINCE).count() == 63
        assert Area.objects.filter(level=AreaLevel.DISTRICT).count() == 696
        assert Area.objects.filter(level=AreaLevel.COMMUNE).count() == 10035
        assert Area.objects.get(code="01").full_name == "Thành phố Hà Nội"
        assert Area.objects.get(code="79").full_name == "Thành phố Hồ Chí Minh"

    @pytest.mark.parametrize("first", ["pre2025", "2025"])
    def test_both_structures_load_into_one_database_in_either_order(self, first):
        second = "2025" if first == "pre2025" else "pre2025"
        provinces = {"pre2025": ["82", "87"], "2025": ["82"]}
        load("--structure", first, "--province", *provinces[first])
        before = snapshot()
        load("--structure", second, "--province", *provinces[second])

        assert set(before) <= set(snapshot())  # the first structure is left as it was
        expected = {
            structure: {row["code"] for code in codes for row in rows_of_province(read_csv(structure), code)}
            for structure, codes in provinces.items()
        }
        for structure, codes in expected.items():
            assert set(Area.objects.filter(structure=structure).values_list("code", flat=True)) == codes
        # 82 is two units: Tiền Giang until the reform, Đồng Tháp from 1 July 2025.
        tien_giang = Area.objects.get(code="82", structure=Structure.PRE_2025)
        dong_thap = Area.objects.get(code="82", structure=Structure.FROM_2025)
        assert (tien_giang.name, tien_giang.path, tien_giang.valid_from) == ("Tiền Giang", "/82/", None)
        assert (dong_thap.name, dong_thap.path, dong_thap.valid_from) == ("Đồng Tháp", "/82@2025/", REFORM_2025)
        # A subtree is still one prefix query, and the two never overlap.
        assert set(Area.objects.subtree(dong_thap).values_list("structure", flat=True)) == {Structure.FROM_2025}
        assert Area.objects.subtree(dong_thap).count() == len(expected["2025"])
        assert Area.objects.subtree(tien_giang).count() == len(rows_of_province(read_csv("pre2025"), "82"))

    def test_loading_the_second_structure_twice_changes_nothing(self):
        load("--province", "87")
        load("--structure", "2025", "--province", "82")
        before, history_before = snapshot(), Area.history.count()

        out = load("--structure", "2025", "--province", "82")

        assert snapshot() == before
        assert Area.history.count() == history_before
        assert "0 created, 0 updated" in out

    def test_unknown_province_code_is_refused(self):
        with pytest.raises(CommandError, match="99"), translation.override("en"):
            call_command("load_areas", "--province", "87", "99", stdout=StringIO())
        assert not Area.objects.exists()

    def test_province_code_of_the_other_structure_is_unknown(self):
        # 82 was Tiền Giang before 2025 and 87 (Đồng Tháp) is gone from 2025.
        with pytest.raises(ValidationError) as raised:
            load_official_areas(structure="2025", province_codes=["87"])
        assert raised.value.code == "unknown_province"
        assert not Area.objects.exists()

    def test_unknown_structure_is_refused(self):
        with pytest.raises(CommandError):
            call_command("load_areas", "--structure", "1975", stdout=StringIO())
        with pytest.raises(ValidationError):
            load_official_areas(structure="1975")

    def test_hamlets_are_untouched(self):
        load("--province", "87")
        commune = Area.objects.filter(parent__code="874").first()
        hamlet = Area.objects.create(
            code=f"{commune.code}-01", name="Tân Phú", level=AreaLevel.HAMLET, unit_type=UnitType.AP, parent=commune
        )
        before = snapshot()

        result = load_official_areas(structure="pre2025", province_codes=["87"])

        assert result.created == result.updated == 0
        assert snapshot() == before
        hamlet.refresh_from_db()
        assert hamlet.structure == ""
        assert hamlet.path == f"{commune.path}{hamlet.code}/"

    def test_an_official_code_used_by_a_hamlet_is_refused(self):
        province = Area.objects.create(code="99", name="Thử", level=AreaLevel.PROVINCE, unit_type=UnitType.TINH)
        Area.objects.create(code="874", name="Ấp lạ", level=AreaLevel.HAMLET, unit_type=UnitType.AP, parent=province)
        with pytest.raises(ValidationError) as raised:
            load_official_areas(structure="pre2025", province_codes=["87"])
        assert raised.value.code == "code_taken"
        assert Area.objects.count() == 2

    def test_edited_units_are_restored(self):
        load("--province", "87")
        Area.objects.filter(code="874").update(name="Tên sai", unit_type=UnitType.QUAN)

        result = load_official_areas(structure="pre2025", province_codes=["87"])

        assert (result.created, result.updated) == (0, 1)
        district = Area.objects.get(code="874")
        assert (district.name, district.unit_type) == ("Thanh Bình", UnitType.HUYEN)
        assert district.history.first().history_type == "~"

    def test_a_unit_that_moves_takes_its_hamlets_along(self, tmp_path, monkeypatch):
        rows = rows_of_province(read_csv("pre2025"), "87")
        commune = next(row for row in rows if row["parent_code"] == "874")
        monkeypatch.setattr(official, "DATA_DIR", tmp_path)
        self.write(tmp_path, rows)
        load_official_areas(structure="pre2025")
        parent = Area.objects.get(code=commune["code"])
        hamlet = Area.objects.create(
            code="H1", name="Tân Phú", level=AreaLevel.HAMLET, unit_type=UnitType.AP, parent=parent
        )
        assert hamlet.path == f"/87/874/{commune['code']}/H1/"

        # A new edition of the file moves the commune to the other district.
        commune["parent_code"] = "875"
        rows.remove(commune)
        rows.append(commune)
        self.write(tmp_path, rows)
        result = load_official_areas(structure="pre2025")

        assert result.updated == 1
        parent.refresh_from_db()
        hamlet.refresh_from_db()
        assert parent.path == f"/87/875/{commune['code']}/"
        assert parent.parent.code == "875"
        assert hamlet.path == f"/87/875/{commune['code']}/H1/"
        assert hamlet.history.first().history_type == "~"

    @staticmethod
    def write(directory: Path, rows: list[dict[str, str]]) -> None:
        with (directory / "areas_pre2025.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["code", "parent_code", "level", "unit_type", "name"])
            writer.writeheader()
            writer.writerows(rows)

    def test_history_records_the_load(self):
        load("--province", "87")
        count = Area.objects.count()

        assert Area.history.count() == count
        assert set(Area.history.values_list("history_type", flat=True)) == {"+"}
        assert Area.history.filter(code="874", name="Thanh Bình").exists()

        load("--province", "87")
        assert Area.history.count() == count  # nothing changed, nothing recorded


def test_the_data_files_ship_next_to_the_service_and_need_no_extra_package():
    assert official.official_areas_file(structure="pre2025") == DATA_DIR / "areas_pre2025.csv"
    requirements = (Path(settings.BASE_DIR) / "requirements.txt").read_text()
    assert "vietnamadminunits" not in requirements
