"""Writes to accounts: creating a user with a role and the area that bounds what they see, disabling one."""

import secrets
import string
from collections.abc import Iterable

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area, AreaLevel
from areas.selectors import default_successors, ended_message, resolve_code

from .models import Role, User

# The level of the area each scoped role works on. Administrators need none.
ROLE_AREA_LEVELS = {
    Role.PROVINCE: AreaLevel.PROVINCE,
    Role.DISTRICT: AreaLevel.DISTRICT,
    Role.COMMUNE: AreaLevel.COMMUNE,
}

_PASSWORD_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "Il1O0o")


def validate_role_area(role: str, area: Area | None) -> None:
    """A provincial officer works on a province, district staff on a district, commune staff on a commune."""
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s."),
            code="role",
            params={"role": role, "roles": ", ".join(Role.values)},
        )
    if role == Role.ADMIN:
        return
    if role == Role.CADRE and area is not None and area.level in ROLE_AREA_LEVELS.values():
        return  # a cadre serves a province, a district or a commune
    expected = ROLE_AREA_LEVELS.get(role, AreaLevel.COMMUNE)
    if area is None:
        raise ValidationError(
            _("The role “%(role)s” needs an area: the code of a %(level)s."),
            code="area_required",
            params={"role": Role(role).label, "level": AreaLevel(expected).label.lower()},
        )
    if area.level != expected:
        raise ValidationError(
            _("The role “%(role)s” works on a %(level)s, but %(area)s (%(code)s) is a %(actual)s."),
            code="area_level",
            params={
                "role": Role(role).label,
                "level": AreaLevel(expected).label.lower(),
                "area": area.full_name,
                "code": area.code,
                "actual": AreaLevel(area.level).label.lower(),
            },
        )


def generate_password(user: User | None = None, length: int = 16) -> str:
    """A random password that passes the configured password validators."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    area_code: str | None,
    password: str | None = None,
    full_name: str = "",
    position: str = "",
) -> tuple[User, str]:
    """Create an account able to use the admin; return it with its password (generated when not given).

    ``full_name`` and ``position`` sign the documents the user prints or downloads.

    Raises ``ValidationError`` (and creates nothing) on an unknown area code, an area of
    the wrong level for the role, a username already taken or a weak password.
    """
    area = None
    if area_code:
        # A code is read in today's units: 30130 is Xã Thanh Bình since the 2025 reform.
        today = timezone.localdate()
        area = resolve_code(area_code, on=today)
        if area is None:
            raise ValidationError(
                _("No area has the code “%(code)s”."), code="area_unknown", params={"code": area_code}
            )
        if not area.in_force_on(today):
            succession = default_successors([area]).get(area.pk)
            raise ValidationError(ended_message(area, succession), code="area_ended")
    validate_role_area(role, area)
    user = User(
        username=username,
        role=role,
        area=area,
        full_name=full_name,
        position=position,
        is_staff=True,
        is_superuser=role == Role.ADMIN,
    )
    if password is None:
        password = generate_password(user)
    else:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


def end_sessions(*, users: Iterable[User]) -> int:
    """Delete the open sessions of ``users`` (signed in on any browser); return how many ended.

    Sessions live in the database (the default SESSION_ENGINE), and only the unexpired ones are
    read: with SESSION_IDLE_MINUTES they are those of the last half hour or so.
    """
    ids = {str(user.pk) for user in users}
    if not ids:
        return 0
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) in ids
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def set_accounts_active(*, users: Iterable[User], active: bool, by: User) -> list[User]:
    """Enable or disable accounts; return those whose state changed.

    A disabled account can no longer log in, and its open sessions end at once, so enabling it
    again later does not bring an old session back. Nobody disables their own account (the last
    administrator would lock everybody out of the accounts): that raises ``ValidationError`` and
    changes nothing.
    """
    users = list(users)
    if not active and any(user.pk == by.pk for user in users):
        raise ValidationError(_("You cannot disable your own account."), code="own_account")
    changed = []
    for user in users:
        if user.is_active == active:
            continue
        user.is_active = active
        user.full_clean()
        user.save(update_fields=["is_active"])
        changed.append(user)
    if not active:
        end_sessions(users=changed)
    return changed
