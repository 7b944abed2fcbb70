"""The site's request handlers (config/wsgi.py, config/asgi.py): on SQLite, only requests that may write are atomic.

SQLite allows one writer at a time. A transaction that starts by reading and then writes cannot
wait for that lock: SQLite refuses it at once with "database is locked", whatever the timeout,
and 50 colleagues logging in together got half their logins answered with an error page. So every
transaction starts with BEGIN IMMEDIATE (``transaction_mode`` in config/settings.py), which takes
the write lock first and waits for it (``timeout``).

That lock would make each page a writer too. With ``ATOMIC_REQUESTS`` every page would wait for
any save, a long import (one transaction) would hold back every page until it ends or they fail
after the timeout (the import's own progress page included), and a slow report would hold back
every save. So on SQLite a GET, HEAD, OPTIONS or TRACE request runs outside a request
transaction: it reads without a lock, beside the writer (WAL). What it writes all the same (the
log of a download) goes through a service, whose ``transaction.atomic`` is then the outermost,
so it too begins IMMEDIATE and waits its turn. Every other request stays one transaction, as on
PostgreSQL, where nothing changes.
"""

import functools

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections, transaction

# The methods that change nothing (RFC 9110's safe methods, those Django's CSRF check lets through).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ReadsOutsideTransactionMixin:
    """``make_view_atomic`` (ATOMIC_REQUESTS) leaving the SQLite databases out of read requests."""

    def make_view_atomic(self, view):
        atomic_view = super().make_view_atomic(view)
        non_atomic = getattr(view, "_non_atomic_requests", set())
        atomic_aliases = [
            alias
            for alias, settings_dict in connections.settings.items()
            if settings_dict["ATOMIC_REQUESTS"] and alias not in non_atomic
        ]
        if not any(connections[alias].vendor == "sqlite" for alias in atomic_aliases):
            return atomic_view
        read_view = view
        for alias in atomic_aliases:
            if connections[alias].vendor != "sqlite":
                read_view = transaction.atomic(using=alias)(read_view)

        @functools.wraps(view)
        def view_for_method(request, *args, **kwargs):
            chosen = read_view if request.method in READ_METHODS else atomic_view
            return chosen(request, *args, **kwargs)

        return view_for_method


class SiteWSGIHandler(ReadsOutsideTransactionMixin, WSGIHandler):
    pass


class SiteASGIHandler(ReadsOutsideTransactionMixin, ASGIHandler):
    pass
