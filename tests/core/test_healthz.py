"""``/healthz`` (core/health.py): 200 only when the database answers and every migration is applied.

The task worker's heartbeat is reported, stale or not, without turning the answer into 503.
"""

import datetime
import logging
import signal
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.compat import TASKS_LOGGER

from accounts.models import Role
from core.heartbeat import Heartbeat, record_beat, worker_name
from core.models import WorkerHeartbeat
from tests import factories

NOON = datetime.datetime(2025, 3, 1, 5, 0, tzinfo=datetime.UTC)
NEVER_SEEN = {"last_heartbeat": None, "age_seconds": None, "stale": True}


def healthz(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    return response


@pytest.mark.django_db
def test_a_healthy_site_answers_200_with_the_checks_and_nothing_else(client):
    response = healthz(client)

    assert response.status_code == 200
    # Exactly these keys: no versions, no paths, no host names.
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "worker": NEVER_SEEN}
    assert "no-cache" in response["Cache-Control"]  # a proxy does not keep an old answer


@pytest.mark.django_db
def test_the_check_only_reads_and_opens_no_session(client):
    with CaptureQueriesContext(connection) as queries:
        response = healthz(client)

    assert response.status_code == 200
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert set(statements) <= {"SELECT", "WITH"}, statements
    assert len(statements) <= 4  # SELECT 1, the migrations (and their table on SQLite), the last beat
    assert response.cookies == {}
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_a_migration_not_applied_answers_503(client):
    future = Migration("0099_future", "core")
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[(future, False)]):
        response = healthz(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "pending",
        "worker": NEVER_SEEN,
    }


@pytest.mark.django_db
def test_a_database_that_does_not_answer_answers_503_without_its_error(client):
    down = OperationalError('connection to server at "10.1.2.3", port 5432 failed: password authentication failed')
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=down):
        response = healthz(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "migrations": "unknown",
        "worker": None,
    }
    assert b"10.1.2.3" not in response.content


@pytest.mark.django_db
def test_the_workers_last_heartbeat_and_its_age_are_reported(client):
    record_beat(worker="may-chu:4242", interval_seconds=30, now=NOON - datetime.timedelta(seconds=40))
    record_beat(worker="may-chu:4100", interval_seconds=30, now=NOON - datetime.timedelta(days=1))

    with mock.patch("django.utils.timezone.now", return_value=NOON):
        response = healthz(client)

    assert response.status_code == 200
    assert response.json()["worker"] == {
        "last_heartbeat": "2025-03-01T04:59:20+00:00",
        "age_seconds": 40,
        "stale": False,
    }
    assert b"may-chu" not in response.content


@pytest.mark.django_db
def test_a_stale_worker_is_reported_but_the_site_stays_up(client):
    # Three beats of 30 seconds missed.
    record_beat(worker="may-chu:4242", interval_seconds=30, now=NOON - datetime.timedelta(seconds=91))

    with mock.patch("django.utils.timezone.now", return_value=NOON):
        response = healthz(client)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["worker"] == {
        "last_heartbeat": "2025-03-01T04:58:29+00:00",
        "age_seconds": 91,
        "stale": True,
    }


@pytest.mark.django_db
def test_a_beat_of_the_heartbeat_makes_the_worker_fresh(client):
    pulse = Heartbeat(interval=30, worker="may-chu:4242")
    assert pulse.beat()

    worker = healthz(client).json()["worker"]
    assert worker["last_heartbeat"] is not None
    assert worker["stale"] is False
    assert WorkerHeartbeat.objects.get().worker == "may-chu:4242"

    pulse.beat()  # the same row moves on, no second row
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_worker_records_its_heartbeat_when_it_runs(client):
    assert healthz(client).json()["worker"] == NEVER_SEEN
    # The worker takes the process's signals and sets its loggers' levels: given back afterwards.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in (TASKS_LOGGER, "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    try:
        # --batch: run the tasks waiting (none), then stop, as the worker does when told to.
        call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", "--heartbeat", "5", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)

    worker = healthz(client).json()["worker"]
    assert worker["last_heartbeat"] is not None
    assert worker["stale"] is False
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker, beat.interval_seconds) == (worker_name(), 5)


@pytest.mark.django_db
def test_a_signed_in_user_sees_no_more_than_a_stranger(client):
    tree = factories.area_tree()
    anonymous = healthz(client).json()
    client.force_login(factories.user(Role.COMMUNE, tree.commune_b, username="xa-khac"))

    assert healthz(client).json() == anonymous


@pytest.mark.django_db
def test_a_monitor_on_the_server_may_ask_in_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert healthz(client).status_code == 200
    assert client.get(reverse("login")).status_code == 301  # every other page goes to HTTPS


@pytest.mark.django_db
def test_only_reading_is_allowed(client):
    assert client.post(reverse("healthz")).status_code in (403, 405)
