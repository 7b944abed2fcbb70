"""Administrators disable, enable and reset accounts in the admin; a disabled account is shut out at once."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts.models import Role, User
from tests import factories
from tests.pages import log_in, says

PASSWORD = "mat-khau-thu-nghiem"
NEW_PASSWORD = "mat-khau-moi-2025"
RESET = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


@pytest.fixture
def administrator(db):
    client = Client()
    client.force_login(factories.admin_user())
    return client


def signed_in_client(username: str) -> Client:
    """A browser where ``username`` logged in, as they do, with the login page."""
    client = Client()
    assert log_in(client, username, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    return client


def is_shut_out(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def run_action(administrator: Client, action: str, *users: User):
    return administrator.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_the_account_list_offers_to_disable_and_enable_accounts(administrator, staff):
    page = administrator.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    assert 'value="disable_accounts"' in page.content.decode()
    assert 'value="enable_accounts"' in page.content.decode()
    with translation.override("vi"):
        assert says(page, gettext("Disable the selected accounts"))


def test_disabling_an_account_ends_its_sessions_and_its_logins(administrator, staff, tree):
    other = factories.user(Role.DISTRICT, tree.district_b, username="huyen-b")
    browser = signed_in_client("huyen-a")
    second_browser = signed_in_client("huyen-a")
    others_browser = signed_in_client("huyen-b")

    response = run_action(administrator, "disable_accounts", staff)
    assert response.status_code == 200
    message = "%(count)d account disabled: it can no longer log in, and its open sessions have ended."
    with translation.override("vi"):
        assert says(response, ngettext(message, message, 1) % {"count": 1})
    staff.refresh_from_db()
    assert not staff.is_active
    assert is_shut_out(browser) and is_shut_out(second_browser)
    assert not log_in(Client(), "huyen-a", PASSWORD)
    # Nobody else is touched.
    assert not is_shut_out(others_browser)
    other.refresh_from_db()
    assert other.is_active

    # Enabled again, the account logs in anew; its old sessions do not come back.
    run_action(administrator, "enable_accounts", staff)
    staff.refresh_from_db()
    assert staff.is_active
    assert is_shut_out(browser)
    assert log_in(Client(), "huyen-a", PASSWORD)


def test_the_disable_action_records_who_disabled_the_account(administrator, staff):
    run_action(administrator, "disable_accounts", staff)
    last = staff.history.order_by("-history_date").first()
    assert last.is_active is False
    assert last.history_user.username == "quantri"


def test_unticking_active_on_the_account_page_ends_its_sessions(administrator, staff):
    browser = signed_in_client("huyen-a")
    page = administrator.get(reverse("admin:accounts_user_change", args=[staff.pk]))
    form = page.context["adminform"].form
    assert "is_active" in form.fields and not form.fields["is_active"].disabled
    data = {"username": staff.username, "role": staff.role, "area": staff.area_id, "is_staff": "on"}  # not is_active
    response = administrator.post(reverse("admin:accounts_user_change", args=[staff.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert not staff.is_active
    assert is_shut_out(browser)
    assert not Session.objects.filter(session_key=browser.session.session_key).exists()


def test_an_administrator_cannot_disable_their_own_account(db):
    me = factories.admin_user()
    client = Client()
    client.force_login(me)
    response = run_action(client, "disable_accounts", me)
    with translation.override("vi"):
        assert says(response, gettext("You cannot disable your own account."))
    me.refresh_from_db()
    assert me.is_active
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_administrator_sets_a_forgotten_password(administrator, staff):
    browser = signed_in_client("huyen-a")
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    assert administrator.get(url).status_code == 200
    response = administrator.post(url, RESET)
    assert response.status_code == 302
    assert is_shut_out(browser)  # the old password's session ends with it
    assert not log_in(Client(), "huyen-a", PASSWORD)
    assert log_in(Client(), "huyen-a", NEW_PASSWORD)


def test_staff_of_a_district_can_neither_disable_nor_reset_accounts(client, staff, tree):
    other = factories.user(Role.DISTRICT, tree.district_b, username="huyen-b")
    client.force_login(staff)
    assert client.get(reverse("admin:auth_user_password_change", args=[other.pk])).status_code in (403, 404)
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    response = client.post(url, RESET)
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "disable_accounts", "_selected_action": [other.pk]}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active
    assert log_in(Client(), "huyen-b", PASSWORD)
