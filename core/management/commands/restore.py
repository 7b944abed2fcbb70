"""``manage.py restore FILE``: replace the whole database with a backup (core/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import backups


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Replace every row of the database with those of a backup made by manage.py backup. The file is "
            "checked first; a restore that fails leaves the database as it was. Stop the server and the task "
            "worker before."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The backup file."))
        parser.add_argument("--database", default="default", help=_("The database to replace (default: default)."))
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help=_("Do not ask to confirm.")
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        using = options["database"]
        name = connections[using].settings_dict["NAME"]
        try:
            backups.check_backup(path=path, using=using)
            if options["interactive"] and not self._confirmed(name):
                raise CommandError(_("Restore cancelled; nothing was changed."), returncode=1)
            backups.restore(path=path, using=using)
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["verbosity"]:
            self.stdout.write(_("Restored %(path)s into the database %(name)s.") % {"path": path, "name": name})
        connections[using].close()
        executor = MigrationExecutor(connections[using])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                _("The backup predates %(count)d migrations of this version: run manage.py migrate.")
                % {"count": len(pending)}
            )

    def _confirmed(self, name) -> bool:
        question = _(
            "Every row of the database %(name)s will be replaced with those of the backup. "
            "Type '%(yes)s' to continue: "
        ) % {"name": name, "yes": pgettext("answer to a confirmation", "yes")}
        try:
            answer = input(question).strip().lower()
        except EOFError:
            return False
        return answer in {"yes", pgettext("answer to a confirmation", "yes")}
