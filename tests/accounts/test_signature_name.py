"""Accounts carry the full name and position that sign their documents (issue 14, point 6)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from tests import factories

PASSWORD = "mat-khau-thu-nghiem"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"full_name": "Phạm Thị Ngọc Hân", "first_name": "Hân", "last_name": "Phạm"}, "Phạm Thị Ngọc Hân"),
        ({"first_name": "Hân", "last_name": "Phạm"}, "Hân Phạm"),
        ({"full_name": "   "}, "can-bo-xa"),
        ({}, "can-bo-xa"),
    ],
)
def test_signature_name_falls_back_to_first_and_last_name_then_the_login(tree, fields, expected):
    user = factories.user(Role.COMMUNE, tree.commune_a, username="can-bo-xa")
    for name, value in fields.items():
        setattr(user, name, value)
    assert user.signature_name == expected


def test_add_user_records_the_full_name_and_position(tree):
    with translation.override("en"):
        call_command(
            "add_user",
            "xa-tan-my",
            "--role",
            Role.COMMUNE,
            "--area",
            tree.commune_a.code,
            "--password",
            PASSWORD,
            "--full-name",
            "Phạm Thị Ngọc Hân",
            "--position",
            "Phó Bí thư Đoàn xã Tân Mỹ",
            stdout=io.StringIO(),
        )
    user = User.objects.get(username="xa-tan-my")
    assert (user.full_name, user.position) == ("Phạm Thị Ngọc Hân", "Phó Bí thư Đoàn xã Tân Mỹ")


def test_an_administrator_gives_an_account_its_full_name_and_position_in_the_admin(client, tree):
    admin = factories.admin_user()
    user = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = client.get(url).content.decode()
    assert 'name="full_name"' in page and 'name="position"' in page

    response = client.post(
        url,
        {
            "username": "huyen-a",
            "role": Role.DISTRICT,
            "area": tree.district_a.pk,
            "full_name": "Lê Hoàng Phúc",
            "position": "Phó Bí thư Huyện Đoàn Thanh Bình",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.full_name, user.position) == ("Lê Hoàng Phúc", "Phó Bí thư Huyện Đoàn Thanh Bình")
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Lê Hoàng Phúc" in listing and "Phó Bí thư Huyện Đoàn Thanh Bình" in listing


def test_the_menu_names_the_user_by_the_full_name(client, tree):
    user = factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    user.full_name = "Lê Hoàng Phúc"
    user.save()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    block = page[page.index('data-testid="current-user"') :]
    assert "Lê Hoàng Phúc" in block[: block.index("</div>\n")]
