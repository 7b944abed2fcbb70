"""The officers report splits the allowance due by funding source (QĐ 784, point 4).

The province's resolution pays every branch of the province, its head rate raised from
1/4/2025; Thanh Bình (991, "the town") adds 200.000 đ a head and 150.000 đ a deputy from
1/7/2025, as Hồng Lĩnh does on top of NQ 258/2020/NQ-HĐND; commune 99201 of the other
district pays a top-up of its own, which Thanh Bình's branches never get.

The expected figures come from the story below, by hand (and by a small oracle that reads
the story, not the database), never from the report's code.
"""

import csv
import datetime
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from branches import services, terms
from branches.models import AllowanceRate, FundingSource, OfficerRole, SourceLevel
from reports.selectors import officers_report
from tests import factories

D = datetime.date
HEAD, DEPUTY, COMMITTEE = OfficerRole.HEAD, OfficerRole.DEPUTY, OfficerRole.COMMITTEE

# (source, role, amount, from, to): the story's rates.
RATES = [
    ("province", HEAD, 200_000, D(2020, 1, 1), D(2025, 3, 31)),
    ("province", HEAD, 250_000, D(2025, 4, 1), None),
    ("province", DEPUTY, 150_000, D(2020, 1, 1), None),
    ("province", COMMITTEE, 100_000, D(2020, 1, 1), None),
    ("town", HEAD, 200_000, D(2025, 7, 1), None),
    ("town", DEPUTY, 150_000, D(2025, 7, 1), None),
    ("other_commune", HEAD, 50_000, D(2025, 1, 1), None),
]
# Which branches each source pays, by hand from the tree: the province all, the town the
# three branches of district 991, the other commune's top-up the branch of 99201.
PAID = {
    "province": {"a1", "a2", "a1_hnd", "b1"},
    "town": {"a1", "a2", "a1_hnd"},
    "other_commune": {"b1"},
}
# (branch, role, from, to): the story's officers.
OFFICERS = [
    ("a1", HEAD, D(2020, 1, 1), None),
    ("a1", DEPUTY, D(2025, 6, 16), None),  # from mid-June
    ("a1", COMMITTEE, D(2020, 1, 1), None),
    ("a2", HEAD, D(2020, 1, 1), D(2025, 8, 10)),  # leaves in August …
    ("a2", HEAD, D(2025, 8, 20), None),  # … and another head follows: both count in August
    ("a1_hnd", COMMITTEE, D(2021, 1, 1), None),
    ("b1", HEAD, D(2020, 1, 1), None),
    ("b1", DEPUTY, D(2020, 1, 1), None),
]
MONTHS = {3: (D(2025, 3, 1), D(2025, 3, 31)), 4: (D(2025, 4, 1), D(2025, 4, 30))}
MONTHS.update({m: (D(2025, m, 1), D(2025, m, 30 if m == 6 else 31)) for m in (6, 7, 8)})


@pytest.fixture
def story(tree):
    branches = {
        "a1": factories.branch(tree.hamlet_a1, "DOAN"),
        "a2": factories.branch(tree.hamlet_a2, "DOAN"),
        "a1_hnd": factories.branch(tree.hamlet_a1, "HND"),
        "b1": factories.branch(tree.hamlet_b1, "DOAN"),
    }
    sources = {
        "province": FundingSource.objects.create(
            name="Nghị quyết 258/2020/NQ-HĐND tỉnh",
            level=SourceLevel.PROVINCE,
            area=tree.province,
            decision="258/2020/NQ-HĐND",
            sort_order=1,
        ),
        "town": FundingSource.objects.create(
            name="Phụ cấp bổ sung của thị xã", level=SourceLevel.DISTRICT, area=tree.district_a, sort_order=2
        ),
        "other_commune": FundingSource.objects.create(
            name="Phụ cấp bổ sung của xã Bình Thành", level=SourceLevel.COMMUNE, area=tree.commune_b, sort_order=3
        ),
    }
    for source, role, amount, valid_from, valid_to in RATES:
        AllowanceRate.objects.create(
            source=sources[source], role=role, amount=amount, valid_from=valid_from, valid_to=valid_to
        )
    for number, (branch, role, start, end) in enumerate(OFFICERS):
        person = factories.person(f"Cán Bộ Số {number}")
        services.create_officer(branch=branches[branch], person=person, role=role, start_on=start, end_on=end)
    return SimpleNamespace(tree=tree, branches=branches, sources=sources)


