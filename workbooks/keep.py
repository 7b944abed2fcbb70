"""What a preview keeps for its confirmation: the writes it planned and the reads they rest on.

A planner is a function of the rows, the user, the day and what it read from the database.
The preview records the queries its planner ran and a digest of their answers; confirming
runs the same queries again, inside the import's transaction. The same answers mean the
same plan, so the kept writes are carried out as they are and the rows are not checked a
second time; other answers mean something changed, and the rows are planned again.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import zlib
from collections.abc import Iterator
from decimal import Decimal

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.module_loading import import_string

from . import bulk, storage
from .plan import Writes

# --- reads ------------------------------------------------------------------------------------


class ReadLog:
    """The SELECT statements run on the default connection while it is installed."""

    def __init__(self):
        self.queries: list[tuple[str, list]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many and sql.lstrip()[:6].upper() == "SELECT":
            self.queries.append((sql, list(params or ())))
        return execute(sql, params, many, context)


@contextlib.contextmanager
def recording_reads() -> Iterator[ReadLog]:
    log = ReadLog()
    with connection.execute_wrapper(log):
        yield log


@contextlib.contextmanager
def consistent_reads():
    """One snapshot for every read inside: the plan and the digest of what it read must agree.

    On PostgreSQL a REPEATABLE READ transaction; SQLite's transactions see one snapshot anyway.
    Inside a transaction already begun (tests) the level cannot change and is left as it is.
    """
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def digest(queries: list[tuple[str, list]], *, context: tuple) -> str:
    """A digest of the queries' answers, whatever the order of their rows."""
    total = 0
    with connection.cursor() as cursor:
        for index, (sql, params) in enumerate(queries):
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(5000):
                for row in chunk:
                    # Summed row digests: PostgreSQL may return the rows in another order.
                    text = f"{index}|{row!r}".encode()
                    total += int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")
    return hashlib.sha256(f"{context!r}|{len(queries)}|{total}".encode()).hexdigest()


def pack_reads(queries: list[tuple[str, list]]) -> bytes:
    return storage.pack([[sql, params] for sql, params in queries], level=storage.FAST)


def unpack_reads(blob) -> list[tuple[str, list]]:
    return [(sql, params) for sql, params in storage.unpack(blob)]


# --- writes ---------------------------------------------------------------------------------
#
# Kept column by column, one JSON line per column in one zlib stream: a roster of 100.000
# rows becomes a few long lists, written and read without a Python object per cell
# beyond the values themselves. Dates and decimals travel as text, restored by field type.

_TO_TEXT = {"DateField": datetime.date.isoformat, "DateTimeField": datetime.datetime.isoformat, "DecimalField": str}
_FROM_TEXT = {
    "DateField": datetime.date.fromisoformat,
    "DateTimeField": datetime.datetime.fromisoformat,
    "DecimalField": Decimal,
}


def _convert(model: type[models.Model], attname: str, values: list, table: dict) -> list:
    convert = table.get(model._meta.get_field(attname).get_internal_type())
    if convert is None:
        return values
    return [None if value is None else convert(value) for value in values]


def _refs(obj) -> dict:
    """The objects an object to create refers to by attname (a row's ``_refs``, a model's cache)."""
    if isinstance(obj, bulk.Row):
        return obj._refs or {}
    cache = obj._state.fields_cache
    return {f.attname: cache[f.name] for f in obj._meta.concrete_fields if cache.get(f.name) is not None}


def _line(compressor, data) -> bytes:
    text = json.dumps(data, default=storage.encode, ensure_ascii=False, separators=(",", ":"))
    return compressor.compress(text.encode() + b"\n")


def pack_writes(writes: Writes) -> bytes:
    """The writes as data; an object to create that refers to another one to create keeps its place."""
    place = {}
    for model in writes.order:
        label = model._meta.label
        place.update((id(obj), (label, i)) for i, obj in enumerate(writes.creates.get(model, [])))
    parts = []  # (header, objects, the column lines after the fields)
    for model in writes.order:
        label = model._meta.label
        if created := writes.creates.get(model):
            refs: dict[str, tuple[str, list]] = {}
            for index, obj in enumerate(created):
                for attname, target in _refs(obj).items():
                    if id(target) not in place:  # already in the database: its key is known
                        setattr(obj, attname, target.pk)
                    else:
                        target_label, target_index = place[id(target)]
                        if attname not in refs:
                            refs[attname] = (target_label, [None] * len(created))
                        refs[attname][1][index] = target_index
            fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            header = {
                "label": label,
                "fields": fields,
                "refs": [[name, target] for name, (target, _i) in refs.items()],
            }
            parts.append((header, created, [indexes for _target, indexes in refs.values()]))
        if updated := writes.updates.get(model):
            fields = [f.attname for f in model._meta.concrete_fields]
            befores = [before for _obj, before in updated.values()]
            parts.append(
                ({"label": label, "fields": fields, "updates": True}, [o for o, _b in updated.values()], [befores])
            )
    followups = [[f"{function.__module__}.{function.__qualname__}", list(args)] for function, args in writes.followups]
    compressor = zlib.compressobj(storage.FAST)
    out = [
        _line(
            compressor,
            {"order": [m._meta.label for m in writes.order], "parts": [p[0] for p in parts], "followups": followups},
        )
    ]
    for header, objs, extra in parts:
        model = apps.get_model(header["label"])
        for attname in header["fields"]:
            out.append(_line(compressor, _convert(model, attname, [getattr(o, attname) for o in objs], _TO_TEXT)))
        out.extend(_line(compressor, column) for column in extra)
    out.append(compressor.flush())
    return b"".join(out)


def unpack_writes(blob) -> Writes:
    lines = iter(zlib.decompress(blob).split(b"\n"))
    data = json.loads(next(lines))
    writes = Writes([apps.get_model(label) for label in data["order"]])
    created: dict[str, list] = {}
    for header in data["parts"]:
        model = apps.get_model(header["label"])
        columns = {name: _convert(model, name, json.loads(next(lines)), _FROM_TEXT) for name in header["fields"]}
        if header.get("updates"):
            befores = json.loads(next(lines), object_hook=storage.decode)
            objs = bulk.from_columns(model, columns)
            writes.updates[model] = {obj.pk: (obj, before) for obj, before in zip(objs, befores, strict=True)}
            continue
        count = len(next(iter(columns.values())))
        refs = [{} for _ in range(count)] if header["refs"] else None
        for attname, target in header["refs"]:
            targets = created[target]
            for own, index in zip(refs, json.loads(next(lines)), strict=True):
                if index is not None:
                    own[attname] = targets[index]
        created[header["label"]] = writes.creates[model] = bulk.from_columns(model, columns, refs)
    for path, args in data["followups"]:
        writes.after(import_string(path), *args)
    return writes
