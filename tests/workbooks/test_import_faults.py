"""Faults in imports: a worker killed mid-import, two imports of the same rows at once, a preview confirmed twice.

The tests that need two connections at once (threads, a worker process) run on PostgreSQL: the
in-memory SQLite test database cannot be opened by another process, and its shared cache
refuses rather than awaits a lock, where a file database waits on SQLite's one write lock
(``bulk.hold_write_lock``), which serialises imports by itself.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from members.models import Membership, MembershipPeriod, Person
from workbooks import services, tasks
from workbooks.models import BatchState, ImportBatch
from workbooks.progress import Progress

from .helpers import member, roster

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGE = django_settings.LANGUAGE_CODE  # the pages' language: the tests' users choose none
STOPPED = (
    "The import stopped before it finished (the worker was interrupted). Nothing was written; import the file again."
)
ALREADY = "This import was already confirmed; nothing more was written."
BUSY = "Another import is being written at this moment; nothing was imported. Confirm again in a minute."
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a second connection at once: the in-memory SQLite test database is not shared with "
    "other processes, and its shared cache refuses a lock rather than waiting (SQLite serialises "
    "imports with its one write lock, bulk.hold_write_lock)",
)
WAIT = 60  # seconds: the most any test waits for another thread or process to reach a point


def people(world, count, prefix="Người"):
    # No CCCD: people are matched by name and birth year, which no constraint keeps unique.
    return roster([member(f"{prefix} Số {i}", 1990 + i % 10, world.doan_a1.code) for i in range(count)])


def upload(client, data, name="danh-sach.xlsx"):
    file = SimpleUploadedFile(name, data, content_type=XLSX)
    client.post(reverse("workbooks:import"), {"kind": "members", "file": file})
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.PREVIEWED and not batch.refused_count, batch.error
    return batch


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def confirm(client, batch) -> list[str]:
    """Confirm as the page's button does; return the messages the batch's page then shows."""
    response = client.post(reverse("workbooks:confirm", args=[batch.pk]))
    assert response.url == reverse("workbooks:batch", args=[batch.pk])
    client.get(response.url)  # shown there, and so taken off the next page's
    return messages_of(response)


def said(*msgids) -> list[str]:
    """The messages in the pages' language."""
    with translation.override(LANGUAGE):
        return [gettext(msgid) for msgid in msgids]


def english(msgid) -> str:
    with translation.override("en"):
        return gettext(msgid)


def fingerprint():
    """What an import of members writes: people, memberships, periods and their history."""
    models = (Person, Membership, MembershipPeriod)
    return [model.objects.count() for model in models] + [model.history.count() for model in models]


def silent_since_too_long():
    return timezone.now() - datetime.timedelta(seconds=django_settings.WORKBOOK_STOPPED_AFTER + 1)


def in_language(batch, msgid):
    with translation.override(batch.language or django_settings.LANGUAGE_CODE):
        return gettext(msgid)


# --- a preview confirmed twice ------------------------------------------------------------------


def test_a_preview_confirmed_twice_writes_once(world, client):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    assert confirm(client, batch) == said("The workbook was imported.")
    assert confirm(client, batch) == said(ALREADY)
    assert Person.objects.count() == 5
    batch.refresh_from_db()
    assert (batch.state, batch.created_count) == (BatchState.IMPORTED, 5)


def test_a_large_preview_confirmed_twice_goes_to_the_worker_once(world, client, settings):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    settings.WORKBOOK_BACKGROUND_ROWS = 2  # the confirmation goes to the worker (run at the commit)
    assert confirm(client, batch) == []
    assert confirm(client, batch) == said("This import is already being written; it is written once.")
    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTING  # the test's transaction never commits: not run yet