def rate(source: str, role: str, start: datetime.date, end: datetime.date) -> int:
    """The source's rate of the role in the month: the one that began last, if several."""
    valid = [r for r in RATES if r[0] == source and r[1] == role and r[3] <= end and (r[4] is None or r[4] >= start)]
    return max(valid, key=lambda r: r[3])[2] if valid else 0


def expected(month: int, branches: set[str]) -> dict[str, int]:
    """The allowance due from each source to ``branches`` in the month, from the story."""
    start, end = MONTHS[month]
    due = dict.fromkeys(PAID, 0)
    for branch, role, since, until in OFFICERS:
        if branch in branches and since <= end and (until is None or until >= start):
            for source, paid in PAID.items():
                if branch in paid:
                    due[source] += rate(source, role, start, end)
    return due


def by_name(report, figures: dict) -> dict[str, int]:
    names = {str(s.source.pk): s.source.name for s in report.extra["sources"]}
    return {names[key]: amount for key, amount in figures["allowance_by_source"].items()}


DISTRICT_A = {"a1", "a2", "a1_hnd"}
PROVINCE_NAME, TOWN_NAME, OTHER_NAME = (
    "Nghị quyết 258/2020/NQ-HĐND tỉnh",
    "Phụ cấp bổ sung của thị xã",
    "Phụ cấp bổ sung của xã Bình Thành",
)


@pytest.mark.parametrize("month", [3, 4, 6, 7, 8])
def test_the_allowance_of_each_source_adds_up_to_the_allowance_due(story, month):
    report = officers_report(area=story.tree.district_a, year=2025, month=month)
    due = expected(month, DISTRICT_A)

    assert report.total["allowance_by_source"] == {
        str(story.sources[name].pk): amount
        for name, amount in due.items()
        if name in ("province", "town") and rate(name, HEAD, *MONTHS[month])
    }
    assert report.total["allowance"] == due["province"] + due["town"]
    rows = {row["area_code"]: row for row in report.rows}
    assert rows["99101"]["allowance"] == report.total["allowance"]  # district A's only commune


def test_the_figures_by_hand(story):
    """March: two heads (200.000) and two committee members (100.000); April the head rate is
    250.000; June a deputy comes (150.000); July the town adds 200.000 a head and 150.000 a
    deputy; August a second head of a2 counts too."""
    totals = {}
    for month in (3, 4, 6, 7, 8):
        report = officers_report(area=story.tree.district_a, year=2025, month=month)
        totals[month] = (by_name(report, report.total), report.total["allowance"])
    assert totals == {
        3: ({PROVINCE_NAME: 600_000}, 600_000),
        4: ({PROVINCE_NAME: 700_000}, 700_000),
        6: ({PROVINCE_NAME: 850_000}, 850_000),
        7: ({PROVINCE_NAME: 850_000, TOWN_NAME: 550_000}, 1_400_000),
        8: ({PROVINCE_NAME: 1_100_000, TOWN_NAME: 750_000}, 1_850_000),
    }


def test_a_source_of_another_commune_is_not_applied(story):
    report = officers_report(area=story.tree.district_a, year=2025, month=7)
    assert OTHER_NAME not in [s.source.name for s in report.extra["sources"]]

    province = officers_report(area=story.tree.province, year=2025, month=7)
    rows = {row["area_code"]: row for row in province.rows}
    assert by_name(province, rows["991"]) == {PROVINCE_NAME: 850_000, TOWN_NAME: 550_000, OTHER_NAME: 0}
    # b1: a head (250.000 + 50.000 from its commune) and a deputy (150.000); no town top-up.
    assert by_name(province, rows["992"]) == {PROVINCE_NAME: 400_000, TOWN_NAME: 0, OTHER_NAME: 50_000}
    assert province.total["allowance"] == 1_400_000 + 450_000


