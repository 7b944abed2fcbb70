"""``/healthz``: 200 when the database answers and every migration is applied, else 503.

For a load balancer or a monitor, without a login. The JSON body says which check failed and
when the task worker last beat (core/heartbeat.py); a stale or missing worker is reported but
does not make the answer 503, as the pages work without it (only large imports wait). Nothing
else is told (no versions, no paths, no error texts: those go to the log), and nothing is
written: no session, no row.
"""

import datetime
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.heartbeat import worker_status

logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer (%s).", type(error).__name__)
        return False
    return True


def _migrations_applied() -> bool:
    """No migration on disk left unapplied (about 10 ms: the graph is read from the loaded modules)."""
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _worker() -> dict | None:
    try:
        status = worker_status()
    except DatabaseError:  # no heartbeat table yet: a migration is missing, which the check says already
        return None
    last_seen = status.last_seen.astimezone(datetime.UTC).isoformat(timespec="seconds") if status.last_seen else None
    return {"last_heartbeat": last_seen, "age_seconds": status.age_seconds, "stale": status.stale}


@login_not_required
@never_cache
@require_safe
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would need the database before the view could say it is down
def healthz(request):
    database = _database_answers()
    try:
        migrations = _migrations_applied() if database else None
    except DatabaseError as error:
        logger.warning("Health check: the migrations could not be read (%s).", type(error).__name__)
        database, migrations = False, None
    healthy = bool(database and migrations)
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unavailable",
        "migrations": "ok" if migrations else ("pending" if migrations is False else "unknown"),
        "worker": _worker() if database else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
