"""Fast bulk loading for benchmarks: PostgreSQL COPY, or executemany elsewhere.

Rows are dicts of field attnames; fields a row leaves out take the model field's default,
so a new column with a default does not break the benchmarks.
"""

import datetime
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from django.db import connection
from django.db.models import Model


def batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:  # itertools.batched is Python 3.12+
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load(model: type[Model], rows: Iterable[dict], chunk: int = 50_000) -> int:
    """Insert ``rows`` (streamed, never all in memory at once); returns how many."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    rows = chain([first], iterator)
    # Rows without ids let the database number them.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in first)]
    defaults = {f.attname: (f.get_default() if f.has_default() or f.null or f.blank else None) for f in fields}
    attnames = [f.attname for f in fields]
    table = model._meta.db_table
    column_list = ", ".join(f'"{f.column}"' for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
                for batch in batched(rows, chunk):
                    copy.write(
                        "".join("\t".join(_text(r.get(a, defaults[a])) for a in attnames) + "\n" for r in batch)
                    )
                    count += len(batch)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            for batch in batched(rows, chunk):
                cursor.executemany(
                    f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})',
                    [[r.get(a, defaults[a]) for a in attnames] for r in batch],
                )
                count += len(batch)
    return count


def reset_sequence(model: type[Model]) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT setval(pg_get_serial_sequence('"{table}"', 'id'), (SELECT MAX(id) FROM "{table}"))"""
        )
