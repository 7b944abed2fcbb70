"""Triggers that keep derived counts in the statement that writes their source, on both databases.

PostgreSQL runs a trigger once per statement, with the statement's old and new rows as
transition tables (a COPY of 100.000 rows is then one grouped statement); SQLite runs it
per row, with ``OLD`` and ``NEW``. A trigger's statements read the changed rows from
``rows_of``' sources, each with the sign it counts with (new rows add, old rows take away).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, models

EVENTS = ("INSERT", "UPDATE", "DELETE")
_ROWS = {
    "postgresql": {
        "INSERT": [("new_rows", 1)],
        "UPDATE": [("new_rows", 1), ("old_rows", -1)],
        "DELETE": [("old_rows", -1)],
    },
    "sqlite": {"INSERT": [("NEW", 1)], "UPDATE": [("NEW", 1), ("OLD", -1)], "DELETE": [("OLD", -1)]},
}
_PG_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


# --- SQL pieces of the counts the triggers keep ----------------------------------------------


def sums(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"SUM({prefix}{name}) AS {name}" for name in columns)


def any_sum(columns: tuple[str, ...], prefix: str = "") -> str:
    """A HAVING condition: some count adds up to something (a group of zeros writes nothing)."""
    return " OR ".join(f"SUM({prefix}{name}) <> 0" for name in columns)


def add_on_conflict(table: str, keys: str, columns: tuple[str, ...]) -> str:
    """An upsert's end that adds the new counts to the row already there, under its lock."""
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in columns)
    return f"ON CONFLICT ({keys}) DO UPDATE SET {added}"


def name_for(table: str, event: str) -> str:
    return f"{table}_rollup_{event.lower()}"


def dialect(vendor: str) -> str:
    return "postgresql" if vendor == "postgresql" else "sqlite"


def rows_of(vendor: str, model: type[models.Model], event: str) -> list[tuple[str, str, int]]:
    """The changed rows of an event: (row name, the rows as a table, sign).

    The table is PostgreSQL's transition table, or SQLite's NEW or OLD row as a one-row SELECT.
    """
    found = []
    for rows, sign in _ROWS[dialect(vendor)][event]:
        table = rows
        if dialect(vendor) == "sqlite":
            columns = _columns_in_table(model)
            table = "(SELECT " + ", ".join(f"{rows}.{column} AS {column}" for column in columns) + ")"
        found.append((rows, table, sign))
    return found


def _columns_in_table(model: type[models.Model]) -> list[str]:
    """The model's columns the table has now: a migration installing triggers runs before the
    later ones add their columns."""
    with connection.cursor() as cursor:
        present = {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
    return [field.column for field in model._meta.concrete_fields if field.column in present]


# A PostgreSQL statement of this many changed rows or more runs a trigger's bulk statements.
BULK_ROWS = 50


def _pg_body(event: str, statements: list[str], guarded: tuple[str, list[str]] | None) -> str:
    run = "".join(f"{statement};\n" for statement in statements)
    if guarded:
        condition, more = guarded
        rows = _ROWS["postgresql"][event]
        test = " UNION ALL ".join(f"SELECT 1 FROM {r} WHERE {condition.format(rows=r)}" for r, _ in rows)
        run += f"IF EXISTS ({test}) THEN {''.join(f'{st};' for st in more)} END IF;\n"
    return run


def create_sql(
    vendor: str,
    *,
    name: str,
    table: str,
    event: str,
    statements: list[str],
    when: str = "",
    guarded: tuple[str, list[str]] | None = None,
    bulk: tuple[list[str], tuple[str, list[str]] | None] | None = None,
) -> list[str]:
    """The statements creating trigger ``name`` after ``event`` on ``table``.

    ``when`` (SQLite) fires it only for rows meeting the condition. ``guarded`` is a
    condition on a changed row (written with ``{rows}`` for its name) and statements run
    only when some changed row meets it. ``bulk`` (PostgreSQL): the statements and guarded
    statements that replace them for a statement of ``BULK_ROWS`` changed rows or more
    (SQL whose cost grows with what is touched rather than with the rows, but which plans
    slower for a page's one or two rows).
    """
    if dialect(vendor) == "postgresql":
        run = _pg_body(event, statements, guarded)
        if bulk is not None:
            rows = _ROWS["postgresql"][event][0][0]
            run = (
                f"IF (SELECT count(*) FROM (SELECT 1 FROM {rows} LIMIT {BULK_ROWS}) AS n) < {BULK_ROWS} "
                f"THEN {run} ELSE {_pg_body(event, *bulk)} END IF;\n"
            )
        return [
            # No JIT: the planner cannot know how many rows a transition table holds, and for a
            # bulk statement it compiled some ninety functions per upsert, for seconds.
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off "
            f"AS $$ BEGIN {run} RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {_PG_REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    run = "".join(f"{statement};\n" for statement in statements)
    created = [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{f' WHEN {when}' if when else ''} "
        f"BEGIN {run} END",
    ]
    if guarded:
        condition, more = guarded
        rows = " OR ".join(condition.format(rows=r) for r, _ in _ROWS["sqlite"][event])
        created += [
            f"DROP TRIGGER IF EXISTS {name}_guarded",
            f"CREATE TRIGGER {name}_guarded AFTER {event} ON {table} FOR EACH ROW WHEN {rows} "
            f"BEGIN {''.join(f'{st};' for st in more)} END",
        ]
    return created


def drop_sql(vendor: str, *, name: str, table: str) -> list[str]:
    if dialect(vendor) == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return [f"DROP TRIGGER IF EXISTS {name}", f"DROP TRIGGER IF EXISTS {name}_guarded"]


def install(
    schema_editor=None, *, statements_of: Callable[[str], list[str]], unique_keys: tuple[tuple[str, str], ...] = ()
) -> None:
    """Create triggers on a migration's database (or the default one): ``statements_of(vendor)``.

    ``unique_keys`` (table, columns) are the unique constraints that the models declare with
    included columns, which only PostgreSQL creates; elsewhere the triggers' upserts need
    the plain unique index.
    """
    target = schema_editor.connection if schema_editor else connection
    with target.cursor() as cursor:
        if dialect(target.vendor) != "postgresql":
            for table, columns in unique_keys:
                cursor.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_key ON {table} ({columns})")
        for statement in statements_of(target.vendor):
            cursor.execute(statement)


def remove(schema_editor=None, *, statements_of: Callable[[str], list[str]]) -> None:
    target = schema_editor.connection if schema_editor else connection
    with target.cursor() as cursor:
        for statement in statements_of(target.vendor):
            cursor.execute(statement)
