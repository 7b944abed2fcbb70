import argparse
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role
from demo.builder import PASSWORD, PROVINCE, DemoAlreadyThere, seed_demo


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be a positive whole number, not “%(value)s”") % {"value": value})
    return number


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Fill the database with demo data: the communes of Huyện Thanh Bình and Huyện Lấp Vò "
            "(Đồng Tháp) with hamlets, branches, members and their history since 2019, officers, "
            "targets, ratings and meetings, and one demo account per role. Does nothing if the demo "
            "data is already there."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=positive_int,
            default=4000,
            help=_("About how many memberships to create (default: 4000)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help=_("Seed of the random generator: the same seed gives the same people (default: 2026)."),
        )

    def handle(self, *args, members, seed, **options):
        started = time.monotonic()
        try:
            summary = seed_demo(members=members, seed=seed)
        except DemoAlreadyThere:
            self.stdout.write(
                _("The demo data is already there (province %(code)s has branches); nothing was changed.")
                % {"code": PROVINCE}
            )
            return
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(_("Demo data created in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )
        self.stdout.write(
            _(
                "%(hamlets)d hamlets, %(branches)d branches, %(people)d people, "
                "%(memberships)d memberships, %(meetings)d meetings."
            )
            % {
                "hamlets": summary.hamlets,
                "branches": summary.branches,
                "people": summary.people,
                "memberships": summary.memberships,
                "meetings": summary.meetings,
            }
        )
        logins = ", ".join(f"{username} ({Role(role).label})" for username, role, _area, _new in summary.accounts)
        self.stdout.write(
            _("Demo logins, all with the password %(password)s: %(logins)s") % {"password": PASSWORD, "logins": logins}
        )
        kept = [username for username, _role, _area, created in summary.accounts if not created]
        if kept:
            self.stdout.write(
                _("These accounts already existed and keep their own passwords: %(usernames)s")
                % {"usernames": ", ".join(kept)}
            )
