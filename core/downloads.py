"""One entry point for every download of personal data: ``log_download``, called by the view that sends it.

A view builds the file first, then logs it, then answers with it: a file that could not be
built leaves no entry, and with ``ATOMIC_REQUESTS`` a request that fails later takes its entry
with it. ``Counted`` counts the rows a writer takes from a generator, so that the entry says
how many rows of personal data went out.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.db import transaction

from .models import DownloadLog


class Counted:
    """The rows of an iterable, counted as they are taken (the rows written to a file)."""

    def __init__(self, rows: Iterable):
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        rows = iter(self._rows)
        try:
            for row in rows:
                self.count += 1
                yield row
        finally:
            # Closed early (a writer that failed), it closes its source: a database cursor, say.
            if hasattr(rows, "close"):
                rows.close()


# A logged parameter is evidence of what was asked, not a copy of anything a client sends.
MAX_LOGGED_TEXT = 200


def _text(value: str) -> str:
    # PostgreSQL's jsonb refuses NUL; a hostile query string must not turn a download into a 500.
    return value.replace("\x00", "\ufffd")[:MAX_LOGGED_TEXT]


def _plain(value):
    """A value JSON keeps as it is: dates as ISO text, anything else unknown as its (shortened) text."""
    if isinstance(value, str):
        return _text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return _text(str(value))


def query_filters(request) -> dict:
    """The query parameters: one value as itself, a repeated parameter as a list."""
    return {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}


@transaction.atomic
def log_download(
    *, request, kind: str, file_name: str, rows: int, filters: dict | None = None, area=None
) -> DownloadLog:
    """Log one download by ``request.user``.

    ``filters`` adds what the view resolved (a default date, the batch) to the query parameters;
    ``area`` (an ``areas.Area``) is what the file was limited to, by default the user's own area.
    """
    user = request.user
    if area is None and user.area_id is not None:
        area = user.area
    entry = DownloadLog(
        user=user,
        username=user.get_username(),
        kind=kind,
        file_name=file_name,
        path=request.path.replace("\x00", "\ufffd")[: DownloadLog._meta.get_field("path").max_length],
        filters={_text(key): _plain(value) for key, value in {**query_filters(request), **(filters or {})}.items()},
        rows=rows,
        area_path=area.path if area is not None else "",
        area_name=str(area) if area is not None else "",
    )
    entry.full_clean()
    entry.save()
    return entry
