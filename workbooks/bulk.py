"""Writing many rows fast, with their audit history.

On PostgreSQL rows go in with ``COPY`` (primary keys reserved from the table's sequence
first, so that the objects know them); elsewhere with one ``executemany``. Changes are
one UPDATE run for all rows. Either way the number of queries does not grow with rows. The history rows
are the ones ``simple_history.utils.bulk_create_with_history`` and
``bulk_update_with_history`` would write (same fields, user, date and change reason),
built here and written the same fast way: the ORM's INSERTs made the history of a
100.000-row roster cost several times the import itself.
"""

from __future__ import annotations

import collections
import itertools
import operator
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

BATCH_SIZE = 2000


class Row:
    """A row of a model as plain attributes: what bulk writes and history records read.

    Several times lighter than a model instance (no per-object dict or state), which is
    what keeps a 100.000-row import within its memory. ``model`` is the model's class;
    attributes are the model's attnames (``branch_id``); ``pk`` is the primary key.
    """

    __slots__ = ("_refs",)
    model: type[models.Model]
    pk_attname = "id"

    @property
    def pk(self):
        return getattr(self, self.pk_attname)

    @pk.setter
    def pk(self, value):
        setattr(self, self.pk_attname, value)


_ROW_CLASSES: dict[type, type] = {}


def row_class(model: type[models.Model]) -> type[Row]:
    if model not in _ROW_CLASSES:
        attnames = tuple(field.attname for field in model._meta.concrete_fields)
        static, dynamic = {}, []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                dynamic.append(field)
            else:
                static[field.attname] = field.get_default()
        cls = type(
            f"{model.__name__}Row",
            (Row,),
            {
                "__slots__": attnames,
                "model": model,
                "pk_attname": model._meta.pk.attname,
                "attnames": attnames,
                "values_of": operator.attrgetter(*attnames),
            },
        )
        # A constructor with one keyword argument per field and its default: built once per
        # model, it sets a row's fields several times faster than a loop would.
        namespace = {"cls": cls, "defaults": static, "dynamic": {f.attname: f for f in dynamic}}
        arguments = ", ".join(f"{name}=defaults[{name!r}]" if name in static else f"{name}=None" for name in attnames)
        body = "\n".join(
            f"    obj.{name} = {name}"
            if name in static
            else f"    obj.{name} = dynamic[{name!r}].get_default() if {name} is None else {name}"
            for name in attnames
        )
        exec(f"def build(*, {arguments}):\n    obj = cls()\n{body}\n    return obj", namespace)
        cls.build = staticmethod(namespace["build"])
        _ROW_CLASSES[model] = cls
    return _ROW_CLASSES[model]


def new(model: type[models.Model], *, refs: dict | None = None, **values) -> Row:
    """A row to insert. ``values`` are by attname; ``refs`` maps an attname to a row not yet
    inserted (a new person for a new membership), whose primary key ``insert`` fills in.
    """
    cls = row_class(model)
    obj = cls.build(**values)
    obj._refs = refs
    return obj


def from_columns(model: type[models.Model], columns: dict[str, list], refs: list | None = None) -> list[Row]:
    """Rows made from their values column by column (each slot's setter mapped over a column).

    A column left out (the primary key of rows to insert) is None; ``refs`` gives each
    row's ``_refs``.
    """
    cls = row_class(model)
    count = len(next(iter(columns.values()))) if columns else 0
    objs = [cls() for _ in range(count)]
    for name in cls.attnames:
        collections.deque(map(cls.__dict__[name].__set__, objs, columns.get(name, itertools.repeat(None))), 0)
    collections.deque(map(Row._refs.__set__, objs, refs or itertools.repeat(None)), 0)
    return objs


def rows(queryset) -> Iterable[Row]:
    """The queryset's objects as rows with every concrete field, read in chunks."""
    from .lookups import stream

    cls = row_class(queryset.model)
    for values in stream(queryset.values_list(*cls.attnames)):
        obj = cls()
        for name, value in zip(cls.attnames, values, strict=True):
            setattr(obj, name, value)
        obj._refs = None
        yield obj


