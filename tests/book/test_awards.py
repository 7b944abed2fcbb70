"""Awards and discipline: a decision is counted in the branch the person belonged to on its date;
the rules refuse what cannot be and write nothing; the yearly report's figures against counts kept
by the test itself (two years, two organizations, a person awarded twice, a transfer between the
award and the report); 404 outside the user's area; fixed query counts."""

import collections
import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from book import awards
from book.models import DISCIPLINE_FORMS, Award, AwardForm
from members import services as member_services
from reports.awards import awards_report
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures
from tests.pages import says

D = datetime.date


def decision(**values) -> dict:
    data = {
        "organization": factories.organization("DOAN").pk,
        "form": AwardForm.CERTIFICATE,
        "decided_on": "15/03/2023",
        "level": "commune",
        "decision_number": "12/QĐ-ĐTN",
        "reason": "Hoàn thành xuất sắc nhiệm vụ năm",
    }
    data.update(values)
    return data


def awards_state() -> list:
    return sorted(Award.objects.values_list("pk", "person_id", "form", "decided_on", "branch_id"))


# --- The person page and its forms ----------------------------------------------------------


def test_a_decision_counts_in_the_branch_of_its_date(as_district_a, world):
    member_services.transfer_membership(membership=world.membership_anh, to_branch=world.a2, on=D(2023, 6, 1))
    url = reverse("book:award_add", args=[world.anh.pk])

    before = as_district_a.post(url, decision(decided_on="15/03/2023"))
    on_the_day = as_district_a.post(url, decision(decided_on="01/06/2023", form=AwardForm.MERIT, level="province"))

    assert before.status_code == on_the_day.status_code == 302
    found = {a.decided_on: a for a in Award.objects.filter(person=world.anh)}
    assert found[D(2023, 3, 15)].branch == world.a1
    assert found[D(2023, 6, 1)].branch == world.a2  # transferred that day: the new branch
    assert found[D(2023, 6, 1)].kind == "award"
    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    content = page.content.decode().split('data-testid="awards"')[1]
    assert content.index("15/03/2023") < content.index("01/06/2023")
    assert says(page, AwardForm.MERIT.label)


def test_a_change_moves_the_decision_with_its_date_and_a_delete_removes_it(as_district_a, world):
    member_services.transfer_membership(membership=world.membership_anh, to_branch=world.a2, on=D(2023, 6, 1))
    award = awards.add_award(
        person=world.anh,
        organization=world.a1.organization,
        form="reprimand",
        decided_on=D(2023, 2, 1),
        level="branch",
    )
    assert award.kind == "discipline" and award.branch == world.a1

    response = as_district_a.post(
        reverse("book:award_edit", args=[award.pk]), decision(form="warning", decided_on="01/09/2023")
    )

    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.form, award.kind, award.branch) == ("warning", "discipline", world.a2)
    assert as_district_a.get(reverse("book:award_delete", args=[award.pk])).status_code == 200
    assert as_district_a.post(reverse("book:award_delete", args=[award.pk])).status_code == 302
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"decided_on": "01/01/2099"}, "decided_on", "The date of the decision cannot be in the future."),
        (
            {"decided_on": "31/12/2019"},
            "decided_on",
            "%(person)s was not a member of %(organization)s on %(date)s.",
        ),
        ({"organization": "HND"}, "organization", None),
    ],
    ids=["future", "before-joining", "not-a-member-of-that-organization"],
)
def test_a_decision_that_cannot_be_is_refused(as_district_a, world, values, field, message):
    if values.get("organization") == "HND":
        values = {**values, "organization": factories.organization("HND").pk}
    before = awards_state()

    response = as_district_a.post(reverse("book:award_add", args=[world.anh.pk]), decision(**values))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        organization = factories.organization("DOAN").name
        expected = gettext(message) % {
            "person": world.anh.full_name,
            "organization": organization,
            "date": "31/12/2019",
        }
        assert says(response, expected)
    assert awards_state() == before


def test_after_an_expulsion_nothing_more_is_decided_in_that_membership(world):
    doan = world.a1.organization
    awards.add_award(person=world.dung, organization=doan, form="expulsion", decided_on=D(2023, 5, 1), level="commune")
    member_services.end_membership(membership=world.membership_dung, on=D(2023, 5, 1), reason="removed")
    before = awards_state()

    # The day the membership ended still counts (the expulsion above was recorded on it).
    with pytest.raises(ValidationError) as twice:
        awards.add_award(
            person=world.dung, organization=doan, form="expulsion", decided_on=D(2023, 5, 1), level="commune"
        )
    assert "form" in twice.value.message_dict
    with pytest.raises(ValidationError) as later:
        awards.add_award(
            person=world.dung, organization=doan, form="certificate", decided_on=D(2023, 5, 2), level="commune"
        )
    assert "decided_on" in later.value.message_dict
    assert awards_state() == before
    # Rejoined later: a new membership, decided upon again.
    rejoined = member_services.create_membership(person=world.dung, branch=world.a2, joined_on=D(2024, 3, 1))
    award = awards.add_award(
        person=world.dung, organization=doan, form="certificate", decided_on=D(2024, 4, 1), level="commune"
    )
    assert award.branch == rejoined.branch


