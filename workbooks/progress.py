"""Progress of a batch, written where a page polling it can read it while the import goes on
(``core.progress.SideWriter``: a connection of its own, in autocommit).

Every write also records the time (``heartbeat_at``): the batch's sign of life, by which a
batch whose worker was stopped is told from one still at work (``services.fail_stopped_imports``).
"""

from __future__ import annotations

import time

from core.progress import SideWriter

from .models import ImportBatch

MIN_INTERVAL = 0.5  # seconds between two writes


class Progress:
    def __init__(self, batch: ImportBatch | None, *, echo=None):
        self.batch = batch
        self.echo = echo  # a callable (stage, done, total) for the terminal
        self.last = 0.0
        self.writer = SideWriter("workbooks_progress")

    def __call__(self, stage: str, done: int = 0, total: int = 0, *, force: bool = False) -> None:
        if self.echo is not None:
            self.echo(stage, done, total)
        if self.batch is None or self.batch.pk is None:
            return
        now = time.monotonic()
        if not force and now - self.last < MIN_INTERVAL:
            return
        self.last = now
        self.writer.update(
            f"UPDATE {ImportBatch._meta.db_table} SET progress_stage = %s, progress_done = %s, progress_total = %s,"
            " heartbeat_at = %s WHERE id = %s",
            [str(stage)[:100], done, total, self.writer.now(), self.batch.pk],
        )

    def close(self) -> None:
        self.writer.close()