def test_each_organization_gets_its_part_of_each_source(story):
    report = officers_report(area=story.tree.district_a, year=2025, month=7)
    hnd = by_name(report, report.total["organizations"]["HND"])
    # The HND branch has one committee member: 100.000 from the province, nothing from the town.
    assert hnd == {PROVINCE_NAME: 100_000, TOWN_NAME: 0}
    assert by_name(report, report.total["organizations"]["DOAN"]) == {PROVINCE_NAME: 750_000, TOWN_NAME: 550_000}


def test_the_rates_used_are_shown_per_source(story):
    report = officers_report(area=story.tree.district_a, year=2025, month=7)
    province, town = (str(story.sources[name].pk) for name in ("province", "town"))
    assert report.extra["rates"] == {
        HEAD: {province: 250_000, town: 200_000},
        DEPUTY: {province: 150_000, town: 150_000},
        COMMITTEE: {province: 100_000, town: None},
    }


# --- Vacancies and branches without a deputy ----------------------------------------------


def test_vacancies_and_branches_without_a_deputy(story):
    """Seats of the term in force on the month's last day: a1 has 5, a2's term of 3 seats ends on
    30/6 with no newer one (no seats known after), a1_hnd has 3, b1 no term at all."""
    tree, branches = story.tree, story.branches
    terms.add_term(branch=branches["a1"], start_on=D(2022, 4, 15), end_on=D(2027, 4, 14), committee_size=5)
    terms.add_term(branch=branches["a2"], start_on=D(2020, 7, 1), end_on=D(2025, 6, 30), committee_size=3)
    terms.add_term(branch=branches["a1_hnd"], start_on=D(2023, 3, 15), end_on=D(2028, 3, 14), committee_size=3)

    def figures(month, area=tree.district_a):
        total = officers_report(area=area, year=2025, month=month).total
        return total["vacancies"], total["branches_without_deputy"], total["branches_without_head"]

    # March, on 31/3: a1 5 seats − 2 officers = 3; a2 3 − 1 = 2; a1_hnd 3 − 1 = 2 (and no head, no deputy).
    # No deputy yet in a1, a2 or a1_hnd.
    assert figures(3) == (3 + 2 + 2, 3, 1)
    # June, on 30/6: a1's deputy came (5 − 3 = 2); a2 still in its term (2); a1_hnd 2.
    assert figures(6) == (2 + 2 + 2, 2, 1)
    # July: a2's term is over, no seats known: its missing deputy only (1).
    assert figures(7) == (2 + 1 + 2, 2, 1)
    # b1 (district B): no term, a head and a deputy: no vacancy.
    assert figures(7, tree.district_b) == (0, 0, 0)


def test_a_branch_without_officers_or_term_misses_a_head_and_a_deputy(tree):
    factories.branch(tree.hamlet_a1, "DOAN")
    total = officers_report(area=tree.district_a, year=2025, month=7).total
    assert (total["vacancies"], total["branches_without_head"], total["branches_without_deputy"]) == (2, 1, 1)
    assert total["allowance"] == 0 and total["allowance_by_source"] == {}


def test_an_officer_who_leaves_mid_month_counts_in_the_month_and_leaves_a_seat_empty_on_its_last_day(tree):
    branch = factories.branch(tree.hamlet_b1, "HND")
    terms.add_term(branch=branch, start_on=D(2023, 1, 1), end_on=D(2027, 12, 31), committee_size=3)
    for number, (role, end_on) in enumerate([(HEAD, None), (DEPUTY, D(2025, 7, 15))]):
        person = factories.person(f"Cán Bộ Hội {number}")
        services.create_officer(branch=branch, person=person, role=role, start_on=D(2023, 1, 1), end_on=end_on)
    hnd = factories.organization("HND")

    july = officers_report(area=tree.district_b, year=2025, month=7, organization=hnd).total
    # In office during July: the head and the deputy; on 31/7 the head alone holds one of
    # the 3 seats: 2 empty, the deputy's among them.
    assert (july["heads"], july["deputies"], july["branches_without_deputy"]) == (1, 1, 0)
    assert july["vacancies"] == 3 - 1
    august = officers_report(area=tree.district_b, year=2025, month=8, organization=hnd).total
    assert (august["deputies"], august["branches_without_deputy"], august["vacancies"]) == (0, 1, 2)


