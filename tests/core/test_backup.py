"""``manage.py backup`` and ``restore`` (core/backups.py): a restored backup gives the same reports; bad files
are refused with the database unchanged.

The round trip backs up the reports' scenario (tests/reports/scenario.py), restores it into a
fresh database with ``manage.py restore`` in another process, and runs the four reports there
(``manage.py report --format json``), to compare them with the reports of the original.
"""

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _

from areas.models import Area
from core import backups
from tests import factories
from tests.reports.scenario import build_world

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL: pg_dump and pg_restore")
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite: the backup API of sqlite3")

REPORTS = [
    ["membership", "--date", "2025-12-31", "--area", "99"],
    ["ratings", "--year", "2024", "--area", "99", "--drafts"],
    ["meetings", "--year", "2024", "--area", "99"],
    ["officers", "--month", "2025-07", "--area", "99"],
]
# The four reports in one process (one start-up of Django instead of four).
REPORTS_PROBE = """
import io, json, sys, django
django.setup()
from django.core.management import call_command
out = []
for args in json.loads(sys.argv[1]):
    text = io.StringIO()
    call_command("report", *args, "--format", "json", stdout=text)
    out.append(json.loads(text.getvalue()))
print(json.dumps(out))
"""


def reports_here() -> list:
    out = []
    for args in REPORTS:
        text = io.StringIO()
        call_command("report", *args, "--format", "json", stdout=text)
        out.append(json.loads(text.getvalue()))
    return out


def environment(database_url: str) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "DATABASE_URL": database_url}


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment(database_url),
        capture_output=True,
        text=True,
    )


