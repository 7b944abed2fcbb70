"""``manage.py run_worker``: django-tasks-db's ``db_worker`` (the task worker), with a heartbeat for ``/healthz``.

Every option of ``db_worker`` works here; ``--heartbeat SECONDS`` sets how often the worker
records that it is alive (core/heartbeat.py).
"""

import os
from argparse import ArgumentTypeError

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.translation import gettext as _
from django_tasks_db.management.commands import db_worker

from core.heartbeat import INTERVAL_SECONDS, Heartbeat


def seconds(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 3600:
        raise ArgumentTypeError(_("%(value)s is not a number of seconds from 1 to 3600.") % {"value": value})
    return number


class Command(db_worker.Command):
    @property
    def help(self):
        return _("Run the task worker (large imports), recording every few seconds that it is alive.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=seconds,
            default=INTERVAL_SECONDS,
            metavar="SECONDS",
            help=_("How often the worker records that it is alive (default: %(default)s)."),
        )

    def handle(self, *args, heartbeat, **options):
        if options["reload"] and not options["batch"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's own process only watches the code; the process it starts runs the tasks and beats.
            return super().handle(*args, **options)
        pulse = Heartbeat(interval=heartbeat)
        pulse.start()
        try:
            return super().handle(*args, **options)
        finally:
            pulse.stop()
