"""The rules of the area tree that forms, imports and reorganisations rely on."""

import pytest
from django.core.exceptions import ValidationError

from areas.models import Area, AreaLevel, UnitType


def test_a_new_code_moves_the_paths_of_the_whole_subtree(tree):
    tree.commune_a.code = "99199"
    tree.commune_a.save()

    paths = set(Area.objects.filter(parent=tree.commune_a).values_list("path", flat=True))
    assert paths == {"/99/991/99199/99101-01/", "/99/991/99199/99101-02/"}
    assert set(Area.objects.subtree(tree.district_a).values_list("code", flat=True)) == {
        "991",
        "99199",
        "99101-01",
        "99101-02",
    }


def test_an_area_must_sit_below_a_higher_level(tree):
    wrong = Area(parent=tree.hamlet_a1, level=AreaLevel.COMMUNE, unit_type=UnitType.XA, name="Sai", code="X1")
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "parent" in error.value.message_dict


def test_a_hamlet_needs_a_hamlet_unit_type(tree):
    wrong = Area(parent=tree.commune_a, level=AreaLevel.HAMLET, unit_type=UnitType.XA, name="Sai", code="X2")
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "unit_type" in error.value.message_dict