def test_a_confirmation_task_run_twice_writes_once(world, client, settings, django_capture_on_commit_callbacks):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    settings.WORKBOOK_BACKGROUND_ROWS = 2
    with django_capture_on_commit_callbacks() as enqueued:
        assert services.start_confirm(batch=ImportBatch.objects.get(pk=batch.pk), user=world.staff_a)
    for enqueue in enqueued * 2:  # the task delivered twice
        enqueue()
    batch.refresh_from_db()
    assert (batch.state, batch.error, Person.objects.count()) == (BatchState.IMPORTED, "", 5)


def run_in_thread(function, results, key):
    def target():
        try:
            with translation.override("en"):
                results[key] = function()
        except Exception as error:
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_preview_confirmed_twice_at_once_writes_once(world):
    batch = upload(logged_in(world.staff_a), people(world, 30))
    start = threading.Barrier(2)

    def confirm_in_a_tab():
        client = logged_in(world.staff_a)
        start.wait(WAIT)
        return messages_of(client.post(reverse("workbooks:confirm", args=[batch.pk])))

    results = {}
    threads = [run_in_thread(confirm_in_a_tab, results, key) for key in ("tab 1", "tab 2")]
    for thread in threads:
        thread.join(WAIT)
    imported, refused = said("The workbook was imported.", ALREADY)
    assert sorted(results.values()) == sorted([[imported], [refused]])
    batch.refresh_from_db()
    assert (batch.state, Person.objects.count(), Membership.objects.count()) == (BatchState.IMPORTED, 30, 30)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- two imports of the same rows at once -------------------------------------------------------


@pytest.fixture
def paused_import(monkeypatch):
    """Confirm a batch in a thread, paused once its rows are written and before it commits.

    ``start(batch)`` returns when the import is there (holding the import lock, its rows written
    in its transaction); ``finish()`` lets it commit and returns what ``confirm_batch`` returned
    or raised.
    """
    written, release, results, state = threading.Event(), threading.Event(), {}, {}
    original = services.apply_writes

    def apply_writes(writes, *, user, reason, progress=None):
        changes = original(writes, user=user, reason=reason, progress=progress)
        if reason.startswith(f"import #{state['batch'].pk}:"):
            written.set()
            assert release.wait(WAIT)
        return changes

    monkeypatch.setattr(services, "apply_writes", apply_writes)

    def start(batch):
        state["batch"] = batch
        confirm = lambda: services.confirm_batch(batch=ImportBatch.objects.get(pk=batch.pk), user=batch.created_by)  # noqa: E731
        state["thread"] = run_in_thread(confirm, results, "first")
        assert written.wait(WAIT), results.get("first")

    def finish():
        release.set()
        state["thread"].join(WAIT)
        return results["first"]

    yield type("Paused", (), {"start": staticmethod(start), "finish": staticmethod(finish)})
    release.set()  # never leave the thread waiting, whatever failed


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_import_of_the_same_rows_waits_then_finds_the_data_changed(world, paused_import):
    """The worker's confirmation waits for the import being written, then checks its plan: nothing written twice."""
    client = logged_in(world.staff_a)
    first, second = upload(client, people(world, 40)), upload(client, people(world, 40))
    assert second.created_count == 40  # previewed while nobody had imported them
    paused_import.start(first)

    # As start_confirm hands the second to the worker.
    ImportBatch.objects.filter(pk=second.pk).update(state=BatchState.IMPORTING, heartbeat_at=None)

    def confirm_second():
        batch = ImportBatch.objects.get(pk=second.pk)
        progress = Progress(batch)
        try:
            return services.confirm_batch(batch=batch, user=world.staff_a, progress=progress, queued=True)
        finally:
            progress.close()

    def shows_waiting():
        assert "second" not in results, results["second"]
        return ImportBatch.objects.filter(
            pk=second.pk, progress_stage=english("Waiting for another import to finish"), heartbeat_at__isnull=False
        ).exists()

    results = {}
    thread = run_in_thread(confirm_second, results, "second")
    try:
        # Its page says it waits, and its sign of life is kept fresh meanwhile.
        wait_for(shows_waiting, "the second import to wait for the first")
    finally:
        assert paused_import.finish().state == BatchState.IMPORTED
        thread.join(WAIT)
    assert isinstance(results["second"], services.StalePreview)
    assert (Person.objects.count(), Membership.objects.count()) == (40, 40)
    second.refresh_from_db()
    assert second.state == BatchState.PREVIEWED


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmation_in_the_request_is_refused_while_another_import_is_written(world, paused_import, settings):
    client = logged_in(world.staff_a)
    first, second = upload(client, people(world, 10)), upload(client, people(world, 10, prefix="Khác"))
    paused_import.start(first)
    settings.WORKBOOK_LOCK_WAIT = 0
    try:
        assert confirm(client, second) == said(BUSY)
        second.refresh_from_db()
        assert (second.state, second.heartbeat_at) == (BatchState.PREVIEWED, None)
    finally:
        assert paused_import.finish().state == BatchState.IMPORTED
    assert Person.objects.count() == 10  # the first import's only
    assert confirm(client, second) == said("The workbook was imported.")  # once the first is written
    assert Person.objects.count() == 20


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_declared_stopped_while_it_was_only_slow_writes_nothing(world, paused_import):
    """The message "nothing was written" holds even if the worker was alive after all."""
    first = upload(logged_in(world.staff_a), people(world, 10))
    before = fingerprint()
    paused_import.start(first)
    try:
        ImportBatch.objects.filter(pk=first.pk).update(heartbeat_at=silent_since_too_long())
        assert services.fail_stopped_imports() == 1
    finally:
        outcome = paused_import.finish()
    assert isinstance(outcome, ValidationError) and outcome.messages == [english(STOPPED)]
    assert fingerprint() == before
    first.refresh_from_db()
    assert (first.state, first.error) == (BatchState.FAILED, in_language(first, STOPPED))


