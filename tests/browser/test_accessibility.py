"""axe-core on the pages used every day: no serious or critical accessibility violation.

axe-playwright-python bundles axe-core; it runs in the page, on what Chromium rendered (contrast,
labels, names, landmarks, ARIA). One login visits the six pages, to keep the browser run short.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.browser.test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_the_daily_pages_have_no_serious_accessibility_violation(page, reference_data):
    tree = factories.area_tree()
    branch = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    person = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, birth_year=1999)
    factories.membership(branch, person=person, joined_on=datetime.date(2020, 1, 1))
    factories.meeting(branch, held_on=datetime.date(2024, 3, 10), present=1, on_roll=1)
    factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    year = datetime.date.today().year

    log_in(page, "huyen-a")
    pages = {
        "dashboard": reverse("home"),
        "member search": reverse("members:search") + "?q=anh",
        "person page": reverse("members:person", args=[person.pk]),
        "membership report": reverse("reports:membership"),
        "rating grid": reverse("ratings:commune_grid", args=[tree.commune_a.key, year]),
        "meeting form": reverse("meetings:add", args=[branch.pk]),
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")  # charts and htmx fragments drawn
        if violations := blocking_violations(page):
            found[name] = violations
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(v) for name, v in found.items())
