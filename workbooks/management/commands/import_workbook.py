"""python manage.py import_workbook KIND FILE [--dry-run] [--user USERNAME] [--format text|json]

Exit codes (SPEC section 8): 0 imported (or, with --dry-run, would be), 1 a row was
refused (nothing written), 2 a usage error or an unreadable file.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workbooks import services
from workbooks.models import ImportKind
from workbooks.progress import Progress
from workbooks.readers import UnreadableWorkbook, check_size


class TerminalBar:
    """A one-line progress bar, drawn only on a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.last = None

    def __call__(self, stage, done, total):
        if total:
            filled = min(30, done * 30 // total)
            line = f"\r{stage}: [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            line = f"\r{stage}: {done}"
        if line != self.last:
            self.stream.write(line.ljust(79)[:79])
            self.stream.flush()
            self.last = line

    def clear(self):
        if self.last is not None:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import a workbook of one kind (areas, branches, members, targets, ratings, officers)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")
        parser.add_argument(
            "--user", help="Import as this user, within their area (default: the first administrator)."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, kind, file, dry_run, user, format, **options):
        account = self.user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file}, returncode=2)
        bar = TerminalBar(self.stderr._out) if format == "text" and self.stderr._out.isatty() else None
        progress = Progress(None, echo=bar)
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
            result = services.import_workbook(
                kind=kind, data=data, user=account, file_name=path.name, dry_run=dry_run, progress=progress
            )
        except (UnreadableWorkbook, ValidationError, PermissionDenied, services.StalePreview) as error:
            if bar:
                bar.clear()
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            if format == "json":
                self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
            else:
                self.stderr.write(message)
            sys.exit(2)
        if bar:
            bar.clear()
        counts = result.counts
        errors = result.errors()
        if format == "json":
            payload = {
                "created": counts["created"],
                "updated": counts["updated"],
                "unchanged": counts["unchanged"],
                "errors": errors,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.report(result, counts, errors, dry_run)
        if errors:
            sys.exit(1)

    def report(self, result, counts, errors, dry_run):
        for error in errors:
            self.stdout.write(
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": error["row"], "column": error["column"] or "—", "message": error["message"]}
            )
        summary = _("%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(refused)d refused.") % counts
        if errors:
            self.stdout.write(summary + " " + _("Nothing was imported."))
        elif dry_run:
            self.stdout.write(summary + " " + _("Dry run: nothing was written."))
        else:
            self.stdout.write(summary + " " + _("Imported (import #%(id)d).") % {"id": result.batch.pk})

    def user(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.select_related("area").get(username=username)
            except User.DoesNotExist as error:
                raise CommandError(_("No user named %(name)s.") % {"name": username}, returncode=2) from error
        account = User.objects.filter(is_active=True, role="admin").order_by("pk").first()
        account = account or User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
        if account is None:
            raise CommandError(_("There is no administrator; name a user with --user."), returncode=2)
        return account