def test_the_person_page_reads_the_decisions_in_one_query(as_district_a, world, django_assert_num_queries):
    url = reverse("members:person", args=[world.anh.pk])
    awards.add_award(
        person=world.anh, organization=world.a1.organization, form="badge", decided_on=D(2021, 1, 1), level="province"
    )
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    for year in (2022, 2023, 2024):
        awards.add_award(
            person=world.anh,
            organization=world.a1.organization,
            form="certificate",
            decided_on=D(year, 1, 1),
            level="commune",
        )
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)


def test_another_district_gets_404_on_every_decision_page(as_district_b, world):
    award = awards.add_award(
        person=world.anh, organization=world.a1.organization, form="merit", decided_on=D(2022, 1, 1), level="province"
    )
    before = awards_state()
    for name, pk in [("book:award_add", world.anh.pk), ("book:award_edit", award.pk), ("book:award_delete", award.pk)]:
        url = reverse(name, args=[pk])
        assert as_district_b.get(url).status_code == 404, name
        assert as_district_b.post(url, decision()).status_code == 404, name
    assert awards_state() == before


def test_a_provincial_officer_reads_the_decisions_but_changes_none(as_province, world):
    award = awards.add_award(
        person=world.anh, organization=world.a1.organization, form="merit", decided_on=D(2022, 1, 1), level="province"
    )
    page = as_province.get(reverse("members:person", args=[world.anh.pk]))
    assert "01/01/2022" in page.content.decode() and 'data-testid="award-add"' not in page.content.decode()
    assert as_province.get(reverse("book:award_edit", args=[award.pk])).status_code == 403
    assert as_province.post(reverse("book:award_delete", args=[award.pk])).status_code == 403
    assert Award.objects.filter(pk=award.pk).exists()


# --- The yearly report ------------------------------------------------------------------------


class Log:
    """What the test recorded: each decision with the district and hamlet of its branch."""

    def __init__(self, world):
        self.world = world
        self.rows: list[dict] = []
        # Where each branch sits, written down here rather than read from the placements.
        self.place = {}

    def branch(self, branch, district, hamlet):
        self.place[branch.pk] = (district, hamlet)
        return branch

    def decide(self, person, org_code, form, day, branch):
        awards.add_award(
            person=person, organization=factories.organization(org_code), form=form, decided_on=day, level="commune"
        )
        district, hamlet = self.place[branch.pk]
        self.rows.append(
            {
                "person": person.pk,
                "org": org_code,
                "form": form,
                "year": day.year,
                "district": district,
                "hamlet": hamlet,
            }
        )

    def expected(self, year, row_field, org=None) -> dict:
        counted = collections.defaultdict(lambda: collections.defaultdict(int))
        people = collections.defaultdict(lambda: {"awarded": set(), "disciplined": set()})
        for r in self.rows:
            if r["year"] != year or (org and r["org"] != org) or r[row_field] is None:
                continue
            counted[r[row_field]][r["form"]] += 1
            people[r[row_field]]["disciplined" if r["form"] in DISCIPLINE_FORMS else "awarded"].add(r["person"])
        return {
            key: {
                "forms": dict(counts),
                "awarded": len(people[key]["awarded"]),
                "disciplined": len(people[key]["disciplined"]),
            }
            for key, counts in counted.items()
        }

    def people_in_all(self, year, kind_forms) -> int:
        return len(
            {r["person"] for r in self.rows if r["year"] == year and (r["form"] in DISCIPLINE_FORMS) == kind_forms}
        )


@pytest.fixture
def log(world):
    """Two years, two organizations (the Youth Union and the Farmers' Association), a person awarded
    twice in a year and by both organizations, a transfer to the other district between an award
    and the report."""
    tree = world.tree
    log = Log(world)
    log.branch(world.a1, "991", "99101-01")
    log.branch(world.a2, "991", "99101-02")
    log.branch(world.b1, "992", None)
    hnd = log.branch(factories.branch(tree.hamlet_a1, "HND", code="A1-HND"), "991", "99101-01")
    farmer = factories.person("Huỳnh Văn Ruộng", birth_year=1980, residence=tree.hamlet_a1)
    factories.membership(hnd, person=farmer, joined_on=D(2020, 1, 1))
    factories.membership(hnd, person=world.anh, joined_on=D(2020, 1, 1))

    log.decide(world.anh, "DOAN", "certificate", D(2023, 3, 1), world.a1)
    member_services.transfer_membership(membership=world.membership_anh, to_branch=world.b1, on=D(2023, 9, 1))
    log.decide(world.anh, "DOAN", "merit", D(2023, 11, 20), world.b1)
    log.decide(world.anh, "HND", "certificate", D(2023, 12, 1), hnd)
    log.decide(world.dung, "DOAN", "reprimand", D(2023, 4, 1), world.a1)
    log.decide(world.dung, "DOAN", "certificate", D(2023, 8, 1), world.a1)
    log.decide(world.dung, "DOAN", "warning", D(2024, 2, 1), world.a1)
    log.decide(farmer, "HND", "certificate", D(2023, 1, 10), hnd)
    log.decide(farmer, "HND", "certificate", D(2023, 10, 10), hnd)  # awarded twice in the year
    log.decide(farmer, "HND", "badge", D(2024, 5, 5), hnd)
    log.decide(world.be, "DOAN", "expulsion", D(2024, 7, 1), world.b1)
    return log


