"""Report 7.5 (fees) against the world's log: per row, per organization and in total, for a
month, a quarter and a year; the command's JSON, the page, its downloads, scope and queries."""

import csv
import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from fees.models import FeePayment
from reports.fees import fees_report
from reports.selectors import period_bounds
from tests import factories
from tests.pages import says

from . import fees_world
from .fees_world import FIGURES, YEAR

PERIODS = {
    "month": {"month": 8},
    "quarter": {"quarter": 3},
    "year": {},
}
# Where each branch sits: its hamlet, its commune's district.
HAMLET = {"A": "99101-01", "B": "99101-02", "H": "99101-02", "E": "99201-01"}
DISTRICT = {"A": "991", "B": "991", "H": "991", "E": "992"}
ORGANIZATION = {"A": "DOAN", "B": "DOAN", "H": "HND", "E": "DOAN"}


@pytest.fixture
def world(tree):
    return fees_world.build(tree)


def months_of(period: str) -> list[int]:
    start, end = period_bounds(year=YEAR, **PERIODS[period])
    return list(range(start.month, end.month + 1))


def rate(collected: int, due: int) -> Decimal | None:
    if not due:
        return None
    return (Decimal(collected) * 100 / due).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_rows(world, period: str, row_of: dict, organization: str | None = None) -> dict[str, dict]:
    by_branch = fees_world.expected_by_branch(world.members, months_of(period))
    rows: dict[str, list] = {}
    for code, figures in by_branch.items():
        if code in row_of and (organization is None or ORGANIZATION[code] == organization):
            rows.setdefault(row_of[code], []).append(figures)
    result = {key: fees_world.add_up(parts) for key, parts in rows.items()}
    result["total"] = fees_world.add_up(list(result.values()))
    for figures in result.values():
        figures["collection_rate"] = rate(figures["collected"], figures["due"])
    return result


def found_rows(report, organization: str | None = None) -> dict[str, dict]:
    keys = (*FIGURES, "collection_rate")

    def pick(row):
        row = row["organizations"][organization] if organization else row
        return {key: row[key] for key in keys}

    found = {row["area_code"]: pick(row) for row in report.rows}
    found["total"] = pick(report.total)
    # A row with nothing owed shows zeros; the log only knows rows where something was owed.
    return {
        key: figures for key, figures in found.items() if figures["owed"] or figures["collected"] or key == "total"
    }


def _run(area, period: str):
    start, end = period_bounds(year=YEAR, **PERIODS[period])
    return fees_report(area=area, start=start, end=end)


@pytest.mark.parametrize("period", PERIODS)
def test_the_commune_row_by_row_as_counted_from_the_log(world, period):
    report = _run(world.tree.commune_a, period)
    in_commune = {code: HAMLET[code] for code in ("A", "B", "H")}

    assert found_rows(report) == expected_rows(world, period, in_commune)
    for organization in ("DOAN", "HND"):
        assert found_rows(report, organization) == expected_rows(world, period, in_commune, organization)


@pytest.mark.parametrize("period", PERIODS)
def test_the_province_by_district(world, period):
    report = _run(world.tree.province, period)
    assert found_rows(report) == expected_rows(world, period, DISTRICT)


def test_the_quarter_in_figures(world):
    """The quarter of hamlet Tân Thạnh (B and H) by hand: Giang owes August and September in B
    after moving; the exempt farmer owes nothing but his 1.000 đ is collected."""
    report = _run(world.tree.commune_a, "quarter")
    tan_thanh = next(row for row in report.rows if row["area_code"] == "99101-02")
    # B: Giang (part), Hoa (all, July and August), Khánh (nothing); H: Lan (all).
    assert tan_thanh["organizations"]["DOAN"]["owed"] == 3
    assert (tan_thanh["owed"], tan_thanh["paid_all"], tan_thanh["paid_part"], tan_thanh["paid_none"]) == (4, 2, 1, 1)
    assert tan_thanh["due"] == 20_000 + 6_000 + 9_000 + 18_000
    assert tan_thanh["collected"] == 10_000 + 6_000 + 19_500 + 1_000
    # B: August 40% of 13.000, July 30% of 3.000; H: 12,5% of 7.500 (937,5) and twice 6.500 (812,5).
    assert tan_thanh["sent_up"] == 900 + 5_200 + 938 + 813 + 813
    assert tan_thanh["collection_rate"] == Decimal("68.87")


def test_nothing_collected_is_a_rate_of_zero_and_nothing_due_no_rate(world):
    unpaid = fees_report(area=world.tree.commune_a, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 1, 31))
    assert unpaid.total["due"] > 0 and unpaid.total["collected"] == 0
    assert unpaid.total["collection_rate"] == Decimal("0.00")
    assert unpaid.total["paid_none"] == unpaid.total["owed"] > 0
    # Nobody was a member of E in 2019: nothing owed, nothing due, no rate (not 0).
    empty = fees_report(area=world.tree.hamlet_b1, start=datetime.date(2019, 1, 1), end=datetime.date(2019, 1, 31))
    assert empty.total["owed"] == empty.total["due"] == 0 and empty.total["collection_rate"] is None


# --- The command ------------------------------------------------------------------------

JSON_KEYS = {"owed", "paid_all", "paid_part", "paid_none", "due", "collected", "collection_rate", "sent_up"}


