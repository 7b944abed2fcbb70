"""Changing one's own password: a page of the site (in its layout), linked from the user's menu."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from tests import factories
from tests.pages import log_in, says, text

PASSWORD = "mat-khau-thu-nghiem"
NEW_PASSWORD = "mat-khau-moi-2025"


@pytest.fixture
def staff(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


@pytest.fixture
def browser(staff):
    client = Client()
    assert log_in(client, "huyen-a", PASSWORD)
    return client


def test_the_user_menu_links_to_the_page(browser):
    home = browser.get(reverse("home"))
    assert f'href="{reverse("password_change")}"' in text(home)
    with translation.override("vi"):
        assert says(home, gettext("Change password"))


def test_the_page_is_in_the_sites_layout_and_in_vietnamese(browser):
    page = browser.get(reverse("password_change"))
    assert page.status_code == 200
    assert [t.name for t in page.templates][:2] == ["accounts/password_change_form.html", "base.html"]
    with translation.override("vi"):
        assert says(page, gettext("Password change"))
        assert says(page, gettext("Change my password"))
        assert says(page, gettext("Youth Union and association branches"))  # the site's menu, not the admin's
    assert 'class="form-control' in text(page)


def test_a_wrong_old_password_is_said_under_the_field_and_changes_nothing(browser, staff):
    response = browser.post(
        reverse("password_change"),
        {"old_password": "khong-dung", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["old_password"]
    with translation.override("vi"):
        wrong = gettext("Your old password was entered incorrectly. Please enter it again.")
        assert says(response, wrong)
    assert 'id="id_old_password"' in text(response) and 'aria-invalid="true"' in text(response)
    browser.logout()
    assert log_in(Client(), "huyen-a", PASSWORD)
    assert not log_in(Client(), "huyen-a", NEW_PASSWORD)


def test_new_passwords_that_differ_are_refused(browser):
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert not log_in(Client(), "huyen-a", NEW_PASSWORD)


def test_after_the_change_the_new_password_logs_in_and_this_browser_stays_signed_in(browser):
    other_browser = Client()
    assert log_in(other_browser, "huyen-a", PASSWORD)
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    with translation.override("vi"):
        assert says(response, gettext("Your password was changed."))
    assert browser.get(reverse("home")).status_code == 200
    # Another browser signed in with the old password is signed out.
    stale = other_browser.get(reverse("home"))
    assert stale.status_code == 302 and stale.url.startswith(reverse("login"))
    assert not log_in(Client(), "huyen-a", PASSWORD)
    assert log_in(Client(), "huyen-a", NEW_PASSWORD)


def test_the_admin_keeps_its_own_password_page(db):
    client = Client()
    client.force_login(factories.admin_user())
    page = client.get(reverse("admin:password_change"))
    assert page.status_code == 200
    assert "admin/base_site.html" in [t.name for t in page.templates]
