"""The pages work in Chromium under the Content-Security-Policy: no violation, no console error.

One live-server test (one database flush): district staff open the dashboard, a report and its
chart, the live member search (htmx), an import following its progress, the password page and
the language menu; an administrator opens the admin's lists and account form. Every violation
of the policy (the ``securitypolicyviolation`` event), every console error and every uncaught
exception is collected and must be none; a script the policy refuses, run at the end, shows the
listener hears violations.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests import factories
from tests.browser.test_flows import PASSWORD, _expect, snap
from workbooks.models import BatchState, ImportBatch, ImportKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  const text = `${event.effectiveDirective} ${event.blockedURI || "inline"} at ${where}`;
  window.cspViolations.push(text);
  window.reportViolation(text);
});
"""


class Watch:
    """What the pages of one browser context say went wrong."""

    def __init__(self, context):
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.policies: dict[str, str | None] = {}
        context.expose_function("reportViolation", lambda text: self.violations.append(text))
        context.add_init_script(LISTENER)

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.errors.append(f"{message.text} ({message.location['url']})")
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on(
            "response",
            lambda response: (
                response.request.resource_type == "document"
                and self.policies.__setitem__(response.url, response.headers.get("content-security-policy"))
            ),
        )


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_pages_run_under_the_policy_without_errors(chromium, live_server, reference_data):
    expect = _expect()
    tree = factories.area_tree()
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    a2 = factories.branch(tree.hamlet_a2, code="A2-DOAN", name="Chi đoàn Tân Thạnh")
    factories.rating(a1, year=2024, grade_code="strong", state="approved")
    factories.rating(a2, year=2024, grade_code="good", state="draft")
    for name, hamlet, branch in (("Nguyễn Văn Ánh", tree.hamlet_a1, a1), ("Nguyễn Văn Anh", tree.hamlet_a2, a2)):
        factories.membership(branch, person=factories.person(name, residence=hamlet))
    staff = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    factories.admin_user()
    batch = ImportBatch.objects.create(
        kind=ImportKind.MEMBERS,
        state=BatchState.READING,
        created_by=staff,
        area=tree.district_a,
        file_name="doan-vien.xlsx",
        file_sha256="0" * 64,
        file_size=2048,
        progress_stage="Reading",
        progress_done=3,
        progress_total=10,
        heartbeat_at=timezone.now() + datetime.timedelta(hours=1),
    )

    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    watch = Watch(context)
    page = context.new_page()
    watch.attach(page)
    try:
        log_in(page, "huyen-a")

        # The dashboard, with its bar of rated branches drawn by page.js.
        page.goto(reverse("home"))
        bar = page.locator("[data-testid=rated-share] .progress-bar")
        expect(bar).to_have_attribute("data-bar-width", "50.00")
        track = page.locator("[data-testid=rated-share]").bounding_box()["width"]
        assert bar.bounding_box()["width"] == pytest.approx(track / 2, abs=1)

        # A report with its chart (Chart.js).
        page.goto(reverse("reports:membership"))
        page.wait_for_function(
            "() => { const c = document.querySelector('canvas'); return c && window.Chart && Chart.getChart(c); }"
        )

        # The live member search (htmx).
        page.goto(reverse("members:search"))
        page.wait_for_load_state()
        page.fill("#id_q", "nguyen van anh")
        expect(page.locator("[data-testid=members] tbody tr")).to_have_count(2)

        # An import followed while the worker reads it, then shown once read.
        page.goto(reverse("workbooks:batch", args=[batch.pk]))
        expect(page.locator("#progress-bar")).to_have_text("30%")
        ImportBatch.objects.filter(pk=batch.pk).update(progress_done=7)
        expect(page.locator("#progress-bar")).to_have_text("70%")
        assert page.locator("#progress-bar").bounding_box()["width"] > 0
        ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.PREVIEWED, heartbeat_at=None)
        expect(page.locator("[data-testid=progress]")).to_have_count(0)  # the page reloaded itself

        # The password page, and the language menu (sent on change, by page.js).
        page.click("[data-testid=password-change]")
        expect(page.locator("#id_old_password")).to_be_visible()
        page.select_option("nav select[name=language]", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.select_option("nav select[name=language]", "vi")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        page.click("nav form[action$='/logout/'] button")
        expect(page.locator("#id_username")).to_be_visible()

        # The admin: lists with filters and import buttons, and an account's form (its area picker).
        log_in(page, "quantri")
        page.goto(reverse("admin:index"))
        page.goto(reverse("admin:accounts_user_changelist"))
        expect(page.locator("#result_list")).to_be_visible()
        page.goto(reverse("admin:members_person_changelist"))
        expect(page.locator("#result_list")).to_be_visible()
        page.goto(reverse("admin:accounts_user_change", args=[staff.pk]))
        page.click(".select2-selection")  # the area's autocomplete (select2)
        expect(page.locator(".select2-results__option").first).to_be_visible()
        page.keyboard.press("Escape")
        page.goto(reverse("admin:auth_user_password_change", args=[staff.pk]))
        expect(page.locator("#id_password1")).to_be_visible()
        snap(page, "csp_admin_password")

        assert watch.violations == []
        assert watch.errors == []
        assert watch.policies and all(policy and "script-src 'self'" in policy for policy in watch.policies.values())

        # The listener hears a violation: an inline script is refused.
        page.evaluate("() => { const s = document.createElement('script'); s.text = '1'; document.body.append(s); }")
        page.wait_for_function("() => window.cspViolations.length > 0")
        assert page.evaluate("() => window.cspViolations")[0].startswith("script-src-elem inline")
    finally:
        context.close()
