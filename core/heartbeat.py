"""The task worker's heartbeat: ``Heartbeat`` beats while ``manage.py run_worker`` runs, ``worker_status`` reads it.

A thread of the worker's process writes the time into its row every ``interval`` seconds, so a
worker busy with a long import still beats; ``/healthz`` reports the latest beat, and calls it
stale after ``STALE_AFTER_BEATS`` missed beats.
"""

import datetime
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 30
STALE_AFTER_BEATS = 3
# The rows of workers that stopped (each process has its own) are dropped when a worker starts.
FORGET_AFTER = datetime.timedelta(days=7)


def worker_name() -> str:
    """This process: host name and process id."""
    return f"{socket.gethostname()[:200]}:{os.getpid()}"


@transaction.atomic
def record_beat(*, worker: str, interval_seconds: int, now: datetime.datetime | None = None) -> WorkerHeartbeat:
    beat = WorkerHeartbeat.objects.filter(worker=worker).first() or WorkerHeartbeat(worker=worker)
    beat.last_seen = now or timezone.now()
    beat.interval_seconds = interval_seconds
    beat.full_clean()
    beat.save()
    return beat


@transaction.atomic
def forget_stopped_workers(*, now: datetime.datetime | None = None) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=(now or timezone.now()) - FORGET_AFTER).delete()
    return deleted


@dataclass(frozen=True)
class WorkerStatus:
    last_seen: datetime.datetime | None  # None: no worker has ever beaten
    age_seconds: int | None
    stale: bool


def worker_status(*, now: datetime.datetime | None = None) -> WorkerStatus:
    """The latest beat of any worker: one query."""
    beat = WorkerHeartbeat.objects.order_by("-last_seen").only("last_seen", "interval_seconds").first()
    if beat is None:
        return WorkerStatus(last_seen=None, age_seconds=None, stale=True)
    age = max(0, int(((now or timezone.now()) - beat.last_seen).total_seconds()))
    return WorkerStatus(
        last_seen=beat.last_seen, age_seconds=age, stale=age > STALE_AFTER_BEATS * beat.interval_seconds
    )


class Heartbeat:
    """Beats at ``start``, then every ``interval`` seconds in a thread of its own until ``stop``."""

    def __init__(self, *, interval: int = INTERVAL_SECONDS, worker: str | None = None):
        self.interval = interval
        self.worker = worker or worker_name()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def beat(self) -> bool:
        """Record one beat; a database that does not answer is logged, and the next beat tries again."""
        try:
            record_beat(worker=self.worker, interval_seconds=self.interval)
        except DatabaseError:
            logger.warning("The task worker's heartbeat could not be recorded.", exc_info=True)
            return False
        return True

    def start(self) -> None:
        try:
            forget_stopped_workers()
        except DatabaseError:
            logger.warning("Old task worker heartbeats could not be dropped.", exc_info=True)
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                close_old_connections()  # this thread's own connection, as the worker's loop does with its own
                self.beat()
        finally:
            connections.close_all()  # this thread's connections only
