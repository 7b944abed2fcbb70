"""The rating grid and overview as staff and approvers use them: score bands, counts, filters, what awaits."""

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from ratings.models import BranchRating, Grade
from ratings.selectors import score_warning
from reports import selectors as reports
from reports.charts import chart_for
from reports.headlines import headline_figures
from tests import factories
from tests.pages import text

D = datetime.date
YEAR = 2024


def grade(code: str) -> Grade:
    return Grade.objects.get(scheme__code="DEFAULT", code=code)


def grid_url(world, **query) -> str:
    url = reverse("ratings:commune_grid", args=[world.tree.commune_a.key, YEAR])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def line(branch, grade_code: str, score: str = "") -> dict:
    saved = BranchRating.objects.filter(branch=branch, year=YEAR).first()
    prefix = f"b{branch.pk}-"
    fields = {f"{prefix}grade": grade(grade_code).pk, f"{prefix}score": score, f"{prefix}note": ""}
    return {**fields, f"{prefix}version": saved.version if saved else ""}


def test_a_score_that_contradicts_the_grade_is_warned_about_where_the_scheme_sets_bands(as_district_a, world):
    strong = grade("strong")
    response = as_district_a.post(grid_url(world), {"action": "save", **line(world.a1, "strong", "40")})
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]  # no band: no warning
    strong.min_score, strong.max_score = Decimal(80), Decimal(100)
    strong.save()
    both = {"action": "save", **line(world.a1, "strong", "40"), **line(world.a2, "strong", "40")}
    response = as_district_a.post(grid_url(world), both)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    warning = score_warning(strong, Decimal(40))
    assert warnings == [f"{world.a1.name}: {warning}", f"{world.a2.name}: {warning}"]
    assert BranchRating.objects.get(branch=world.a2, year=YEAR).score == 40  # warned, not refused
    page = as_district_a.get(grid_url(world))
    lines = {form.row.branch.code: form.row for form in page.context["lines"]}
    assert lines["A1-DOAN"].score_warning == lines["A2-DOAN"].score_warning == score_warning(strong, Decimal(40))
    assert text(page).count('data-testid="score-warning"') == 2


def test_the_grid_counts_lines_per_grade_and_filters_by_organization(as_district_a, world):
    hnd = factories.branch(world.tree.hamlet_a1, "HND", code="A1-HND")
    factories.rating(world.a1, YEAR, "good")
    factories.rating(hnd, YEAR, "good", "submitted")
    page = as_district_a.get(grid_url(world))
    counts = {
        (entry["grade"].code if entry["grade"] else None): entry["count"] for entry in page.context["grade_counts"]
    }
    assert counts == {"good": 2, None: 1}  # A2 has no rating yet
    only_hnd = as_district_a.get(grid_url(world, organization="HND"))
    assert [form.row.branch.code for form in only_hnd.context["lines"]] == ["A1-HND"]


def test_the_ratings_chart_and_card_read_over_the_branches_to_rate(tree):
    branches = [factories.branch(tree.hamlet_a1, code=f"R{i}") for i in range(4)]
    factories.rating(branches[0], YEAR, "strong", "approved")
    report = reports.ratings_report(area=tree.commune_a, year=YEAR)
    chart = chart_for(report)
    shares = {dataset["label"]: dataset["data"] for dataset in chart["datasets"]}
    row = [r["area_code"] for r in report.rows].index(tree.hamlet_a1.code)
    # One of four branches rated, strong: a quarter of the bar, three quarters not rated yet.
    assert shares[grade("strong").label][row] == 25.0
    assert chart["datasets"][-1]["role"] == "unrated" and chart["datasets"][-1]["data"][row] == 75.0
    figures = headline_figures(tree.commune_a, today=D(YEAR + 1, 2, 1))
    assert (figures.strong, figures.to_rate, figures.rated, figures.not_rated) == (1, 4, 1, 3)
    assert figures.strong_share == Decimal("25.00")


def test_the_overview_lists_what_awaits_approval_first_and_groups_communes_by_district(as_province, world):
    factories.rating(world.a1, YEAR, "good", "submitted")
    page = as_province.get(reverse("ratings:grid"), {"year": YEAR})
    assert [commune.code for commune in page.context["awaiting"]] == [world.tree.commune_a.code]
    content = text(page)
    assert content.index('data-testid="awaiting-approval"') < content.index('data-testid="communes"')
    assert content.count('data-testid="district-group"') == 2  # Thanh Bình and Lấp Vò
