"""``manage.py backup -o FILE``: the whole database in one file (core/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import backups


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Save the whole database to a file (PostgreSQL: pg_dump's custom format; SQLite: a copy of the "
            "database), to be read back with manage.py restore."
        )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help=_("The file to write (replaced if it exists)."))
        parser.add_argument("--database", default="default", help=_("The database to save (default: default)."))

    def handle(self, *args, **options):
        path = Path(options["output"])
        try:
            backups.backup(path=path, using=options["database"])
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["verbosity"]:
            self.stdout.write(_("Database saved to %(path)s.") % {"path": path})