def model_of(obj) -> type[models.Model]:
    return obj.model if isinstance(obj, Row) else type(obj)


def _fill_foreign_keys(objs: list[models.Model]) -> None:
    """Copy the primary keys of related objects saved since they were assigned."""
    for obj in objs:
        if isinstance(obj, Row):
            for attname, ref in (obj._refs or {}).items():
                setattr(obj, attname, ref.pk)
        elif obj._state.fields_cache:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")


def hold_write_lock(batch) -> None:
    """On SQLite, take the database's write lock now, for the whole import transaction.

    SQLite has one writer at a time; holding the lock from the start is what lets
    ``_reserve_pks`` number rows itself. PostgreSQL locks rows, not the database: nothing to do.
    """
    if connection.vendor == "sqlite":
        table = connection.ops.quote_name(batch._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [batch.pk])


def _reserve_pks(model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: called in the series, pg_get_serial_sequence ran once per row.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite has one writer at a time and the import holds the write lock (hold_write_lock),
        # so no one else can take these numbers; AUTOINCREMENT never reuses a deleted row's.
        highest = f"SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}"
        used = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        cursor.execute(f"SELECT MAX(COALESCE(({highest}), 0), COALESCE(({used}), 0))", [table])
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _executemany(sql: str, fields: list, rows) -> None:
    """One statement for all rows; values are prepared by their fields as the ORM would."""
    prepared = (
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)] for row in rows
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(prepared))


def _insert_rows(model: type[models.Model], fields: list, rows) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    _executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", fields, rows)


def insert(model: type[models.Model], objs: list[models.Model], *, need_pks: bool = True) -> None:
    """Insert new objects in one statement (COPY on PostgreSQL); afterwards each knows its primary key.

    The caller holds a transaction in which it has already written (SQLite's write lock).
    """
    if not objs:
        return
    _fill_foreign_keys(objs)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if need_pks:
        for obj, pk in zip(objs, _reserve_pks(model, len(objs)), strict=True):
            obj.pk = pk
        fields = [model._meta.pk, *fields]
    values_of = operator.attrgetter(*(field.attname for field in fields))
    _insert_rows(model, fields, (values_of(obj) for obj in objs))
    for obj in objs:
        if not isinstance(obj, Row):
            obj._state.adding = False
            obj._state.db = connection.alias


def update(model: type[models.Model], objs: list[models.Model], fields: list[str]) -> None:
    """Write ``fields`` of changed objects: one UPDATE statement run for all of them."""
    if not objs or not fields:
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in targets)
    sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name(meta.pk.column)} = %s"
    values_of = operator.attrgetter(*(field.attname for field in targets), meta.pk.attname)
    rows = (values_of(obj) for obj in objs)
    _executemany(sql, [*targets, meta.pk], rows)


def record_history(
    model: type[models.Model], objs: Iterable[models.Model], *, history_type: str, user, reason: str
) -> None:
    """The historical rows simple-history would record for these objects ("+", "~" or "-")."""
    historical = get_history_manager_for_model(model).model
    tracked = {field.attname for field in historical.tracked_fields}
    constants = {
        "history_date": timezone.now(),
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": reason,
        "history_type": history_type,
    }
    fields = [field for field in historical._meta.concrete_fields if not field.primary_key]
    # Tracked fields first, then the history's own, which are the same on every row.
    ordered = [f for f in fields if f.attname in tracked] + [f for f in fields if f.attname not in tracked]
    own = operator.attrgetter(*(field.attname for field in ordered if field.attname in tracked))
    fixed = tuple(constants.get(field.attname) for field in ordered if field.attname not in tracked)
    _insert_rows(historical, ordered, (own(obj) + fixed for obj in objs))
