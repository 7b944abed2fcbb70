"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live server.

No browser is ever downloaded. Without /usr/bin/chromium the tests are skipped with a
reason, except in CI (CI=true), where .ci/run installs it and its absence is a failure.
Each test leaves a screenshot in test-artifacts/screenshots/<database>/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the same
# test (fixtures, assertions) would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# One folder per database: CI runs the suites of both at once.
DATABASE = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / DATABASE


def pytest_collection_modifyitems(config, items):
    # Last of all (after pytest-django's own ordering, which runs first): Playwright's event loop
    # stays in this thread until the session ends, and hides from Django the serialized copy of
    # the database that later ``serialized_rollback`` tests restore (see ``reference_data`` in tests/conftest.py).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (requirements-dev.txt)"
    if missing is None or os.environ.get("CI"):
        return  # in CI the tests run, and fail if the browser is missing
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {missing}"))


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    """A fresh browser tab (Vietnamese, laptop size) on the live server; screenshots at the end."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
