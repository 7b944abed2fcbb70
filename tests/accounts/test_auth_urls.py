"""The account pages that work and nothing else (issue 15, point 3).

No mail is configured, so a password reset mail would go nowhere (or fail with a 500 where no mail
server answers) while an unknown address is simply redirected: the reset pages would only tell a
stranger which addresses have accounts. Administrators reset passwords from the admin instead.
Every URL that ``django.contrib.auth.urls`` offers is tried here, anonymously.
"""

import pytest
from django.contrib.auth import urls as auth_urls
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from accounts.models import Role
from tests import factories
from tests.pages import log_in, says, text

PASSWORD = "mat-khau-thu-nghiem"
KEPT = {"login", "logout", "password_change", "password_change_done"}
RESET = {pattern.name for pattern in auth_urls.urlpatterns} - KEPT


@pytest.fixture
def staff(tree):
    user = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    user.email = "huyen-a@chidoan.example.vn"
    user.save()
    return user


def auth_url(name: str, user=None) -> str:
    """Where ``django.contrib.auth.urls`` puts page ``name`` under /accounts/ (a real reset link for ``user``)."""
    (pattern,) = [pattern for pattern in auth_urls.urlpatterns if pattern.name == name]
    route = str(pattern.pattern)
    if user is not None:
        uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    else:
        uid, token = "MTIzNDU2", "set-password"
    return "/accounts/" + route.replace("<uidb64>", uid).replace("<token>", token)


def test_the_reset_pages_are_the_ones_django_offers_beyond_login_logout_and_password_change():
    assert {
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    } == RESET


@pytest.mark.parametrize("name", sorted(RESET))
def test_every_reset_page_answers_404(client, staff, name):
    for user in (staff, None):
        assert client.get(auth_url(name, user)).status_code == 404
        assert client.post(auth_url(name, user), {"new_password1": "x", "new_password2": "x"}).status_code == 404


@pytest.mark.parametrize("email", ["huyen-a@chidoan.example.vn", "nobody@chidoan.example.vn"])
def test_asking_for_a_reset_answers_404_for_known_and_unknown_addresses_alike(client, staff, mailoutbox, email):
    response = client.post(auth_url("password_reset"), {"email": email})
    assert response.status_code == 404
    assert mailoutbox == []


def test_no_reset_route_is_left_to_link_to():
    from django.urls import NoReverseMatch

    for name in (*RESET, "admin_password_reset"):
        with pytest.raises(NoReverseMatch):
            reverse(name, kwargs={"uidb64": "x", "token": "y"} if name == "password_reset_confirm" else None)


def test_no_page_links_to_a_reset_page(client, staff):
    pages = [client.get(reverse("login")), client.get(reverse("admin:login"))]
    client.force_login(staff)
    pages += [client.get(reverse("home")), client.get(reverse("admin:index")), client.get(reverse("password_change"))]
    for page in pages:
        assert page.status_code == 200
        assert "/accounts/password_reset/" not in text(page)
        assert "/accounts/reset/" not in text(page)
        with translation.override("vi"):
            # The admin login's "Forgotten your password or username?" link is shown only with a reset route.
            assert not says(page, gettext("Forgotten your password or username?"))


def test_login_and_logout_still_work(client, staff):
    assert client.get(auth_url("login")).status_code == 200
    assert log_in(client, "huyen-a", PASSWORD)
    assert client.get(reverse("home")).status_code == 200

    response = client.post(auth_url("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.session.get("_auth_user_id") is None
    assert client.get(reverse("home")).status_code == 302


def test_changing_ones_own_password_works_and_needs_a_login(client, staff):
    anonymous = client.get(auth_url("password_change"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert client.get(auth_url("password_change_done")).status_code == 302

    assert log_in(client, "huyen-a", PASSWORD)
    page = client.get(auth_url("password_change"))
    assert page.status_code == 200
    with translation.override("vi"):
        assert says(page, gettext("Password change"))
    response = client.post(
        auth_url("password_change"),
        {"old_password": PASSWORD, "new_password1": "mat-khau-moi-2025", "new_password2": "mat-khau-moi-2025"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    done = client.get(response.url)
    assert done.status_code == 200
    with translation.override("vi"):
        assert says(done, gettext("Your password was changed."))

    client.logout()
    assert not log_in(client, "huyen-a", PASSWORD)
    assert log_in(client, "huyen-a", "mat-khau-moi-2025")
