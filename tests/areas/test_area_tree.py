"""The materialised path: subtree and ancestor queries are one query each."""

import pytest

from areas.models import Area, AreaLevel, UnitType

pytestmark = pytest.mark.django_db


def make(code: str, level: str, unit_type: str, parent: Area | None = None) -> Area:
    return Area.objects.create(code=code, name=f"Khu {code}", level=level, unit_type=unit_type, parent=parent)


@pytest.fixture
def areas() -> dict[str, Area]:
    """Province 87 and a province 870 whose code extends 87, each with a little tree below it."""
    built = {}
    built["87"] = make("87", AreaLevel.PROVINCE, UnitType.TINH)
    built["874"] = make("874", AreaLevel.DISTRICT, UnitType.HUYEN, built["87"])
    built["875"] = make("875", AreaLevel.DISTRICT, UnitType.HUYEN, built["87"])
    built["30130"] = make("30130", AreaLevel.COMMUNE, UnitType.XA, built["874"])
    built["30133"] = make("30133", AreaLevel.COMMUNE, UnitType.XA, built["874"])
    built["30130-01"] = make("30130-01", AreaLevel.HAMLET, UnitType.AP, built["30130"])
    built["30130-02"] = make("30130-02", AreaLevel.HAMLET, UnitType.AP, built["30130"])
    built["30190"] = make("30190", AreaLevel.COMMUNE, UnitType.THI_TRAN, built["875"])
    # Codes that extend the codes above: a prefix query without the trailing slash would catch them.
    built["870"] = make("870", AreaLevel.PROVINCE, UnitType.TINH)
    built["8740"] = make("8740", AreaLevel.DISTRICT, UnitType.HUYEN, built["870"])
    built["301301"] = make("301301", AreaLevel.COMMUNE, UnitType.XA, built["8740"])
    return built


def codes(queryset) -> list[str]:
    return [area.code for area in queryset]


def test_paths_are_built_from_the_parent(areas):
    assert areas["87"].path == "/87/"
    assert areas["874"].path == "/87/874/"
    assert areas["30130-01"].path == "/87/874/30130/30130-01/"
    assert areas["301301"].path == "/870/8740/301301/"


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        ("87", ["87", "874", "30130", "30130-01", "30130-02", "30133", "875", "30190"]),
        ("874", ["874", "30130", "30130-01", "30130-02", "30133"]),
        ("30130", ["30130", "30130-01", "30130-02"]),
        ("30130-01", ["30130-01"]),
        ("870", ["870", "8740", "301301"]),
    ],
)
def test_subtree_is_exactly_the_area_and_its_descendants(areas, django_assert_num_queries, root, expected):
    with django_assert_num_queries(1):
        found = codes(Area.objects.subtree(areas[root]))
    assert found == expected


def test_subtree_needs_the_trailing_slash(areas):
    # Without it, "/87" would also match "/870/…"; the path ends in "/" so it does not.
    assert "870" not in codes(Area.objects.subtree(areas["87"]))
    assert Area.objects.filter(path__startswith="/87").count() > Area.objects.subtree(areas["87"]).count()


def test_subtree_composes_with_other_filters(areas, django_assert_num_queries):
    with django_assert_num_queries(1):
        hamlets = codes(Area.objects.subtree(areas["87"]).filter(level=AreaLevel.HAMLET))
    assert hamlets == ["30130-01", "30130-02"]


def test_ancestors_give_the_chain_from_the_province_in_one_query(areas, django_assert_num_queries):
    hamlet = areas["30130-02"]
    with django_assert_num_queries(1):
        chain = codes(hamlet.ancestors())
    assert chain == ["87", "874", "30130", "30130-02"]


def test_ancestors_of_a_province_is_itself(areas, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert codes(areas["870"].ancestors()) == ["870"]


def test_ancestors_ignore_areas_with_extended_codes(areas):
    assert codes(areas["301301"].ancestors()) == ["870", "8740", "301301"]
    assert codes(areas["30133"].ancestors()) == ["87", "874", "30133"]
