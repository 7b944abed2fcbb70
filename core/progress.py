"""Progress of background work, written where a page polling it can read it while the work goes on.

The work writes in one transaction, which other connections cannot see into; so the
progress goes through a connection of its own, in autocommit. Where the database allows
one writer at a time (SQLite, while the work holds the write lock) an update that would
have to wait is skipped rather than awaited: progress is a hint, never a reason to slow
or fail the work.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


class SideWriter:
    """Runs an UPDATE that commits at once, even inside the caller's transaction."""

    def __init__(self, alias: str):
        self.alias = alias
        self.connection = None

    def _connection(self):
        if self.connection is None:
            default = connections["default"]
            settings = {**default.settings_dict}
            if default.vendor == "sqlite":
                settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 0}
            self.connection = type(default)(settings, alias=self.alias)
            if default.vendor == "postgresql":
                with self.connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")  # never wait on the work's own locks
        return self.connection

    def update(self, sql: str, params: list) -> None:
        # Outside a transaction the ordinary connection commits at once; inside, it would not show.
        default = connections["default"]
        connection = default if not default.in_atomic_block else self._connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        except DatabaseError:
            logger.debug("Progress not recorded (%s)", sql[:40], exc_info=True)

    def now(self):
        return connections["default"].ops.adapt_datetimefield_value(timezone.now())

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
