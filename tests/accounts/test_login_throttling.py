"""Login throttling (SPEC 10): wrong passwords lock a username at one address for a while."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.pages import log_in

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
