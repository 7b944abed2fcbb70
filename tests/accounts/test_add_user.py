"""``manage.py add_user``: accounts with a role fitting their area (SPEC sections 4 and 8)."""

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from accounts.services import create_user
from tests import factories
from tests.pages import log_in

PASSWORD = "mat-khau-thu-nghiem"


def add_user(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "area_attr"),
    [(Role.ADMIN, None), (Role.PROVINCE, "province"), (Role.DISTRICT, "district_a"), (Role.COMMUNE, "commune_a")],
)
def test_creates_a_user_of_each_role_who_can_log_in(client, tree, role, area_attr):
    area = getattr(tree, area_attr) if area_attr else None
    args = ["can-bo", "--role", role, "--password", PASSWORD]
    if area:
        args += ["--area", area.code]

    output = add_user(*args)

    user = User.objects.get(username="can-bo")
    assert (user.role, user.area) == (role, area)
    assert user.is_staff and user.is_active
    assert user.is_superuser == (role == Role.ADMIN)
    assert "can-bo" in output
    with translation.override("en"):
        assert str(Role(role).label) in output
    if area:
        assert area.code in output
    assert PASSWORD not in output  # a given password is not echoed
    assert log_in(client, "can-bo", PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_may_have_an_area(tree):
    add_user("quan-tri", "--role", "admin", "--area", tree.province.code, "--password", PASSWORD)
    assert User.objects.get(username="quan-tri").area == tree.province


def test_generated_password_is_printed_and_works(client, tree):
    output = add_user("huyen", "--role", "district", "--area", tree.district_a.code)

    lines = [line for line in output.splitlines() if line.startswith("Password: ")]
    assert len(lines) == 1
    password = lines[0].removeprefix("Password: ").strip()
    assert len(password) >= 12
    assert log_in(client, "huyen", password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "district", "--area", "00000"], "No area has the code “00000”"),
        (["--role", "district", "--area", "99101"], "works on a district"),
        (["--role", "commune", "--area", "991"], "works on a commune"),
        (["--role", "province", "--area", "991"], "works on a province"),
        (["--role", "district"], "--area is required"),
        (["--role", "commune"], "--area is required"),
        (["--role", "district", "--area", "991", "--password", "123"], "too short"),
        (["--role", "district", "--area", "991", "--password", "password123"], "too common"),
    ],
    ids=[
        "unknown-area",
        "commune-for-district",
        "district-for-commune",
        "district-for-province",
        "no-area",
        "no-area-commune",
        "short-password",
        "common-password",
    ],
)
def test_bad_input_is_refused_and_creates_nothing(tree, args, message):
    with pytest.raises(CommandError, match=message):
        add_user("moi", *args)
    assert not User.objects.filter(username="moi").exists()


def test_duplicate_username_is_refused(tree):
    factories.user(Role.DISTRICT, tree.district_a, username="trung")

    with pytest.raises(CommandError, match="already exists"):
        add_user("trung", "--role", "district", "--area", tree.district_b.code, "--password", PASSWORD)

    assert User.objects.get(username="trung").area == tree.district_a


def test_unknown_role_is_refused(tree):
    with pytest.raises(CommandError):
        add_user("moi", "--role", "king", "--area", tree.province.code)
    assert not User.objects.exists()


def test_command_line_exits_non_zero_with_a_message(tree, capsys, monkeypatch):
    # run_from_argv closes the connections when it ends; the test's transaction needs them.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class(get_commands()["add_user"], "add_user")

    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "add_user", "moi", "--role", "district", "--area", "99101"])

    assert exit_info.value.code != 0
    assert "works on a district" in capsys.readouterr().err
    assert not User.objects.filter(username="moi").exists()


def test_service_returns_the_password_and_validates_keyword_arguments(tree):
    user, password = create_user(username="dich-vu", role=Role.COMMUNE, area_code=tree.commune_a.code, password=None)
    assert user.check_password(password)
    with pytest.raises(TypeError):
        create_user("x", Role.ADMIN, None, None)  # keyword-only


def test_user_admin_checks_the_role_against_the_area(client, tree):
    client.force_login(factories.admin_user())
    data = {"username": "moi", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}

    response = client.post(reverse("admin:accounts_user_add"), {**data, "role": "district", "area": tree.commune_a.pk})
    assert response.status_code == 200
    assert "area" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="moi").exists()

    response = client.post(
        reverse("admin:accounts_user_add"), {**data, "role": "district", "area": tree.district_a.pk}
    )
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    assert (user.role, user.area, user.is_staff, user.is_superuser) == ("district", tree.district_a, True, False)
