"""Area and branch pages: browsing the tree, adding and changing hamlets, branches and officers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel, UnitType
from branches.models import Branch, Officer
from core.concurrency import STALE_MESSAGE
from tests import factories
from tests.pages import says, text

D = datetime.date


def test_browse_lands_on_the_users_own_area(as_district_a, tree):
    response = as_district_a.get(reverse("branches:browse"))
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:area", args=[tree.district_a.code])


def test_administrator_starts_from_the_provinces(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.get(reverse("branches:browse"))
    assert tree.province.full_name in text(response)


def test_area_page_lists_children_with_branch_and_member_counts(as_district_a, world):
    response = as_district_a.get(reverse("branches:area", args=[world.tree.commune_a.code]))
    children = {child.code: (child.branch_count, child.member_count) for child in response.context["children"]}
    assert children == {"99101-01": (1, 2), "99101-02": (1, 0)}
    # Breadcrumbs run from the user's district down, not from the province above it.
    labels = [crumb["label"] for crumb in response.context["breadcrumbs"]]
    assert labels == ["Huyện Thanh Bình", "Xã Tân Mỹ"]


def test_branch_page_shows_officers_members_by_status_meetings_and_ratings(as_district_a, world):
    factories.officer(world.a1, world.anh, role="head", start_on=D(2022, 1, 1))
    factories.rating(world.a1, year=2023, grade_code="good", state="approved")
    recent = factories.meeting(world.a1, held_on=timezone.localdate().replace(day=1), present=2, on_roll=2)
    response = as_district_a.get(reverse("branches:branch", args=[world.a1.pk]))
    assert response.status_code == 200
    assert [officer.person for officer in response.context["officers"]] == [world.anh]
    assert response.context["status_counts"] == {"present": 2, "away": 0, "stopped": 0}
    assert list(response.context["meetings"]) == [recent]  # the 2024 meeting is older than 12 months
    assert [rating.year for rating in response.context["ratings"]] == [2023]
    assert ">2023<" in text(response)  # a year, not "2.023"


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("branches:area", lambda w: [w.tree.commune_b.code]),
        ("branches:area", lambda w: [w.tree.hamlet_b1.code]),
        ("branches:branch", lambda w: [w.b1.pk]),
        ("branches:branch_edit", lambda w: [w.b1.pk]),
        ("branches:hamlet_add", lambda w: [w.tree.commune_b.code]),
        ("branches:hamlet_edit", lambda w: [w.tree.hamlet_b1.code]),
        ("branches:branch_add", lambda w: [w.tree.hamlet_b1.code]),
        ("branches:officer_add", lambda w: [w.b1.pk]),
    ],
)
def test_another_districts_objects_answer_404(as_district_a, world, name, kwargs):
    url = reverse(name, args=kwargs(world))
    assert as_district_a.get(url).status_code == 404
    assert as_district_a.post(url, {"name": "x"}).status_code == 404


def test_another_districts_officer_answers_404(as_district_a, world):
    officer = factories.officer(world.b1, world.be)
    assert as_district_a.get(reverse("branches:officer_edit", args=[officer.pk])).status_code == 404


def test_provincial_officer_reads_but_does_not_change(as_province, world):
    assert as_province.get(reverse("branches:branch", args=[world.b1.pk])).status_code == 200
    assert as_province.get(reverse("branches:branch_edit", args=[world.b1.pk])).status_code == 403
    response = as_province.post(
        reverse("branches:hamlet_add", args=[world.tree.commune_a.code]),
        {"unit_type": UnitType.AP, "name": "Mới", "code": "99101-09"},
    )
    assert response.status_code == 403
    assert not Area.objects.filter(code="99101-09").exists()


def test_add_hamlet(as_district_a, world):
    url = reverse("branches:hamlet_add", args=[world.tree.commune_a.code])
    response = as_district_a.post(url, {"unit_type": UnitType.AP, "name": "Tân Hòa", "code": "99101-03"}, follow=True)
    hamlet = Area.objects.get(code="99101-03")
    assert (hamlet.parent, hamlet.level, hamlet.path) == (
        world.tree.commune_a,
        AreaLevel.HAMLET,
        "/99/991/99101/99101-03/",
    )
    assert says(response, _("%(area)s was added.") % {"area": hamlet})


def test_add_hamlet_refuses_a_taken_code_and_a_non_hamlet_type(as_district_a, world):
    url = reverse("branches:hamlet_add", args=[world.tree.commune_a.code])
    response = as_district_a.post(url, {"unit_type": UnitType.XA, "name": "Tân Hòa", "code": "99201-01"})
    form = response.context["form"]
    assert set(form.errors) == {"unit_type", "code"}
    assert 'data-field-error="code"' in text(response)  # the message sits next to its field


def test_change_hamlet_refuses_a_stale_version(as_district_a, world):
    hamlet = world.tree.hamlet_a1
    url = reverse("branches:hamlet_edit", args=[hamlet.code])
    drawn = as_district_a.get(url).context["form"]["version"].value()
    # Someone else renames it meanwhile.
    other = Area.objects.get(pk=hamlet.pk)
    other.name = "Tân Phú Một"
    other.save()

    response = as_district_a.post(
        url, {"unit_type": UnitType.AP, "name": "Tân Phú Hai", "code": hamlet.code, "version": drawn}
    )
    assert response.status_code == 200
    assert says(response, STALE_MESSAGE)
    hamlet.refresh_from_db()
    assert hamlet.name == "Tân Phú Một"


def test_official_units_are_not_changed_here(as_district_a, world):
    response = as_district_a.get(reverse("branches:hamlet_edit", args=[world.tree.commune_a.code]), follow=True)
    assert response.redirect_chain


def test_add_branch_checks_the_area_and_the_dates(as_district_a, world):
    url = reverse("branches:branch_add", args=[world.tree.commune_a.code])
    data = {
        "organization": factories.organization("HND").pk,
        "name": "Chi hội Nông dân Tân Mỹ",
        "code": "TM-HND",
        "kind": "residential",
        "founded_on": "01/02/2010",
        "dissolved_on": "01/01/2009",
    }
    response = as_district_a.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors  # residential on a commune, dissolved before founded
    assert not Branch.objects.filter(code="TM-HND").exists()

    response = as_district_a.post(url, {**data, "kind": "professional", "dissolved_on": ""}, follow=True)
    branch = Branch.objects.get(code="TM-HND")
    assert branch.founded_on == D(2010, 2, 1)  # dd/mm/yyyy
    assert response.request["PATH_INFO"] == reverse("branches:branch", args=[branch.pk])


def test_add_branch_refuses_a_date_not_in_dd_mm_yyyy(as_district_a, world):
    url = reverse("branches:branch_add", args=[world.tree.hamlet_a1.code])
    data = {"organization": factories.organization("HND").pk, "name": "X", "code": "X-1", "kind": "residential"}
    response = as_district_a.post(url, {**data, "founded_on": "2010/31/12"})
    assert "founded_on" in response.context["form"].errors


def test_change_branch_concurrently_is_refused(as_district_a, world):
    url = reverse("branches:branch_edit", args=[world.a1.pk])
    version = world.a1.version
    data = {"name": "Chi đoàn Tân Phú A", "code": "A1-DOAN", "kind": "residential", "founded_on": "01/01/2000"}
    first = as_district_a.post(url, {**data, "version": version})
    assert first.status_code == 302
    second = as_district_a.post(url, {**data, "name": "Chi đoàn Tân Phú B", "version": version})
    assert says(second, STALE_MESSAGE)
    world.a1.refresh_from_db()
    assert world.a1.name == "Chi đoàn Tân Phú A"


def test_officers_with_dates_and_overlap_rules(as_district_a, world):
    url = reverse("branches:officer_add", args=[world.a1.pk])
    # Only current members of the branch are offered.
    assert set(as_district_a.get(url).context["form"].fields["person"].queryset) == {world.anh, world.dung}
    response = as_district_a.post(url, {"person": world.anh.pk, "role": "head", "start_on": "01/01/2023"})
    assert response.status_code == 302
    response = as_district_a.post(url, {"person": world.dung.pk, "role": "head", "start_on": "01/06/2023"})
    assert "role" in response.context["form"].errors  # one head at a time
    response = as_district_a.post(
        url, {"person": world.dung.pk, "role": "deputy", "start_on": "01/06/2023", "end_on": "01/01/2023"}
    )
    assert response.context["form"].errors
    officer = Officer.objects.get(person=world.anh)

    edit = reverse("branches:officer_edit", args=[officer.pk])
    response = as_district_a.post(
        edit, {"role": "head", "start_on": "01/01/2023", "end_on": "31/12/2024", "version": officer.version}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.end_on == D(2024, 12, 31)
    stale = as_district_a.post(
        edit, {"role": "head", "start_on": "01/01/2023", "end_on": "", "version": officer.version - 1}
    )
    assert says(stale, STALE_MESSAGE)


def _more_areas(commune, count: int) -> None:
    for i in range(count):
        hamlet = factories.area(f"{commune.code}-{50 + i}", f"Ấp {i}", AreaLevel.HAMLET, UnitType.AP, commune)
        branch = factories.branch(hamlet)
        factories.membership(branch, person=factories.person(f"Trần Văn Số {i}"))


def test_area_page_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("branches:area", args=[world.tree.commune_a.code])
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    _more_areas(world.tree.commune_a, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = as_district_a.get(url)
    assert len(response.context["children"]) == 8


def test_branch_page_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("branches:branch", args=[world.a1.pk])
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    for year in range(2015, 2020):
        factories.rating(world.a1, year=year)
        factories.meeting(
            world.a1, held_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=40 * (year - 2014))
        )
    for i in range(4):
        factories.officer(world.a1, factories.person(f"Cán Bộ {i}"), role="committee", start_on=D(2020 + i, 1, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)
