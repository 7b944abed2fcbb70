"""Area and branch pages as staff read them: labelled counts with totals, code order, current officers first."""

import datetime

from django.urls import reverse
from django.utils import timezone

from areas.models import AreaLevel, UnitType
from tests import factories
from tests.pages import text

D = datetime.date


def test_an_area_lists_its_units_in_code_order_with_labelled_counts_and_a_total(as_district_a, world):
    # A hamlet whose name sorts first but whose code comes last.
    factories.area("99101-09", "An Bình", AreaLevel.HAMLET, UnitType.AP, world.tree.commune_a)
    response = as_district_a.get(reverse("branches:area", kwargs={"key": world.tree.commune_a.key}))
    children = response.context["children"]
    assert [child.code for child in children] == ["99101-01", "99101-02", "99101-09"]
    # A1 (Ánh, Dung) and A2 (none): 2 branches, 2 current memberships.
    assert response.context["totals"] == {"branches": 2, "members": 2}
    assert 'data-testid="child-areas-total"' in text(response)


def test_active_branches_are_not_greyed_out_only_dissolved_ones(as_district_a, world):
    factories.branch(world.tree.hamlet_a1, "HND", code="OLD-HND", founded_on=D(2000, 1, 1), dissolved_on=D(2020, 1, 1))
    page = text(as_district_a.get(reverse("branches:area", kwargs={"key": world.tree.hamlet_a1.key})))
    assert page.count('data-dissolved="yes"') == 1
    assert page.count('data-dissolved="no"') == 1  # A1-DOAN
    assert 'data-dissolved="no" class' not in page  # an active line carries no greying class


def test_a_branch_page_separates_current_officers_from_former_ones(as_district_a, world):
    today = timezone.localdate()
    current = factories.officer(world.a1, world.anh, "head", start_on=D(2020, 1, 1))
    former = factories.officer(
        world.a1, world.dung, "deputy", start_on=D(2019, 1, 1), end_on=today - datetime.timedelta(days=1)
    )
    response = as_district_a.get(reverse("branches:branch", args=[world.a1.pk]))
    assert response.context["current_officers"] == [current]
    assert response.context["past_officers"] == [former]
    assert 'data-testid="past-officers"' in text(response)


def test_the_name_of_the_application_is_not_the_first_menu_item(as_district_a, world):
    page = text(as_district_a.get(reverse("home")))
    brand = page.split('class="navbar-brand"', 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    labels = [item["label"] for item in as_district_a.get(reverse("home")).context["main_menu"]]
    assert brand not in [str(label) for label in labels]
