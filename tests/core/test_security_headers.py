"""Browser hardening (SPEC 4 and 10): the security headers on every kind of response, and no inline script.

The Content-Security-Policy allows scripts and styles only from the site's own files, so an
inline ``<script>``, an ``onchange=`` handler or a ``style=`` attribute would simply not work in
the browser. The templates are scanned here (tests/browser/test_csp.py watches real pages).
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests import factories

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "display-capture")


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_hardened(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy == directives(POLICY)
    permissions = {item.split("=")[0]: item.split("=")[1] for item in response["Permissions-Policy"].split(", ")}
    for feature in DENIED_FEATURES:
        assert permissions[feature] == "()", feature
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


def test_scripts_may_come_only_from_the_site():
    policy = directives(POLICY)
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], directive
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_site_pages_carry_the_headers(client, staff):
    assert_hardened(client.get(reverse("login")))
    client.force_login(staff)
    for name in ("home", "members:search", "workbooks:import", "password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_hardened(response)


def test_the_admin_carries_the_headers(client, db):
    assert_hardened(client.get(reverse("admin:login")))
    client.force_login(factories.admin_user())
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist"), reverse("admin:accounts_user_add")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)


def test_error_pages_carry_the_headers(settings, staff):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert_hardened(not_found)
    failing = client.get("/fails/")
    assert failing.status_code == 500
    assert_hardened(failing)

    refused = Client(enforce_csrf_checks=True)
    refused.force_login(staff)
    csrf = refused.post(reverse("logout"))
    assert csrf.status_code == 403
    assert_hardened(csrf)


def test_every_page_has_the_htmx_settings_that_keep_it_within_the_policy(client, staff):
    client.force_login(staff)
    html = client.get(reverse("members:search")).content.decode()
    (config,) = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert '"includeIndicatorStyles": false' in config  # no <style> of its own
    assert '"allowEval": false' in config  # no eval(), which 'unsafe-eval' would need


# --- No inline script, handler or style in any template -------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE)
INLINE = {
    "inline <script>": INLINE_SCRIPT,
    "on… handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"\shx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
}


def project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and ".venv" not in Path(config.path).parts
    ]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


def inline_code(html: str) -> list[str]:
    return [f"{kind}: {match.group(0)}" for kind, pattern in INLINE.items() for match in pattern.finditer(html)]


def test_the_scan_finds_what_it_looks_for():
    assert inline_code('<select onchange="this.form.submit()">')
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<div style="width: 5%">')
    assert inline_code('<a href="javascript:void(0)">')
    assert not inline_code('<script src="/static/js/page.js"></script><div data-bar-width="5" class="mw-40rem">')
    assert not inline_code('<script id="chart-data" type="application/json">{}</script>')


def test_no_template_of_the_project_holds_inline_script_handlers_or_styles():
    templates = project_templates()
    assert any(path.name == "base.html" for path in templates)
    assert any(path.parts[-2:] == ("workbooks", "batch.html") for path in templates)
    found = {str(path): inline_code(path.read_text()) for path in templates}
    assert {path: items for path, items in found.items() if items} == {}


def test_the_rendered_pages_hold_none_either(client, tree, staff):
    """What Python writes into pages (widgets, format_html) as well as the templates."""
    factories.rating(factories.branch(tree.hamlet_a1, code="A1-DOAN"), state="approved")
    client.force_login(staff)
    names = ("home", "members:search", "ratings:grid", "branches:browse")
    pages = [client.get(reverse(name), follow=True) for name in names]
    client.force_login(factories.admin_user())
    pages += [
        client.get(reverse("admin:accounts_user_changelist")),
        client.get(reverse("admin:accounts_user_change", args=[staff.pk])),
        client.get(reverse("admin:auth_user_password_change", args=[staff.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == [], response.wsgi_request.path
