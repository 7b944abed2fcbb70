"""Scope, imports and accounts after the reform: a user sees what lies in their area now, with its past."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from meetings.models import Meeting
from members.models import Membership
from reports import selectors
from tests import factories
from tests.areas import reform_world
from tests.areas.reform_world import EFFECTIVE, new_area, old_area
from tests.conftest import FAST_HASHERS
from tests.pages import log_in
from tests.workbooks.helpers import fill, member, roster, run_import

D = datetime.date


@pytest.fixture(scope="module")
def reformed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        world = reform_world.build()
        reform_world.reform()
        world.users["tan_long"] = factories.user(Role.COMMUNE, new_area("30154"), username="xa30154")
        world.users["admin"] = factories.admin_user()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def as_user(db, reformed):
    def client_of(key: str) -> Client:
        client = Client()
        client.force_login(reformed.users[key])
        return client

    return client_of


def a_member_of(world, hamlet: str) -> Membership:
    """A membership that was in a branch of ``hamlet`` before the reform and still is."""
    for membership in Membership.objects.filter(branch__code__startswith=f"{hamlet}-", joined_on__lt=EFFECTIVE):
        if membership.periods.filter(valid_from__lt=EFFECTIVE, branch__code__startswith=f"{hamlet}-").exists():
            return membership
    raise AssertionError(f"the world has no member of {hamlet} from before the reform")


def test_new_commune_staff_see_the_branches_of_the_old_communes_with_their_past(reformed, as_user):
    client = as_user("tan_long")
    page = client.get(reverse("branches:area", kwargs={"key": "30154@2025"}))
    assert page.status_code == 200
    for code in ("Q1", "Q2", "H1"):
        assert f"Ấp {code}" in page.content.decode()
    held = Meeting.objects.filter(branch__code__regex=r"^(Q1|Q2|H1)-", held_on__lt=EFFECTIVE).first()
    log = client.get(reverse("meetings:branch_log", args=[held.branch_id]), {"year": 2025})
    assert log.status_code == 200
    assert held.held_on.strftime("%d/%m/%Y") in log.content.decode()
    membership = a_member_of(reformed, "Q1")
    person = client.get(reverse("members:person", args=[membership.person_id]))
    assert person.status_code == 200
    first = membership.periods.order_by("valid_from").first()
    assert first.valid_from.strftime("%d/%m/%Y") in person.content.decode()


def test_what_lies_in_another_commune_answers_404(reformed, as_user):
    client = as_user("tan_long")
    thanh_binh = reformed.branches["M1-DOAN"]
    others = Membership.objects.filter(branch=thanh_binh)
    membership = others.exclude(person__memberships__branch__code__startswith="Q")
    urls = [
        reverse("branches:area", kwargs={"key": "30130@2025"}),
        reverse("branches:area", kwargs={"key": "M1"}),
        reverse("branches:branch", args=[thanh_binh.pk]),
        reverse("meetings:branch_log", args=[thanh_binh.pk]),
        reverse("members:branch_roll", args=[thanh_binh.pk]),
    ]
    if membership.exists():
        urls.append(reverse("members:person", args=[membership.first().person_id]))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_reports_of_old_units_belong_to_those_who_hold_them_now(reformed, as_user):
    def status(client, key, **query):
        url = reverse("reports:membership", kwargs={"key": key})
        return client.get(url, {"on": "31/12/2024", **query}).status_code

    tan_long = as_user("tan_long")
    assert status(tan_long, "30133") == 200  # old Tân Quới went whole into Tân Long
    assert status(tan_long, "30157") == 404  # old Tân Thạnh was divided: not all of it is theirs
    assert status(tan_long, "874") == 404
    assert status(tan_long, "82@2025") == 404
    province = as_user("province")  # moved from old 87 to new 82 by the reform
    assert status(province, "87") == 200
    assert status(province, "874") == 200
    assert status(province, "82@2025", units="on") == 200


def test_the_old_province_report_keeps_its_districts_for_its_new_officer(reformed, as_user):
    response = as_user("province").get(reverse("reports:membership", kwargs={"key": "87"}), {"on": "31/12/2024"})
    rows = [row["area_code"] for row in response.context["report"].rows]
    assert rows == ["866", "867", "868", "869", "870", "871", "872", "873", "874", "875", "876", "877"]


def test_the_new_province_in_todays_units_links_back_to_the_old_provinces(reformed, as_user):
    url = reverse("reports:membership", kwargs={"key": "82@2025"})
    response = as_user("province").get(url, {"on": "31/12/2024", "units": "on"})
    report = response.context["report"]
    assert report.recast and report.units.structure == "2025"
    other = response.context["other_units"]
    assert [entry["area"].code for entry in other["earlier"]] == ["87"]
    drill = reverse("reports:membership", kwargs={"key": "30154@2025"})
    assert drill in response.content.decode()


def test_accounts_of_ended_districts_and_divided_communes_cannot_log_in(reformed, db):
    for username in ("huyen874", "xa30157"):
        assert not log_in(Client(), username, "mat-khau-thu-nghiem"), username
    assert log_in(Client(), "xa30145", "mat-khau-thu-nghiem")  # moved to new Thanh Bình


def test_a_moved_account_sees_everything_its_new_commune_received(reformed, as_user):
    client = as_user("merged")  # xa30145: old Tân Mỹ, now Xã Thanh Bình
    for hamlet in ("M1", "T2"):  # T2 came from divided Tân Thạnh by the plan
        assert client.get(reverse("branches:area", kwargs={"key": hamlet})).status_code == 200, hamlet
    assert client.get(reverse("branches:area", kwargs={"key": "T1"})).status_code == 404


def test_add_user_reads_a_code_in_todays_units(reformed, db):
    user, _password = create_user(username="moi", role=Role.COMMUNE, area_code="30154", password=None)
    assert user.area == new_area("30154")
    with pytest.raises(ValidationError) as refused:
        create_user(username="cu", role=Role.COMMUNE, area_code="30133", password=None)
    assert refused.value.messages == ["Xã Tân Quới (30133) đã sáp nhập vào Xã Tân Long (30154) từ 01/07/2025."]


def test_imports_naming_an_ended_commune_are_refused_with_the_successor(reformed, db, tmp_path):
    admin = reformed.users["admin"]
    hamlets = fill("areas", [["30133", "NEW-Q", "Tân Quới Mới", "Ấp"], ["30154", "NEW-L", "Long Mới", "Ấp"]])
    code, result = run_import(tmp_path, "areas", hamlets, user=admin, dry_run=True)
    assert code == 1
    assert result["errors"] == [
        {
            "row": 2,
            "column": "Mã xã",
            "message": "Xã Tân Quới (30133) đã sáp nhập vào Xã Tân Long (30154) từ 01/07/2025.",
        }
    ]
    branches = fill("branches", [["NEW-PRO", "Chi hội nghề mới", "HND", "30136", "Nghề nghiệp", "01/01/2026"]])
    code, result = run_import(tmp_path, "branches", branches, user=admin, dry_run=True)
    assert code == 1
    assert result["errors"][0]["message"] == ("Xã Tân Hòa (30136) đã sáp nhập vào Xã Tân Long (30154) từ 01/07/2025.")


def test_a_roster_for_a_past_date_still_reads_the_old_units(reformed, db, tmp_path):
    before = selectors.membership_report(area=old_area("30133"), on=D(2024, 12, 31)).total["members"]
    data = roster([member("Trần Văn Quá Khứ", "02/03/2001", "Q1-DOAN", joined="01/05/2024")])
    code, result = run_import(tmp_path, "members", data, user=reformed.users["admin"])
    assert (code, result["created"]) == (0, 1)
    after = selectors.membership_report(area=old_area("30133"), on=D(2024, 12, 31)).total["members"]
    assert after == before + 1


def test_report_pages_after_the_reform_run_a_fixed_number_of_queries(reformed, as_user):
    """Two new communes with different numbers of hamlets and predecessors: the same queries."""
    client = as_user("province")
    counts = []
    for key in ("30154@2025", "30130@2025", "30169@2025"):
        with CaptureQueriesContext(connection) as queries:
            url = reverse("reports:membership", kwargs={"key": key})
            response = client.get(url, {"on": "31/12/2024", "units": "on"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
