"""Progress of a batch, written where a page polling it can read it while the work goes on.

The import writes in one transaction, which other connections cannot see into; so the
progress goes through a connection of its own, in autocommit. Where the database allows
one writer at a time (SQLite, while the import holds the write lock) an update that
would have to wait is skipped rather than awaited: progress is a hint, never a reason
to slow or fail an import.

Every write also records the time (``heartbeat_at``): the batch's sign of life, by which a
batch whose worker was stopped is told from one still at work (``services.fail_stopped_imports``).
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connections
from django.utils import timezone

from .models import ImportBatch

logger = logging.getLogger(__name__)
MIN_INTERVAL = 0.5  # seconds between two writes


class Progress:
    def __init__(self, batch: ImportBatch | None, *, echo=None):
        self.batch = batch
        self.echo = echo  # a callable (stage, done, total) for the terminal
        self.last = 0.0
        self.connection = None

    def _connection(self):
        if self.connection is None:
            default = connections["default"]
            settings = {**default.settings_dict}
            if default.vendor == "sqlite":
                settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 0}
            self.connection = type(default)(settings, alias="workbooks_progress")
            if default.vendor == "postgresql":
                with self.connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")  # never wait on the import's own locks
        return self.connection

    def __call__(self, stage: str, done: int = 0, total: int = 0, *, force: bool = False) -> None:
        if self.echo is not None:
            self.echo(stage, done, total)
        if self.batch is None or self.batch.pk is None:
            return
        now = time.monotonic()
        if not force and now - self.last < MIN_INTERVAL:
            return
        self.last = now
        table = ImportBatch._meta.db_table
        # Outside a transaction the ordinary connection commits at once; inside, it would not show.
        connection = connections["default"] if not connections["default"].in_atomic_block else self._connection()
        alive = connection.ops.adapt_datetimefield_value(timezone.now())
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress_stage = %s, progress_done = %s, progress_total = %s,"
                    " heartbeat_at = %s WHERE id = %s",
                    [str(stage)[:100], done, total, alive, self.batch.pk],
                )
        except DatabaseError:
            logger.debug("Progress of import %s not recorded", self.batch.pk, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
