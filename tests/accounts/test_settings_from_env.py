"""Security settings read from the environment (issue 15, points 4 and 7), each in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from axes.helpers import get_client_ip_address
request = RequestFactory().get(
    "/", headers={"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.1, 203.0.113.9"}, REMOTE_ADDR="10.0.0.2"
)
print(json.dumps({
    "secure": request.is_secure(),
    "address": get_client_ip_address(request),  # the address django-axes counts logins at
    "per_address": getattr(settings, "LOGIN_FAILURE_LIMIT_PER_ADDRESS", None),
}))
"""
OURS = ("TRUST_X_FORWARDED_PROTO", "TRUST_X_FORWARDED_FOR", "LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_LIMIT_PER_ADDRESS")


def run_settings(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in OURS and key != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def settings_from(**env) -> dict:
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_no_forwarded_header_is_trusted():
    probe = settings_from()
    assert probe["secure"] is False  # X-Forwarded-Proto: https from anyone does not make a request secure
    assert probe["address"] == "10.0.0.2"  # nor does X-Forwarded-For change the address logins are counted at


@pytest.mark.parametrize("value", ["0", "off", "false"])
def test_turned_off_explicitly_nothing_is_trusted_either(value):
    probe = settings_from(TRUST_X_FORWARDED_PROTO=value, TRUST_X_FORWARDED_FOR=value)
    assert (probe["secure"], probe["address"]) == (False, "10.0.0.2")


def test_behind_a_proxy_that_says_so_a_forwarded_https_request_is_secure():
    probe = settings_from(TRUST_X_FORWARDED_PROTO="1")
    assert probe["secure"] is True
    assert probe["address"] == "10.0.0.2"


def test_behind_a_proxy_that_appends_the_client_address_logins_count_at_the_address_it_appended():
    probe = settings_from(TRUST_X_FORWARDED_FOR="1")
    assert probe["address"] == "203.0.113.9"  # the last entry; the ones before it came from the client
    assert probe["secure"] is False


def test_the_per_address_limit_is_30_unless_configured():
    assert settings_from()["per_address"] == 30
    assert settings_from(LOGIN_FAILURE_LIMIT_PER_ADDRESS="50")["per_address"] == 50


def test_a_per_address_limit_below_the_per_username_one_is_refused():
    result = run_settings(LOGIN_FAILURE_LIMIT="5", LOGIN_FAILURE_LIMIT_PER_ADDRESS="4")
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT_PER_ADDRESS" in result.stderr


def test_in_this_test_run_no_forwarded_header_is_trusted(rf):
    request = rf.get("/", headers={"x-forwarded-proto": "https"})
    assert request.is_secure() is False