# --- The page and the downloads -----------------------------------------------------------


@pytest.fixture
def district_client(client, story, settings):
    client.force_login(factories.user(Role.DISTRICT, story.tree.district_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the headings in English
    return client


def test_the_csv_has_a_column_per_source(district_client):
    response = district_client.get(reverse("reports:officers") + "?year=2025&month=8&format=csv")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    total = dict(zip(header, rows[-1], strict=True))
    by_source = "Of which, by funding source (đồng)"
    assert [name for name in header if name.startswith(by_source)] == [
        f"{by_source} – {PROVINCE_NAME}",
        f"{by_source} – {TOWN_NAME}",
    ]
    assert total[f"{by_source} – {PROVINCE_NAME}"] == "1100000"
    assert total[f"{by_source} – {TOWN_NAME}"] == "750000"
    assert total["Allowance due (đồng)"] == "1850000"
    assert total["Vacancies"] == "3"  # no term recorded: a2 misses a deputy, a1_hnd a head and a deputy


def test_the_xlsx_has_a_column_per_source(district_client):
    response = district_client.get(reverse("reports:officers") + "?year=2025&month=7&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    top = next(i for i, row in enumerate(values) if "Allowance due (đồng)" in row)
    # Two header rows: the group over the sources' columns, then each source's name.
    group = values[top].index("Of which, by funding source (đồng)")
    assert values[top + 1][group : group + 2] == [PROVINCE_NAME, TOWN_NAME]
    total = next(row for row in values if row[1] == "Total")
    assert total[group : group + 2] == [850_000, 550_000]
    assert total[values[top].index("Allowance due (đồng)")] == 1_400_000


def test_the_page_shows_each_sources_rates(district_client, story):
    response = district_client.get(reverse("reports:officers") + "?year=2025&month=7")
    page = response.content.decode()
    rates = page.split('data-testid="allowance-rates"', 1)[1].split("</div>\n</div>", 1)[0]
    assert PROVINCE_NAME in rates and TOWN_NAME in rates and OTHER_NAME not in rates
    province, town = rates.split(TOWN_NAME)
    assert "Head: 250.000 đ · Deputy: 150.000 đ · Committee member: 100.000 đ" in province
    assert "Head: 200.000 đ · Deputy: 150.000 đ · Committee member: no rate" in town
    columns = [f'data-column="allowance_by_source.{story.sources[name].pk}"' for name in ("province", "town")]
    assert all(column in page for column in columns)


def test_a_user_of_another_district_gets_404(client, story):
    client.force_login(factories.user(Role.DISTRICT, story.tree.district_b))
    for query in ("", "&format=csv", "&format=xlsx"):
        url = reverse("reports:officers", kwargs={"key": story.tree.district_a.key}) + "?year=2025&month=7" + query
        assert client.get(url).status_code == 404


def test_the_query_count_does_not_grow_with_sources_and_branches(story):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            officers_report(area=story.tree.province, year=2025, month=7)
        return len(queries)

    before = count()
    for number in range(3):
        source = FundingSource.objects.create(
            name=f"Nguồn {number}", level=SourceLevel.COMMUNE, area=story.tree.commune_a
        )
        AllowanceRate.objects.create(source=source, role=HEAD, amount=10_000, valid_from=D(2025, 1, 1))
        branch = factories.branch(story.tree.hamlet_a2, "HND", code=f"A2-HND-{number}")
        factories.officer(branch, role=HEAD, start_on=D(2024, 1, 1))
        terms.add_term(branch=branch, start_on=D(2024, 1, 1), end_on=D(2028, 12, 31), committee_size=4)
    assert count() == before