# --- a worker that stopped ----------------------------------------------------------------------


def claimed_by_a_worker(batch, heartbeat_at):
    """As a killed worker leaves a batch it claimed (confirm_batch): importing, with its last sign of life."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.IMPORTING, heartbeat_at=heartbeat_at)


def test_an_import_silent_for_too_long_is_failed_when_its_page_is_seen(world, client):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    claimed_by_a_worker(batch, silent_since_too_long())
    page = client.get(reverse("workbooks:batch", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.state, batch.error) == (BatchState.FAILED, in_language(batch, STOPPED))
    assert batch.parsed_rows is None and batch.planned_writes is None  # its kept plan dropped
    assert batch.error in page.content.decode()
    assert b'data-testid="progress"' not in page.content  # no progress bar waiting forever
    assert Person.objects.count() == 0


def test_the_progress_of_an_import_silent_for_too_long_says_it_failed(world, client):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    claimed_by_a_worker(batch, silent_since_too_long())
    progress = client.get(reverse("workbooks:progress", args=[batch.pk])).json()
    assert (progress["state"], progress["busy"]) == ("failed", False)
    assert progress["error"] == in_language(batch, STOPPED)


def test_the_import_page_lists_an_import_silent_for_too_long_as_failed(world, client):
    client.force_login(world.staff_a)
    batch = upload(client, people(world, 5))
    claimed_by_a_worker(batch, silent_since_too_long())
    client.get(reverse("workbooks:import"))
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED


def test_a_preview_whose_worker_stopped_is_failed_when_the_worker_begins_a_task(world, client):
    client.force_login(world.staff_a)
    reading = services.create_batch(kind="members", user=world.staff_a, file_name="a.xlsx", data=people(world, 3))
    ImportBatch.objects.filter(pk=reading.pk).update(state=BatchState.READING, heartbeat_at=silent_since_too_long())
    batch = upload(client, people(world, 5, prefix="Khác"))
    ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.IMPORTING, heartbeat_at=None)
    tasks.confirm_import.call(batch.pk, world.staff_a.pk)
    reading.refresh_from_db()
    assert (reading.state, reading.error, reading.file_data) == (
        BatchState.FAILED,
        in_language(reading, STOPPED),
        None,
    )
    assert ImportBatch.objects.get(pk=batch.pk).state == BatchState.IMPORTED


def test_an_import_alive_or_not_begun_stays_busy(world, client):
    client.force_login(world.staff_a)
    alive = upload(client, people(world, 5))
    claimed_by_a_worker(alive, timezone.now())
    waiting = upload(client, people(world, 5, prefix="Khác"))
    # Handed to the worker long ago, which has not begun it (busy elsewhere, or not running).
    ImportBatch.objects.filter(pk=waiting.pk).update(state=BatchState.IMPORTING, heartbeat_at=None)
    for batch in (alive, waiting):
        assert client.get(reverse("workbooks:progress", args=[batch.pk])).json()["busy"] is True
    assert services.fail_stopped_imports() == 0


def test_the_file_of_a_failed_import_imports_again(world, client):
    client.force_login(world.staff_a)
    data = people(world, 5)
    batch = upload(client, data)
    claimed_by_a_worker(batch, silent_since_too_long())
    client.get(reverse("workbooks:batch", args=[batch.pk]))
    again = upload(client, data)
    assert confirm(client, again) == said("The workbook was imported.")
    assert Person.objects.count() == 5


# --- a real worker, really killed ---------------------------------------------------------------


def database_url() -> str:
    """The test database, for a process of its own."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return found


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_an_import_leaves_the_data_as_it_was(world, settings, tmp_path):
    """A real ``db_worker`` process, stopped with SIGKILL while it writes the rows.

    The worker is held at a known point in the middle of the import: the test locks the table
    of the people's history (SHARE mode: reads pass, writes wait), so the worker writes the
    people in its transaction, then waits to write their history; there it is killed.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = logged_in(world.staff_a)
    data = people(world, 200)
    batch = upload(client, data)
    before = fingerprint()
    settings.WORKBOOK_BACKGROUND_ROWS = 100  # the confirmation goes to the worker
    history = connection.ops.quote_name(Person.history.model._meta.db_table)

    blocker = type(connections["default"])({**connection.settings_dict}, alias="blocker")
    log = open(tmp_path / "worker.log", "w+b")  # noqa: SIM115 - closed in finally
    worker = None
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {history} IN SHARE MODE")
        client.post(reverse("workbooks:confirm", args=[batch.pk]))  # enqueued at the commit
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0"],
            cwd=django_settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": database_url()},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def output():
            log.seek(0)
            return log.read().decode(errors="replace")

        def reported_progress():
            assert worker.poll() is None, output()
            return ImportBatch.objects.filter(pk=batch.pk, heartbeat_at__isnull=False).exclude(progress_stage="")

        wait_for(reported_progress, "the worker to report progress")

        def waiting_backend():
            assert worker.poll() is None, output()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [history.strip('"')]
                )
                row = cursor.fetchone()
            return row and row[0]

        backend = wait_for(waiting_backend, "the worker to write the people and wait for their history")
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(WAIT) == -signal.SIGKILL
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait(WAIT)
        log.close()
        blocker.rollback()
        blocker.close()

    def gone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone()[0] == 0

    wait_for(gone, "the database to end the killed worker's session")  # and roll its transaction back
    assert fingerprint() == before

    # Killed a moment ago: it could still be working, the page says so.
    assert client.get(reverse("workbooks:progress", args=[batch.pk])).json()["busy"] is True
    # Then, no sign of life for longer than WORKBOOK_STOPPED_AFTER.
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=F("heartbeat_at") - datetime.timedelta(seconds=settings.WORKBOOK_STOPPED_AFTER + 1)
    )
    page = client.get(reverse("workbooks:batch", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.state, batch.error) == (BatchState.FAILED, in_language(batch, STOPPED))
    assert batch.error in page.content.decode()
    assert fingerprint() == before

    settings.WORKBOOK_BACKGROUND_ROWS = 1000  # imported in the request this time
    again = upload(client, data)
    assert confirm(client, again) == said("The workbook was imported.")
    assert Person.objects.count() == before[0] + 200
