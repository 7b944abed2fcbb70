"""What district staff and provincial officers do every day, in a real browser (Chromium).

The pages are driven through ids and ``data-testid`` attributes, not their wording, so the
tests hold whatever language the pages speak.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import Role
from meetings.models import CadreVisit, Meeting
from members.models import Membership, Person
from ratings.models import BranchRating, RatingState
from tests import factories
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"
D = datetime.date
expect = None  # set on first use, so that collecting the tests does not need playwright


def _re(pattern: str):
    import re

    return re.compile(pattern)


def _expect():
    global expect
    if expect is None:
        from playwright.sync_api import expect as playwright_expect

        expect = playwright_expect
    return expect


@pytest.fixture
def scene(reference_data):
    tree = factories.area_tree()
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    a2 = factories.branch(tree.hamlet_a2, code="A2-DOAN", name="Chi đoàn Tân Thạnh")
    anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, birth_year=1999)
    factories.person("Nguyễn Văn Anh", residence=tree.hamlet_a2, birth_year=2001)
    factories.membership(a2, person=factories.person("Trần Thanh Tâm"))
    return SimpleNamespace(
        tree=tree,
        a1=a1,
        a2=a2,
        anh=anh,
        membership=factories.membership(a1, person=anh, joined_on=D(2020, 1, 1)),
        staff=factories.user(Role.DISTRICT, tree.district_a, username="huyen-a"),
        officer=factories.user(Role.PROVINCE, tree.province, username="tinh"),
    )


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]", state="attached")


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_find_a_member_typing_without_diacritics_and_record_a_transfer(page, scene):
    expect = _expect()
    log_in(page, "huyen-a")
    page.click(f"#main-menu a[href='{reverse('members:search')}']")
    page.wait_for_load_state()  # htmx listens once its script has run
    page.fill("#id_q", "nguyen van anh")
    results = page.locator("[data-testid=members] tbody")
    expect(results).not_to_contain_text("Trần Thanh Tâm")  # the live search answered
    expect(results.locator("tr")).to_have_count(1)
    expect(results).to_contain_text("Nguyễn Văn Ánh")
    page.select_option("#id_status", "away")  # a filter's change searches too
    expect(results).not_to_contain_text("Nguyễn Văn Ánh")
    page.select_option("#id_status", "")
    expect(results).to_contain_text("Nguyễn Văn Ánh")
    # An age range upside down: the message under "age to", the box marked, nobody listed.
    page.fill("#id_age_min", "40")
    page.fill("#id_age_max", "20")
    page.press("#id_age_max", "Tab")
    expect(page.locator("#id_age_max_error [data-field-error=age_max]")).to_have_count(1)
    expect(page.locator("#id_age_max")).to_have_class(_re(r"\bis-invalid\b"))
    expect(results).not_to_contain_text("Nguyễn Văn Ánh")
    page.fill("#id_age_min", "")
    page.fill("#id_age_max", "")
    page.press("#id_age_max", "Tab")
    expect(page.locator("#id_age_max_error [data-field-error]")).to_have_count(0)
    expect(page.locator("#id_age_max")).not_to_have_class(_re(r"\bis-invalid\b"))
    expect(results).to_contain_text("Nguyễn Văn Ánh")
    snap(page, "member_search")

    results.get_by_role("link", name="Nguyễn Văn Ánh").click()
    page.click("[data-testid=transfer]")
    # The receiving branch is found by typing, without diacritics, and picked among the matches.
    page.fill("#id_branch_q", "tan thanh")
    page.check(f"#to-branch-{scene.a2.pk}")
    page.fill("#id_on", "01/06/2024")
    page.fill("#id_reason", "Chuyển nơi ở")
    page.click("[data-testid=save]")

    expect(page.locator(".alert-success")).to_contain_text("01/06/2024")
    history = page.locator("[data-testid=history] tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Chi đoàn Tân Phú")
    expect(history.nth(1)).to_contain_text("Chuyển nơi ở")
    membership = Membership.objects.get(pk=scene.membership.pk)
    assert membership.branch_id == scene.a2.pk
    assert membership.periods.count() == 2


def test_the_add_member_form_warns_of_a_possible_duplicate_while_typing(page, scene):
    expect = _expect()
    number = "087099000123"
    Person.objects.filter(pk=scene.anh.pk).update(cccd=number)
    log_in(page, "huyen-a")
    checks = []
    page.on("request", lambda request: "/duplicates/" in request.url and checks.append((request.method, request.url)))
    page.goto(reverse("members:person_add"))
    warning = page.locator("#duplicates [data-testid=duplicates]")

    page.fill("#id_full_name", "Nguyễn văn ánh")
    page.fill("#id_birth_year", "1999")
    page.press("#id_birth_year", "Tab")
    expect(warning).to_contain_text("Nguyễn Văn Ánh")  # same name and birth year

    page.fill("#id_full_name", "Trần Văn Khác")
    page.press("#id_full_name", "Tab")
    expect(warning).to_have_count(0)
    page.fill("#id_cccd", number)
    page.press("#id_cccd", "Tab")
    expect(warning).to_contain_text("Nguyễn Văn Ánh")  # same CCCD number
    expect(warning.get_by_role("link", name="Nguyễn Văn Ánh")).to_have_attribute(
        "href", reverse("members:person", args=[scene.anh.pk])
    )
    # The check is a POST (with its CSRF token, or it would have been refused): the number is in no URL.
    assert checks and {method for method, _ in checks} == {"POST"}
    assert not [url for _, url in checks if number in url or "?" in url]


def test_log_a_meeting_with_a_cadre_visit_report(page, scene):
    expect = _expect()
    log_in(page, "huyen-a")
    page.goto(reverse("branches:branch", args=[scene.a1.pk]))
    page.click(f"a[href='{reverse('meetings:branch_log', args=[scene.a1.pk])}']")
    page.click("[data-testid=log-meeting]")
    page.fill("#id_held_on", "32/03/2024")  # not a date: refused next to the field
    page.select_option("#id_kind", "regular")
    page.fill("#id_members_present", "1")
    page.click("[data-testid=save]")
    expect(page.locator("[data-field-error=held_on]")).to_be_visible()

    page.fill("#id_held_on", "15/03/2024")
    page.fill("#id_chaired_by", "Nguyễn Văn Ánh")
    page.fill("#id_content", "Học tập Nghị quyết Đại hội Đoàn")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=attendance]")).to_contain_text("100,00%")

    page.click("[data-testid=add-visit]")
    page.fill("#id_cadre_name", "Lê Thị Huyện")
    page.fill("#id_position", "Phó Bí thư Huyện đoàn")
    page.select_option("#id_level", "district")
    page.select_option("#id_quality", "good")
    page.fill("#id_concerns", "Thanh niên cần việc làm tại chỗ")
    page.fill("#id_proposals", "Mở lớp dạy nghề")
    page.fill("#id_reported_on", "16/03/2024")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=visit]")).to_contain_text("Mở lớp dạy nghề")
    expect(page.locator("[data-testid=quality]")).to_be_visible()

    meeting = Meeting.objects.get(branch=scene.a1)
    assert (meeting.held_on, meeting.members_present, meeting.members_on_roll) == (D(2024, 3, 15), 1, 1)
    visit = CadreVisit.objects.get(meeting=meeting)
    assert (visit.quality, visit.reported_on) == ("good", D(2024, 3, 16))


def test_fill_and_submit_the_rating_grid_then_a_provincial_officer_approves_it(page, scene):
    expect = _expect()
    year = datetime.date.today().year
    log_in(page, "huyen-a")
    page.click(f"#main-menu a[href='{reverse('ratings:grid')}']")
    page.click(f"a[href='{reverse('ratings:commune_grid', args=[scene.tree.commune_a.code, year])}']")
    page.select_option(f"#id_b{scene.a1.pk}-grade", label="Mạnh")
    page.fill(f"#id_b{scene.a1.pk}-score", "92,5")
    page.select_option(f"#id_b{scene.a2.pk}-grade", label="Khá")
    page.fill(f"#id_b{scene.a2.pk}-note", "Còn thiếu sinh hoạt tháng 7")
    page.click("[data-testid=save-draft]")
    expect(page.locator("[data-testid=line-A1-DOAN]")).to_have_attribute("data-state", "draft")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=line-A1-DOAN]")).to_have_attribute("data-state", "submitted")
    expect(page.locator("[data-testid=line-A2-DOAN]")).to_have_attribute("data-state", "submitted")
    expect(page.locator("[data-testid=approve]")).to_have_count(0)  # district staff do not approve
    snap(page, "rating_grid_submitted")

    page.click("nav form[action$='/logout/'] button")
    log_in(page, "tinh")
    page.click(f"#main-menu a[href='{reverse('ratings:grid')}']")
    page.click(f"a[href='{reverse('ratings:commune_grid', args=[scene.tree.commune_a.code, year])}']")
    for code in ("A1-DOAN", "A2-DOAN"):
        page.locator(f"[data-testid=line-{code}] input[name=selected]").check()
    page.click("[data-testid=approve]")
    expect(page.locator("[data-testid=line-A1-DOAN]")).to_have_attribute("data-state", "approved")
    expect(page.locator("[data-testid=line-A2-DOAN]")).to_have_attribute("data-state", "approved")

    ratings = BranchRating.objects.filter(year=year).order_by("branch__code")
    assert [(r.branch.code, r.grade.code, r.state) for r in ratings] == [
        ("A1-DOAN", "strong", RatingState.APPROVED),
        ("A2-DOAN", "good", RatingState.APPROVED),
    ]
    assert str(ratings[0].score) == "92.50"
    assert all(r.approved_by.username == "tinh" for r in ratings)


def test_open_a_report_and_see_its_chart(page, scene):
    expect = _expect()
    log_in(page, "huyen-a")
    page.goto(reverse("reports:membership"))  # a renamed route fails here (NoReverseMatch), never an xfail
    chart = page.locator("canvas").first
    expect(chart).to_be_visible()
    # Chart.js drew on it.
    page.wait_for_function(
        "() => { const c = document.querySelector('canvas'); return c && window.Chart && Chart.getChart(c); }"
    )
    box = chart.bounding_box()
    assert box["width"] > 100 and box["height"] > 50


def test_on_a_phone_the_menu_folds_and_the_language_switches(page, scene):
    expect = _expect()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "huyen-a")
    page.goto(reverse("members:search"))
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#main-menu")).to_be_hidden()
    toggler.click()
    expect(page.locator("#main-menu")).to_be_visible()
    snap(page, "phone_menu")
    assert page.locator("html").get_attribute("lang") == "vi"
    searches = []
    page.on("request", lambda request: "hx-request" in request.headers and searches.append(request.url))
    page.select_option("#main-menu select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert searches == []  # the language menu is not one of the search filters
