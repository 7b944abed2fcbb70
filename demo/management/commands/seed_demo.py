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
            "(Tỉnh Đồng Tháp, 87) with hamlets, branches, members and their history since 2019, officers, "
            "targets, ratings and meetings, in the old structure up to 30/06/2025; then the reform of "
            "01/07/2025 moves them into the new units (Tỉnh Đồng Tháp, 82, and its communes), where the "
            "history goes on to today. One demo account per role. Does nothing if the demo data is "
            "already there."
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
                _(
                    "The demo data is already there (branches of province %(code)s, or of the units it "
                    "became); nothing was changed."
                )
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
        self.stdout.write(
            _(
                "%(cadres)d cadres attend branch meetings: %(assignments)d assignments, %(visits)d visits; "
                "%(notes)d orientation notes, %(discussed)d meetings discussed one."
            )
            % summary.duty
        )
        if summary.fees:
            self.stdout.write(
                _(
                    "Fees: %(categories)d categories with their rates, %(assignments)d members placed in a "
                    "category, %(payments)d monthly payments."
                )
                % summary.fees
            )
        if summary.reform is not None:
            reform = summary.reform
            self.stdout.write(
                _(
                    "Reorganisation of the administrative units from %(date)s (%(old)s → %(new)s): "
                    "%(communes)d new communes received %(hamlets)d hamlets."
                )
                % {
                    "date": reform.effective_on.strftime("%d/%m/%Y"),
                    "old": reform.old_province,
                    "new": reform.new_province,
                    "communes": reform.new_communes,
                    "hamlets": reform.hamlets,
                }
            )
        # The accounts one can log in with first, those the reform made inactive last.
        accounts = sorted(summary.accounts, key=lambda account: account.paused_by_reform)
        logins = ", ".join(
            f"{account.username} ({Role(account.role).label}{', ' + account.area if account.area else ''})"
            for account in accounts
        )
        self.stdout.write(
            _("Demo logins, all with the password %(password)s: %(logins)s") % {"password": PASSWORD, "logins": logins}
        )
        paused = [account.username for account in accounts if account.paused_by_reform]
        if paused:
            self.stdout.write(
                _(
                    "Made inactive by the reorganisation (their unit ended without a single successor) "
                    "until an administrator gives them an area: %(usernames)s"
                )
                % {"usernames": ", ".join(paused)}
            )
        kept = [account.username for account in accounts if not account.created]
        if kept:
            self.stdout.write(
                _("These accounts already existed and keep their own passwords: %(usernames)s")
                % {"usernames": ", ".join(kept)}
            )
