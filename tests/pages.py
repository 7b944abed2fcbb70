"""Fixtures shared by the page tests: the same objects in district A and district B, and one user per role.

Each test folder's conftest imports them (``from tests.pages import *``).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from tests import factories

D = datetime.date


@pytest.fixture
def world(tree):
    """Two branches of the Youth Union in district A (two hamlets of one commune), one in district B."""
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    a2 = factories.branch(tree.hamlet_a2, code="A2-DOAN", name="Chi đoàn Tân Thạnh")
    b1 = factories.branch(tree.hamlet_b1, code="B1-DOAN", name="Chi đoàn Bình Hòa")
    anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, cccd=factories.cccd(), phone="0912345678")
    dung = factories.person("Đặng Thị Dung", gender="female", birth_year=1998, residence=tree.hamlet_a1)
    be = factories.person("Lê Văn Bê", residence=tree.hamlet_b1, cccd=factories.cccd())
    meeting_a = factories.meeting(a1, held_on=D(2024, 3, 10), present=1, on_roll=2)
    meeting_b = factories.meeting(b1, held_on=D(2024, 3, 12), present=1, on_roll=1)
    return SimpleNamespace(
        tree=tree,
        a1=a1,
        a2=a2,
        b1=b1,
        anh=anh,
        dung=dung,
        be=be,
        membership_anh=factories.membership(a1, person=anh, joined_on=D(2020, 1, 1)),
        membership_dung=factories.membership(a1, person=dung, joined_on=D(2021, 5, 1)),
        membership_be=factories.membership(b1, person=be, joined_on=D(2020, 1, 1)),
        meeting_a=meeting_a,
        meeting_b=meeting_b,
        visit_a=factories.cadre_visit(meeting_a, "Cán bộ Alpha"),
        visit_b=factories.cadre_visit(meeting_b, "Cán bộ Beta"),
    )


@pytest.fixture
def district_a(tree):
    return factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")


@pytest.fixture
def district_b(tree):
    return factories.user(Role.DISTRICT, tree.district_b, username="huyen-b")


@pytest.fixture
def province_user(tree):
    return factories.user(Role.PROVINCE, tree.province, username="tinh")


@pytest.fixture
def admin_user(db):
    return factories.admin_user()


@pytest.fixture
def as_district_a(client, district_a):
    client.force_login(district_a)
    return client


@pytest.fixture
def as_province(client, province_user):
    client.force_login(province_user)
    return client


@pytest.fixture
def as_district_b(client, district_b):
    client.force_login(district_b)
    return client


def text(response) -> str:
    return response.content.decode()


def says(response, message) -> bool:
    """The page shows ``message`` in the language it was rendered in (Vietnamese by default)."""
    from django.utils.html import escape

    with translation.override(response.get("Content-Language") or "vi"):
        return escape(str(message)) in text(response)


def log_in(client, username: str, password: str) -> bool:
    """Log in through the login page, as a person does (so django-axes counts the attempt)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and client.session.get("_auth_user_id") is not None
