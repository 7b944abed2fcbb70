"""Every figure of the membership report against counts computed from the scenario's own log
(``tests.reports.scenario.expected_membership``: the stories and targets it recorded)."""

import datetime

import pytest
from django.db import transaction

from areas.models import Area
from reports.selectors import membership_report
from tests import factories
from tests.reports.scenario import build_world, expected_membership, half_up

D = datetime.date
REPORT_AREAS = ["99", "991", "99101", "99101-01", "98"]
DATES = [D(2023, 6, 30), D(2024, 12, 31), D(2025, 3, 1), D(2025, 12, 31)]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module's read-only tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(factories.area_tree())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


FIELDS = [
    "branches",
    "members",
    "present",
    "away",
    "stopped",
    "people",
    "target",
    "gathering_rate",
    "joined",
    "ended_by_reason",
    "introduced_to_party",
    "admitted_to_party",
    "members_year_before",
    "members_change",
]


@pytest.mark.parametrize("area_code", REPORT_AREAS)
@pytest.mark.parametrize("on", DATES)
def test_every_row_matches_the_log(world, area_code, on):
    area = Area.objects.get(code=area_code)
    report = membership_report(area=area, on=on)
    wanted = expected_membership(world, area, on, None)
    per_org = {org: expected_membership(world, area, on, org) for org in ("DOAN", "HND")}

    assert {row["area_code"] for row in report.rows} >= {
        code for code, f in wanted.items() if f["members"] or f["branches"]
    }
    for row in report.rows:
        want = wanted.get(row["area_code"])
        assert want is not None, row["area_code"]
        assert {k: row[k] for k in FIELDS} == want, (area_code, on, row["area_code"])
        for org, org_rows in per_org.items():
            got = {k: row["organizations"][org][k] for k in FIELDS if k != "people"}
            assert got == {k: v for k, v in org_rows[row["area_code"]].items() if k != "people"}, (
                org,
                row["area_code"],
            )


@pytest.mark.parametrize("on", DATES)
def test_the_total_adds_up_and_counts_each_person_once(world, on):
    area = Area.objects.get(code="99")
    report = membership_report(area=area, on=on)
    for field in ("branches", "members", "present", "away", "stopped", "joined", "members_year_before"):
        assert report.total[field] == sum(row[field] for row in report.rows), field
    in_province = {
        story.person_key
        for story in world.stories
        if story.state_on(on) and world.row_of_branch["99"].get(story.state_on(on)[0])
    }
    assert report.total["people"] == len(in_province)
    assert report.total["gathering_rate"] == half_up(report.total["present"], report.total["target"])


def test_one_organization_only(world):
    area = Area.objects.get(code="99")
    on = D(2025, 12, 31)
    report = membership_report(area=area, on=on, organization=world.branches["a1-HND"].organization)
    wanted = expected_membership(world, area, on, "HND")
    for row in report.rows:
        assert {k: row[k] for k in FIELDS} == wanted[row["area_code"]]
        assert "organizations" not in row


def test_a_province_without_districts_shows_its_communes(world):
    report = membership_report(area=world.province_without_districts, on=D(2025, 12, 31))
    assert [row["area_code"] for row in report.rows] == ["98001"]
    assert report.rows[0]["drillable"]


def test_a_hamlet_shows_its_branches_and_a_commune_its_professional_branch(world):
    hamlet = membership_report(area=world.tree.hamlet_a1, on=D(2025, 12, 31))
    assert {row["area_code"] for row in hamlet.rows} == {"a1-DOAN", "a1-HND"}
    assert not any(row["drillable"] for row in hamlet.rows)
    commune = membership_report(area=world.tree.commune_a, on=D(2025, 12, 31))
    assert [row["area_code"] for row in commune.rows] == ["99101-01", "99101-02", "pro-HND"]


def test_an_empty_target_gives_a_blank_rate_not_zero(world):
    report = membership_report(area=world.tree.commune_b, on=D(2025, 12, 31))
    hnd = report.rows[0]["organizations"]["HND"]
    assert hnd["target"] is None and hnd["gathering_rate"] is None
