"""Login throttling (SPEC 10): wrong passwords lock a username at one address for a while."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts.models import Role
from tests import factories
from tests.pages import log_in, says

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


def fail(client, username: str, times: int):
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"})
        assert client.session.get("_auth_user_id") is None
    return response


def test_wrong_passwords_up_to_the_limit_still_let_the_right_one_in(client, staff, settings):
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "huyen-a", PASSWORD)


def test_at_the_limit_even_the_right_password_is_refused_with_a_vietnamese_page(client, staff, settings):
    response = fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    response = client.post(reverse("login"), {"username": "huyen-a", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Hãy thử lại sau {minutes} phút" in page
    assert client.session.get("_auth_user_id") is None
    assert client.get(reverse("home")).status_code == 302  # still sent to the login page


def test_the_lock_holds_one_username_at_one_address(client, tree, staff, settings):
    factories.user(Role.DISTRICT, tree.district_b, username="huyen-b")
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT)

    assert log_in(client, "huyen-b", PASSWORD)  # a colleague in the same office
    client.logout()
    other_address = client.post(
        reverse("login"), {"username": "huyen-a", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert other_address.status_code == 302
    client.logout()
    assert not log_in(client, "huyen-a", PASSWORD)


def test_after_the_cool_off_the_account_opens_again(client, staff, settings):
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT)
    assert not log_in(client, "huyen-a", PASSWORD)

    past = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    assert log_in(client, "huyen-a", PASSWORD)


def test_a_successful_login_forgets_the_earlier_mistakes(client, staff, settings):
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "huyen-a", PASSWORD)
    client.logout()
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "huyen-a", PASSWORD)


def test_an_administrator_unlocks_an_account_from_the_command_line(client, staff, settings):
    fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "huyen-a", stdout=io.StringIO())
    assert log_in(client, "huyen-a", PASSWORD)


def test_the_admin_login_is_throttled_too(client, tree, settings):
    factories.admin_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "quantri", "password": "sai-mat-khau"})
    response = client.post(reverse("admin:login"), {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 429
    assert client.session.get("_auth_user_id") is None


# --- Per address (issue 15, point 4): one address may not try a few passwords on every username ---------

OTHER_ADDRESS = "203.0.113.7"


@pytest.fixture
def per_address_limit(settings):
    """A per-address limit above the per-username one (as LOGIN_FAILURE_LIMIT_PER_ADDRESS must be)."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3 * settings.AXES_FAILURE_LIMIT - 1
    return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def try_usernames(client, times: int, url: str = "", **extra):
    """``times`` wrong passwords, each for another username (none of them reaches the per-username limit)."""
    for number in range(times):
        response = client.post(
            url or reverse("login"), {"username": f"thu-{number}", "password": "sai-mat-khau"}, **extra
        )
    return response


def says_address_locked(response, minutes: int) -> bool:
    with translation.override(response.get("Content-Language") or "vi"):
        title = gettext("Too many failed logins")
        body = ngettext(
            "Logins from this network address have been refused after too many wrong passwords. Try again in "
            "%(minutes)s minute, or ask an administrator to unlock it.",
            "Logins from this network address have been refused after too many wrong passwords. Try again in "
            "%(minutes)s minutes, or ask an administrator to unlock it.",
            minutes,
        ) % {"minutes": minutes}
    return response.status_code == 429 and says(response, title) and says(response, body)


def test_one_address_trying_many_usernames_is_locked_at_the_per_address_limit(
    client, staff, settings, per_address_limit
):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert try_usernames(client, per_address_limit - 1).status_code == 200  # the login form again
    response = try_usernames(client, 1)
    assert response["Content-Language"] == "vi"
    assert says_address_locked(response, minutes)

    # Even the right password of an account nobody tried is refused at that address ...
    refused = client.post(reverse("login"), {"username": "huyen-a", "password": PASSWORD})
    assert says_address_locked(refused, minutes)
    assert client.session.get("_auth_user_id") is None
    # ... and accepted at another.
    accepted = client.post(reverse("login"), {"username": "huyen-a", "password": PASSWORD}, REMOTE_ADDR=OTHER_ADDRESS)
    assert accepted.status_code == 302
    assert client.session.get("_auth_user_id") == str(staff.pk)


def test_an_offices_typos_below_the_per_address_limit_lock_no_colleague(
    client, tree, staff, settings, per_address_limit
):
    colleagues = ["huyen-b", "huyen-c"]
    for username in colleagues:
        factories.user(Role.DISTRICT, tree.district_b, username=username)
        fail(client, username, settings.AXES_FAILURE_LIMIT - 1)
    assert per_address_limit > 2 * (settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "huyen-a", PASSWORD)


def test_a_successful_login_does_not_forget_the_addresss_other_failures(client, staff, per_address_limit):
    try_usernames(client, per_address_limit - 1)
    assert log_in(client, "huyen-a", PASSWORD)  # one valid account must not wipe the address's count
    client.logout()
    assert try_usernames(client, 1).status_code == 429


def test_the_per_username_limit_still_holds_below_the_per_address_one(client, staff, settings, per_address_limit):
    response = fail(client, "huyen-a", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert not says_address_locked(response, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    assert client.post(reverse("login"), {"username": "huyen-a", "password": PASSWORD}).status_code == 429


def test_the_admin_login_is_locked_per_address_too(client, tree, settings, per_address_limit):
    factories.admin_user()
    assert try_usernames(client, per_address_limit, url=reverse("admin:login")).status_code == 429
    response = client.post(reverse("admin:login"), {"username": "quantri", "password": PASSWORD})
    assert says_address_locked(response, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    assert client.session.get("_auth_user_id") is None
    other = client.post(
        reverse("admin:login"), {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR=OTHER_ADDRESS
    )
    assert other.status_code == 302


def test_the_per_address_lock_ends_after_the_cool_off(client, staff, settings, per_address_limit):
    try_usernames(client, per_address_limit)
    assert not log_in(client, "huyen-a", PASSWORD)
    past = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    assert log_in(client, "huyen-a", PASSWORD)


def test_an_administrator_unlocks_an_address_from_the_command_line(client, staff, per_address_limit):
    try_usernames(client, per_address_limit)
    assert not log_in(client, "huyen-a", PASSWORD)
    call_command("axes_reset_ip", "127.0.0.1", stdout=io.StringIO())
    assert log_in(client, "huyen-a", PASSWORD)


# --- Behind a reverse proxy: every request comes from the proxy's address ----------------------------

PROXY = {"REMOTE_ADDR": "10.0.0.2"}


def test_behind_a_trusted_proxy_one_client_locked_per_address_does_not_lock_the_others(
    client, staff, settings, per_address_limit
):
    settings.TRUST_X_FORWARDED_FOR = True
    # The proxy appends the address it sees; what comes before is the client's to write.
    assert try_usernames(client, per_address_limit, HTTP_X_FORWARDED_FOR="203.0.113.9", **PROXY).status_code == 429
    forged = client.post(
        reverse("login"),
        {"username": "huyen-a", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9",
        **PROXY,
    )
    assert forged.status_code == 429
    other_client = client.post(
        reverse("login"), {"username": "huyen-a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.20", **PROXY
    )
    assert other_client.status_code == 302


def test_an_untrusted_forwarded_address_does_not_escape_the_lock(client, staff, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "huyen-a", "password": "sai-mat-khau"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    response = client.post(
        reverse("login"), {"username": "huyen-a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.200"
    )
    assert response.status_code == 429
