"""Sessions end after SESSION_IDLE_MINUTES without a request, and when the browser closes.

The clock is moved by patching ``django.utils.timezone.now``, which the session store (the
expiry it writes and the one it checks) and core.sessions read. An active session is saved
again at most once a minute, not on every request.
"""

import contextlib
import datetime
import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests import factories
from tests.pages import log_in

PASSWORD = "mat-khau-thu-nghiem"


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)


@contextlib.contextmanager
def moving_clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", lambda: clock.now):
        yield clock


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


def signed_in(client) -> bool:
    response = client.get(reverse("home"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login")), response.url
        return False
    assert response.status_code == 200
    return True


def session_writes(queries) -> list[str]:
    writes = ("UPDATE", "INSERT")
    return [q["sql"] for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(writes)]


def test_the_default_idle_time_is_thirty_minutes_and_the_cookie_ends_with_the_browser(client, staff):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)
    response = client.post(reverse("login"), {"username": "huyen-a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie


def test_a_session_left_alone_for_the_idle_time_ends_at_the_login_page(client, staff):
    with moving_clock() as clock:
        assert log_in(client, "huyen-a", PASSWORD)
        assert signed_in(client)
        clock.advance(minutes=30)
        response = client.get(reverse("members:search"))
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={reverse('members:search')}"
        clock.advance(minutes=1)
        assert not signed_in(client)


def test_a_session_in_use_does_not_end(client, staff):
    with moving_clock() as clock:
        assert log_in(client, "huyen-a", PASSWORD)
        # A page every 28 minutes for six hours: each keeps the session alive.
        for _ in range(13):
            clock.advance(minutes=28)
            assert signed_in(client)
        # Many requests close together, then a pause just under the idle time, minus the minute
        # within which the session is not written again.
        for _ in range(20):
            clock.advance(seconds=25)
            assert signed_in(client)
        clock.advance(minutes=28, seconds=59)
        assert signed_in(client)
        clock.advance(minutes=30)
        assert not signed_in(client)


def test_the_session_is_written_at_most_once_a_minute(client, staff):
    with moving_clock() as clock:
        client.force_login(staff)  # the login saved the session: its first pages do not write it again
        for _ in range(5):
            clock.advance(seconds=10)
            with CaptureQueriesContext(connection) as queries:
                assert signed_in(client)
            assert session_writes(queries) == []
        clock.advance(seconds=15)  # 65 s after the login
        with CaptureQueriesContext(connection) as queries:
            assert signed_in(client)
        assert len(session_writes(queries)) == 1


def test_an_anonymous_visitor_gets_no_session_written(client, db):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("login")).status_code == 200
    assert session_writes(queries) == []
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_logging_out_still_ends_the_session(client, staff):
    with moving_clock() as clock:
        assert log_in(client, "huyen-a", PASSWORD)
        clock.advance(minutes=2)
        assert signed_in(client)
        assert client.post(reverse("logout")).status_code == 302
        assert not signed_in(client)


# --- SESSION_IDLE_MINUTES from the environment -------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(
    [settings.SESSION_IDLE_MINUTES, settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE]
))
"""


def run_settings(**env) -> subprocess.CompletedProcess:
    ours = ("SESSION_IDLE_MINUTES", "DATABASE_URL")
    environment = {key: value for key, value in os.environ.items() if key not in ours}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_the_idle_time_comes_from_the_environment():
    result = run_settings(SESSION_IDLE_MINUTES="10")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [10, 600, True]


def test_an_idle_time_too_short_to_refresh_is_refused_with_a_clear_message():
    result = run_settings(SESSION_IDLE_MINUTES="1")
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES must be at least 2." in result.stderr
