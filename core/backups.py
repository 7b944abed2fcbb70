"""Backups of the whole database into one file, and their restore (``manage.py backup`` / ``restore``).

PostgreSQL: ``pg_dump`` in its custom format, restored by ``pg_restore --clean --if-exists
--no-owner --no-privileges`` in a single transaction, so that a restore that fails halfway
leaves the database as it was. SQLite: the online backup API of ``sqlite3``, both ways (a
consistent copy while the server runs). The password goes to the PostgreSQL tools in
``PGPASSWORD``, never on their command line, where any user of the server could read it.

A file is checked before the database is touched: it must exist, be a backup of the same kind
of database (the first bytes tell), be readable to the end of its table of contents (or pass
SQLite's check) and hold this application's tables.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils.translation import gettext as _

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
# Every database of the application has it, whatever its version.
MARKER_TABLE = "django_migrations"


class BackupError(Exception):
    """Bad input or a failed tool: the message says what to do; the database is unchanged."""


def database_kind(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in (POSTGRESQL, SQLITE):
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def file_kind(path: Path) -> str | None:
    with path.open("rb") as f:
        head = f.read(16)
    return next((kind for kind, magic in MAGIC.items() if head.startswith(magic)), None)


# ---------------------------------------------------------------------------
# Backup


def backup(*, path: Path, using: str = "default") -> None:
    """Write the whole database to ``path``, replacing it only once the copy is complete."""
    kind = database_kind(using)
    if not path.parent.is_dir():
        raise BackupError(_("There is no folder %(folder)s.") % {"folder": path.parent})
    if path.is_dir():
        raise BackupError(_("%(path)s is a folder: give the name of the file to write.") % {"path": path})
    name = connections[using].settings_dict["NAME"]
    if kind == SQLITE and Path(str(name)).resolve() == path.resolve():
        raise BackupError(_("The backup cannot replace the database itself: give another file."))
    if MARKER_TABLE not in connections[using].introspection.table_names():
        raise BackupError(_("The database is empty: run manage.py migrate first."))
    descriptor, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(descriptor)
    try:
        if kind == POSTGRESQL:
            _pg_dump(Path(part), using)
        else:
            _sqlite_copy(connections[using], Path(part))
        os.replace(part, path)
    finally:
        Path(part).unlink(missing_ok=True)


def _pg_dump(part: Path, using: str) -> None:
    _run_pg_tool("pg_dump", ["--format=custom", "--no-password", f"--file={part}"], using, with_database=True)


def _sqlite_copy(django_connection, part: Path) -> None:
    django_connection.ensure_connection()
    target = sqlite3.connect(part)
    try:
        django_connection.connection.backup(target)
        # A file of its own: a copy of a WAL database would want its -wal and -shm files beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


# ---------------------------------------------------------------------------
# Restore


def check_backup(*, path: Path, using: str = "default") -> str:
    """The file's kind, once it is known to be a backup this database can take; else ``BackupError``."""
    kind = database_kind(using)
    if not path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    found = file_kind(path)
    if found is None:
        raise BackupError(_("%(path)s is not a backup made by manage.py backup.") % {"path": path})
    if found != kind:
        raise BackupError(
            _("%(path)s is a backup of a %(found)s database; this database is %(kind)s.")
            % {"path": path, "found": NAMES[found], "kind": NAMES[kind]}
        )
    if kind == POSTGRESQL:
        contents = _run_pg_tool("pg_restore", ["--list", str(path)], using, with_database=False, unreadable=path)
        has_marker = re.search(rf"^\d+; \d+ \d+ TABLE \S+ {MARKER_TABLE} ", contents, re.MULTILINE)
    else:
        has_marker = _sqlite_check(path)
    if not has_marker:
        raise BackupError(_("%(path)s is not a backup of this application's database.") % {"path": path})
    return kind


def _sqlite_check(path: Path) -> bool:
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check")
            query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
            return source.execute(query, [MARKER_TABLE]).fetchone() is not None
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(path)s cannot be read as a backup (%(error)s).") % {"path": path, "error": error}
        ) from None


def restore(*, path: Path, using: str = "default") -> None:
    """Replace the whole database with the backup's; on any error it is left as it was."""
    kind = check_backup(path=path, using=using)
    connection = connections[using]
    if kind == POSTGRESQL:
        connection.close()  # nothing of this process stands in the way of the tables being dropped
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run_pg_tool(
            "pg_restore", [*options, "--exit-on-error", "--no-password", str(path)], using, with_database=True
        )
        return
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(_("The restore failed; the database is unchanged (%(error)s).") % {"error": error}) from None


# ---------------------------------------------------------------------------
# The PostgreSQL tools


def _run_pg_tool(program: str, arguments: list[str], using: str, *, with_database: bool, unreadable=None) -> str:
    executable = shutil.which(program) or next(
        (str(p) for p in (Path("/usr/bin") / program, Path("/usr/local/bin") / program) if p.exists()), None
    )
    if executable is None:
        raise BackupError(
            _("%(program)s was not found: install the PostgreSQL client (postgresql-client).") % {"program": program}
        )
    settings = connections[using].settings_dict
    # Django's dbshell helper: the password, service, SSL files and passfile as PG* variables.
    _args, pg_environment = DatabaseClient.settings_to_cmd_args_env(settings, [])
    command = [executable, *arguments]
    if with_database:
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings.get(key):
                command.append(f"{option}={settings[key]}")
        command.append(f"--dbname={settings['NAME']}")
    result = subprocess.run(
        command,
        env={**os.environ, **(pg_environment or {})},
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        error = _first_error(result.stderr)
        if unreadable is not None:
            message = _("%(path)s cannot be read as a backup (%(error)s).") % {"path": unreadable, "error": error}
        elif program == "pg_restore":
            message = _("The restore failed and was rolled back; the database is unchanged (%(error)s).") % {
                "error": error
            }
        else:
            message = _("%(program)s failed (%(error)s).") % {"program": program, "error": error}
        raise BackupError(message)
    return result.stdout


def _first_error(text: str) -> str:
    """The tool's first error line (those after it repeat the SQL it ran)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if "error:" in line), lines[-1] if lines else "")
