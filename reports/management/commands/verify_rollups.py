"""``manage.py verify_rollups [--area CODE] [--repair]``: the reports' roll-ups against the history
(members/rollups.py, meetings/rollups.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from branches.models import Branch
from meetings import rollups as meeting_rollups
from members import rollups

SHOWN = 200


def _tables() -> dict:
    return {
        "day": _("branch, change of the day"),
        "month": _("branch, first of the month"),
        "people day": _("people in several branches, change of the day"),
        "people month": _("people in several branches, first of the month"),
        "meetings month": _("branch, meetings of the month"),
        "meetings year": _("branch, meetings of the year"),
    }


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Recompute the counts the reports read (the roll-ups) from the membership history and print every "
            "difference; exit 1 if there is one. --repair rewrites all of them from the history. Also adds the "
            "months up to this one to the roll-ups' calendar (run it monthly, e.g. from cron)."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--area", metavar="CODE", help=_("Check only the branches ever placed in this area (its code).")
        )
        parser.add_argument(
            "--repair", action="store_true", help=_("Rewrite every roll-up from the history, then check again.")
        )

    def handle(self, *args, area=None, repair=False, verbosity=1, **options):
        branch_ids = None
        if area:
            # A code may name a unit of each structure (before and after a reform): all of them.
            paths = list(Area.objects.filter(code=area).values_list("path", flat=True))
            if not paths:
                raise CommandError(_("No area has the code %(code)s.") % {"code": area}, returncode=2)
            placed = Q()
            for path in paths:
                placed |= Q(placements__path__startswith=path)
            branch_ids = list(Branch.objects.filter(placed).values_list("pk", flat=True).distinct())
        if repair:
            rollups.rebuild(today=timezone.localdate())
            meeting_rollups.rebuild()
            self.say(verbosity, _("Roll-ups rewritten from the history."))
        elif rollups.extend_calendar(today=timezone.localdate()):
            self.say(verbosity, _("Roll-ups' calendar extended to this month."))
        differences = [
            (d.table, d.key, d.when.strftime("%d/%m/%Y"), d.field, d.kept, d.expected)
            for d in rollups.differences(branch_ids=branch_ids)
        ]
        differences += meeting_rollups.differences(branch_ids=set(branch_ids) if branch_ids is not None else None)
        for table, key, when, field, kept, expected in differences[:SHOWN]:
            self.stdout.write(
                _("%(table)s %(key)s %(date)s %(field)s: kept %(kept)s, history %(expected)s")
                % {
                    "table": _tables()[table],
                    "key": key,
                    "date": when,
                    "field": field,
                    "kept": kept,
                    "expected": expected,
                }
            )
        if len(differences) > SHOWN:
            self.stdout.write(_("… and %(count)s more.") % {"count": len(differences) - SHOWN})
        if differences:
            raise CommandError(
                _("%(count)s roll-up figures differ from the history; run with --repair to rewrite them.")
                % {"count": len(differences)},
                returncode=1,
            )
        self.say(verbosity, _("The roll-ups agree with the history."))

    def say(self, verbosity: int, message: str) -> None:
        if verbosity:
            self.stdout.write(message)
