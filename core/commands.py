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


def add_dated_change_arguments(parser, *, into_help: str = "", from_help: str = "", user: bool = True) -> None:
    """The options of a reorganisation from a date (merge_areas, split_area, merge_branches):
    with ``into_help``, the ``--into CODE --from CODE ...`` of a merge."""
    if into_help:
        parser.add_argument("--into", required=True, metavar="CODE", help=into_help)
        parser.add_argument("--from", dest="from_codes", required=True, nargs="+", metavar="CODE", help=from_help)
    parser.add_argument("--effective", help=_("The effective date, YYYY-MM-DD."))
    parser.add_argument("--dry-run", action="store_true", help=_("Show what would move; change nothing."))
    parser.add_argument("--format", choices=["text", "json"], default="text")
    if user:
        parser.add_argument("--user", help=_("The administrator recorded as having applied it."))