@pytest.mark.parametrize(
    ("option", "period"), [("--month=2024-08", "month"), ("--quarter=2024-Q3", "quarter"), ("--year=2024", "year")]
)
def test_the_command_prints_the_json_of_the_log(world, capsys, option, period):
    call_command("report", "fees", option, "--area", "99101", "--format", "json")
    data = json.loads(capsys.readouterr().out)

    assert data["kind"] == "fees"
    assert set(data["total"]) >= JSON_KEYS
    expected = expected_rows(world, period, {code: HAMLET[code] for code in ("A", "B", "H")})
    found = {row["area_code"]: row for row in data["rows"]} | {"total": data["total"]}
    for key, figures in expected.items():
        as_json = {
            **figures,
            "collection_rate": None if figures["collection_rate"] is None else float(figures["collection_rate"]),
        }
        assert {name: found[key][name] for name in JSON_KEYS} == as_json, key
        assert all(isinstance(found[key][name], int) for name in JSON_KEYS - {"collection_rate"}), key


def test_the_command_refuses_a_date(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("report", "fees", "--date", "2024-08-01", "--area", "99101")
    assert refused.value.returncode == 2


# --- The page and its downloads --------------------------------------------------------


@pytest.fixture
def commune_client(client, world):
    client.force_login(factories.user(Role.COMMUNE, world.tree.commune_a))
    return client


QUARTER = {"period": "quarter", "quarter": 3, "year": YEAR}


def test_the_page_shows_the_quarter_and_explains_the_rule(commune_client):
    response = commune_client.get(reverse("reports:fees"), QUARTER)

    assert response.status_code == 200
    assert says(response, _("Membership fees"))
    assert says(response, _("Paid in part")) and says(response, _("To send up (đồng)"))
    assert 'data-testid="fees-note"' in response.content.decode()
    chart = response.context["chart"]
    assert chart["unit"] == "money" and chart["labels"] == ["Ấp Tân Phú", "Ấp Tân Thạnh"]
    assert chart["datasets"][2]["axis"] == "percent"
    assert response.context["report"].total == _run(response.context["area"], "quarter").total


def test_the_page_defaults_to_the_quarter_under_way(commune_client):
    response = commune_client.get(reverse("reports:fees"))
    today = timezone.localdate()
    start, end = period_bounds(year=today.year, quarter=(today.month + 2) // 3)
    assert response.context["report"].period["start"] == start
    assert response.context["report"].period["end"] == end


def test_the_downloads_carry_the_figures(commune_client, world):
    expected = expected_rows(world, "quarter", {code: HAMLET[code] for code in ("A", "B", "H")})
    url = reverse("reports:fees")

    response = commune_client.get(url, {**QUARTER, "format": "csv"})
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert len(header) == 2 + 8
    by_code = {row[0] or "total": row[2:] for row in rows}
    for key in ("99101-01", "99101-02", "total"):
        figures = expected[key]
        assert by_code[key] == [
            str(figures[name]) for name in ("owed", "paid_all", "paid_part", "paid_none", "due", "collected")
        ] + [str(figures["collection_rate"]), str(figures["sent_up"])]

    response = commune_client.get(url, {**QUARTER, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    total = next(line for line in lines if line[2:10] and expected["total"]["due"] in line)
    assert total[2:10] == [
        *(expected["total"][name] for name in ("owed", "paid_all", "paid_part", "paid_none", "due", "collected")),
        float(expected["total"]["collection_rate"]),
        expected["total"]["sent_up"],
    ]


def test_another_communes_or_districts_user_gets_404(client, world):
    tree = world.tree
    for user in (factories.user(Role.COMMUNE, tree.commune_b), factories.user(Role.DISTRICT, tree.district_b)):
        client.force_login(user)
        for key in ("99101", "991", "99"):
            for output in ("", "csv", "xlsx"):
                response = client.get(reverse("reports:fees", kwargs={"key": key}), {**QUARTER, "format": output})
                assert response.status_code == 404, (user.role, key, output)
        assert client.get(reverse("reports:fees"), {**QUARTER, "area": "99101"}).status_code == 404


# --- Queries ---------------------------------------------------------------------------


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_the_query_count_does_not_grow_with_the_members(commune_client, world):
    tree = world.tree
    url = reverse("reports:fees")
    reports = {
        area.code: (lambda area=area: _run(area, "year")) for area in (tree.province, tree.district_a, tree.hamlet_a1)
    }
    before = {code: _count(run) for code, run in reports.items()}
    page_before = _count(lambda: commune_client.get(url, QUARTER))

    branch = factories.branch(tree.hamlet_a1, "DOAN", code="EXTRA")
    for n in range(6):
        membership = factories.membership(
            branch, joined_on=datetime.date(2023, 1, 1), person=factories.person(f"Thêm {n}")
        )
        for month in (7, 8, 9):
            FeePayment.objects.create(
                membership=membership, year=YEAR, month=month, amount=3_000, paid_on=datetime.date(YEAR, month, 5)
            )

    assert {code: _count(run) for code, run in reports.items()} == before
    assert _count(lambda: commune_client.get(url, QUARTER)) == page_before
    assert _run(tree.hamlet_a1, "quarter").total["owed"] == 6 + 6