def figures(row) -> dict:
    forms = {**row["awards"], **row["disciplines"]}
    return {
        "forms": {form: n for form, n in forms.items() if n},
        "awarded": row["awarded"],
        "disciplined": row["disciplined"],
    }


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_province_counts_each_decision_in_the_district_of_its_branch(world, log, year):
    report = awards_report(area=world.tree.province, year=year)

    expected = log.expected(year, "district")
    found = {row["area_code"]: figures(row) for row in report.rows if figures(row)["forms"]}
    assert found == expected
    assert report.total["awarded"] == log.people_in_all(year, False)
    assert report.total["disciplined"] == log.people_in_all(year, True)
    assert report.total["awards_total"] + report.total["disciplines_total"] == sum(
        1 for r in log.rows if r["year"] == year
    )


def test_the_commune_rows_and_each_organization(world, log):
    report = awards_report(area=world.tree.commune_a, year=2023)

    rows = {row["area_code"]: row for row in report.rows}
    assert {code: figures(row) for code, row in rows.items() if figures(row)["forms"]} == log.expected(2023, "hamlet")
    # Ánh is awarded by both organizations in hamlet 1: once among the people of the row, once in each.
    hamlet = rows["99101-01"]
    assert hamlet["awarded"] == 3  # Ánh, Dung, the farmer
    assert hamlet["organizations"]["DOAN"]["awarded"] == 2 and hamlet["organizations"]["HND"]["awarded"] == 2
    assert hamlet["organizations"]["HND"]["awards"]["certificate"] == 3
    only_hnd = awards_report(area=world.tree.commune_a, year=2023, organization=factories.organization("HND"))
    assert only_hnd.total["awards_total"] == 3 and only_hnd.total["awarded"] == 2
    assert only_hnd.total["disciplines_total"] == 0


def test_the_total_counts_a_person_awarded_in_two_districts_once(world, log):
    report = awards_report(area=world.tree.province, year=2023)
    rows = {row["area_code"]: row for row in report.rows}
    assert rows["991"]["organizations"]["DOAN"]["awarded"] == 2  # Ánh (March) and Dung
    assert rows["992"]["organizations"]["DOAN"]["awarded"] == 1  # Ánh again (November)
    assert report.total["organizations"]["DOAN"]["awarded"] == 2
    assert report.total["awarded"] == 3


def test_the_command_prints_the_year(world, log, capsys):
    call_command("report", "awards", "--year", "2023", "--area", "99", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "awards"
    assert data["total"]["awards_total"] == sum(
        1 for r in log.rows if r["year"] == 2023 and r["form"] not in DISCIPLINE_FORMS
    )
    assert data["total"]["awarded"] == log.people_in_all(2023, False)


def test_the_page_its_downloads_and_the_drill_down(as_province, world, log):
    url = reverse("reports:awards")

    page = as_province.get(url, {"year": 2023})
    csv = as_province.get(url, {"year": 2023, "format": "csv"})
    xlsx = as_province.get(url, {"year": 2023, "format": "xlsx"})
    drill = as_province.get(reverse("reports:awards", kwargs={"key": world.tree.district_a.key}), {"year": 2023})

    assert page.status_code == csv.status_code == xlsx.status_code == drill.status_code == 200
    assert page.context["report"].total["awards_total"] == 6
    assert says(page, AwardForm.CERTIFICATE.label)
    assert [row["area_code"] for row in drill.context["report"].rows] == ["99101"]
    openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert csv.content.decode().count("\n") >= 3


def test_another_district_gets_404_on_the_report(as_district_b, world, log):
    for output in ("", "csv", "xlsx"):
        response = as_district_b.get(
            reverse("reports:awards", kwargs={"key": world.tree.district_a.key}), {"format": output}
        )
        assert response.status_code == 404


def test_the_report_runs_a_fixed_number_of_queries(as_province, world, log, django_assert_num_queries):
    url = reverse("reports:awards")
    with CaptureQueriesContext(connection) as small:
        as_province.get(url, {"year": 2023})
    for i in range(5):
        branch = factories.branch(world.tree.hamlet_a2, "LHPN" if i % 2 else "CCB", code=f"A2-X{i}")
        member = factories.membership(branch, person=factories.person(f"Phan Thị Số {i}"), joined_on=D(2020, 1, 1))
        for form in ("certificate", "reprimand"):
            awards.add_award(
                person=member.person,
                organization=branch.organization,
                form=form,
                decided_on=D(2023, 6, 1),
                level="commune",
            )
    with django_assert_num_queries(len(small.captured_queries)):
        as_province.get(url, {"year": 2023})
