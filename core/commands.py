"""What the management commands that change data share: bad input exits 2 with a Vietnamese message."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def effective_date(text: str | None) -> datetime.date:
    """The ``--effective`` date of a reorganisation."""
    if not text:
        raise usage_error(_("Give the effective date with --effective YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise usage_error(_("%(value)s is not a date of the form YYYY-MM-DD.") % {"value": text}) from None


def administrator(username: str | None):
    """The administrator a change is recorded under (``--user``); None when not named."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not user.sees_everything:
        raise usage_error(_("There is no active administrator %(username)s.") % {"username": username})
    return user