def reports_in(database_url: str) -> list:
    result = subprocess.run(
        [sys.executable, "-c", REPORTS_PROBE, json.dumps(REPORTS)],
        cwd=settings.BASE_DIR,
        env=environment(database_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(*args) -> CommandError:
    with pytest.raises(CommandError) as error:
        call_command(*args)
    return error.value


def before_error(message: str, values: dict) -> str:
    """A message up to the tool's own error text, which it ends with."""
    return (message % {**values, "error": "\0"}).split("\0")[0]


def area_names() -> list:
    return sorted(Area.objects.values_list("code", "name"))


# ---------------------------------------------------------------------------
# The round trip


@contextlib.contextmanager
def fresh_postgresql_database():
    """An empty database beside the test database, dropped afterwards; yields its DATABASE_URL."""
    given = connection.settings_dict
    name = f"{given['NAME']}_restored"
    server = {"host": given["HOST"] or None, "port": given["PORT"] or None, "user": given["USER"] or None}
    with psycopg.connect(dbname="postgres", password=given["PASSWORD"] or None, autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            credentials = quote(given["USER"] or "") + (f":{quote(given['PASSWORD'])}" if given["PASSWORD"] else "")
            yield f"postgres://{credentials}@{given['HOST'] or 'localhost'}:{given['PORT'] or 5432}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # pg_dump reads what is committed
def test_a_backup_restored_into_a_fresh_postgresql_database_gives_the_same_reports(tmp_path):
    build_world(factories.area_tree())
    original = reports_here()
    assert all(report["rows"] for report in original)  # figures to compare, not empty tables
    dump = tmp_path / "chidoan.dump"

    call_command("backup", "-o", str(dump), verbosity=0)

    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    with fresh_postgresql_database() as url:
        result = manage(url, "restore", str(dump), "--noinput")
        assert result.returncode == 0, result.stderr
        assert reports_in(url) == original


@sqlite_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the copy is taken outside the test's transaction
def test_a_backup_restored_into_a_fresh_sqlite_database_gives_the_same_reports(tmp_path):
    build_world(factories.area_tree())
    original = reports_here()
    assert all(report["rows"] for report in original)  # figures to compare, not empty tables
    copy = tmp_path / "chidoan.sqlite3"

    call_command("backup", "-o", str(copy), verbosity=0)  # from the live (in-memory) database

    fresh = tmp_path / "fresh.sqlite3"
    result = manage(f"sqlite:///{fresh}", "restore", str(copy), "--noinput")
    assert result.returncode == 0, result.stderr
    assert reports_in(f"sqlite:///{fresh}") == original
    assert reports_in(f"sqlite:///{copy}") == original  # the backup file is itself a database


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_that_fails_halfway_leaves_the_database_as_it_was(tmp_path):
    factories.area_tree()
    dump = tmp_path / "chidoan.dump"
    call_command("backup", "-o", str(dump), verbosity=0)

    with fresh_postgresql_database() as url:
        assert manage(url, "restore", str(dump), "--noinput").returncode == 0
        # A change made since, and a view on a table the restore must drop: the restore stops there.
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as restored:
            restored.execute("UPDATE areas_area SET name = 'Đổi Tên' WHERE code = '99'")
            restored.execute("CREATE VIEW area_names AS SELECT code, name FROM areas_area")

            result = manage(url, "restore", str(dump), "--noinput")

            assert result.returncode == 2
            failed = _("The restore failed and was rolled back; the database is unchanged (%(error)s).")
            assert before_error(failed, {}) in result.stderr
            assert "areas_area" in result.stderr  # pg_restore's own reason: a view stands on a table to drop
            assert restored.execute("SELECT name FROM areas_area WHERE code = '99'").fetchone() == ("Đổi Tên",)


# ---------------------------------------------------------------------------
# Bad input: a clear message, exit status 2, nothing changed


@pytest.fixture
def world(db):
    return factories.area_tree()


@pytest.fixture
def committed_world(transactional_db, django_db_serialized_rollback):
    """For the tests that take a backup: SQLite's backup API waits for the test's transaction otherwise.

    The reference rows of the data migrations (organizations, grades) are put back afterwards.
    """
    return factories.area_tree()


def test_a_missing_file_is_refused(world, tmp_path):
    before = area_names()
    missing = tmp_path / "khong-co.dump"

    error = refused("restore", str(missing), "--noinput")

    assert error.returncode == 2
    assert str(error) == _("There is no file %(path)s.") % {"path": missing}
    assert area_names() == before


def test_a_file_that_is_not_a_backup_is_refused(world, tmp_path):
    before = area_names()
    text = tmp_path / "danh-sach.csv"
    text.write_text("Họ và tên;Năm sinh\nNguyễn Văn An;2001\n", encoding="utf-8")

    error = refused("restore", str(text), "--noinput")

    assert error.returncode == 2
    assert str(error) == _("%(path)s is not a backup made by manage.py backup.") % {"path": text}
    assert area_names() == before


def sqlite_backup_file(path: Path, *, with_django: bool = True) -> Path:
    database = sqlite3.connect(path)
    database.execute(
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY)" if with_django else "CREATE TABLE t (x)"
    )
    database.commit()
    database.close()
    return path


def test_a_backup_of_the_other_kind_of_database_is_refused(world, tmp_path):
    before = area_names()
    if ON_POSTGRESQL:
        other, found, kind = sqlite_backup_file(tmp_path / "chidoan.sqlite3"), "SQLite", "PostgreSQL"
    else:
        other, found, kind = tmp_path / "chidoan.dump", "PostgreSQL", "SQLite"
        other.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01" + bytes(500))

    error = refused("restore", str(other), "--noinput")

    assert error.returncode == 2
    expected = _("%(path)s is a backup of a %(found)s database; this database is %(kind)s.")
    assert str(error) == expected % {"path": other, "found": found, "kind": kind}
    assert area_names() == before


def test_a_damaged_backup_is_refused_before_the_database_is_touched(committed_world, tmp_path):
    before = area_names()
    whole = tmp_path / "chidoan.backup"
    call_command("backup", "-o", str(whole), verbosity=0)  # the tables (on PostgreSQL without this test's rows)
    damaged = tmp_path / "hong.backup"
    damaged.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    error = refused("restore", str(damaged), "--noinput")

    assert error.returncode == 2
    assert str(error).startswith(
        before_error(_("%(path)s cannot be read as a backup (%(error)s)."), {"path": damaged})
    )
    assert area_names() == before


@sqlite_only
def test_a_database_of_another_application_is_refused(world, tmp_path):
    other = sqlite_backup_file(tmp_path / "khac.sqlite3", with_django=False)

    error = refused("restore", str(other), "--noinput")

    assert error.returncode == 2
    assert str(error) == _("%(path)s is not a backup of this application's database.") % {"path": other}


def test_a_restore_not_confirmed_changes_nothing(committed_world, tmp_path):
    before = area_names()
    copy = tmp_path / "chidoan.backup"
    call_command("backup", "-o", str(copy), verbosity=0)

    with mock.patch("builtins.input", return_value="no"):
        error = refused("restore", str(copy))

    assert str(error) == _("Restore cancelled; nothing was changed.")
    assert area_names() == before


def test_a_backup_into_a_missing_folder_is_refused(world, tmp_path):
    folder = tmp_path / "khong-co"

    error = refused("backup", "-o", str(folder / "chidoan.backup"))

    assert error.returncode == 2
    assert str(error) == _("There is no folder %(folder)s.") % {"folder": folder}
    assert not folder.exists()


def test_the_password_reaches_pg_dump_in_its_environment_not_on_its_command_line(world, tmp_path):
    given = {"NAME": "chidoan", "USER": "chidoan", "PASSWORD": "mat-khau-bi-mat", "HOST": "127.0.0.1", "PORT": "5432"}
    ran = mock.Mock(return_value=subprocess.CompletedProcess([], 0, stdout="", stderr=""))

    with mock.patch.dict(connection.settings_dict, given), mock.patch("core.backups.subprocess.run", ran):
        backups._run_pg_tool("pg_dump", ["--format=custom"], "default", with_database=True)

    command, environment = ran.call_args.args[0], ran.call_args.kwargs["env"]
    assert not any("mat-khau-bi-mat" in part for part in command)
    assert environment["PGPASSWORD"] == "mat-khau-bi-mat"
    assert "--dbname=chidoan" in command and "--username=chidoan" in command
