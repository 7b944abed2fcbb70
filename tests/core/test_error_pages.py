"""The interface language, and the error pages users meet: Vietnamese, in the layout, with a way back."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid)


def logged_in(user, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    return client


@pytest.fixture
def commune_user(tree):
    return factories.user("commune", tree.commune_a)


def assert_site_error_page(response, status: int, title: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="error-page"' in html, "Django's page, not the site's"
    assert vi(title) in html
    assert vi("Youth Union and association branches") in html  # the site's layout
    assert f'href="{reverse("home")}"' in html  # a way back
    for debug_words in ("Not Found", "URLconf", "Traceback", "Forbidden", "Server Error"):
        assert debug_words not in html
    return html


def test_the_interface_is_vietnamese_whatever_the_browser_asks(commune_user):
    client = logged_in(commune_user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert vi("Log out") in html and "Log out" not in html


def test_a_chosen_language_is_kept_for_a_year(commune_user):
    client = logged_in(commune_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in html and "Log out" in html
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("home")})
    assert '<html lang="vi">' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_answers_the_sites_404(settings, commune_user, debug):
    settings.DEBUG = debug
    response = logged_in(commune_user).get("/no-such-page/", HTTP_REFERER="http://testserver/members/")
    html = assert_site_error_page(response, 404, "Page not found")
    assert 'href="http://testserver/members/"' in html  # back where the user came from


@pytest.mark.parametrize("debug", [False, True])
def test_an_object_outside_the_area_answers_the_sites_404(settings, tree, commune_user, debug):
    settings.DEBUG = debug
    other = factories.branch(tree.hamlet_b1)
    response = logged_in(commune_user).get(reverse("branches:branch", args=[other.pk]))
    assert_site_error_page(response, 404, "Page not found")


def test_a_referer_from_another_site_is_no_way_back(commune_user):
    response = logged_in(commune_user).get("/no-such-page/", HTTP_REFERER="https://example.com/x")
    assert "example.com" not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_forbidden_page_answers_the_sites_403(settings, tree, debug):
    settings.DEBUG = debug
    reader = factories.user("province", tree.province)
    response = logged_in(reader).get(reverse("branches:branch_add", args=[tree.hamlet_a1.key]))
    assert_site_error_page(response, 403, "You may not open this page")


@pytest.mark.parametrize("debug", [False, True])
def test_a_failing_page_answers_the_sites_500(settings, commune_user, debug):
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "tests.core.error_urls"
    response = logged_in(commune_user, raise_request_exception=False).get("/fails/")
    assert_site_error_page(response, 500, "Something went wrong on our side")


@pytest.mark.parametrize("debug", [False, True])
def test_an_expired_form_answers_the_sites_csrf_page(settings, commune_user, debug):
    settings.DEBUG = debug
    client = logged_in(commune_user, enforce_csrf_checks=True)
    response = client.post(reverse("logout"))
    html = assert_site_error_page(response, 403, "The form has expired")
    assert vi("Go back, reload the page and send the form again.") in html
    assert client.get(reverse("home")).status_code == 200  # still logged in: nothing happened


def test_the_500_page_stands_alone_when_the_layout_cannot_be_drawn(settings, commune_user, monkeypatch):
    settings.ROOT_URLCONF = "tests.core.error_urls"

    def database_down(*args, **kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr("core.errors.render", database_down)
    response = logged_in(commune_user, raise_request_exception=False).get("/fails/")
    html = response.content.decode()
    assert response.status_code == 500
    assert vi("Something went wrong on our side") in html
    assert vi("Log out") not in html  # no menu: it needs the user's session
