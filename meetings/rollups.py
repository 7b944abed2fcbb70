"""The meetings report's roll-ups: each branch's meetings per month and per year, kept by triggers.

``MeetingMonth`` and ``MeetingYear`` hold a branch's number of meetings, members present
and on the rolls, cadre visits and visits reported, meetings off and on the regular day and
meetings that discussed the month's note; the year also holds how many of its
months had a meeting. Triggers on the meetings and the visits add to them in the
statement that writes (core.triggers; like members.rollups, the same upsert that adds,
so that two writers both land). A meeting counts its visits when it is written or moved;
a visit written later counts through its meeting (a meeting's visits go before it does).
"""

from __future__ import annotations

from django.db import connection, transaction

from core import triggers

from .models import MEETING_COUNTS, CadreVisit, Meeting, MeetingKind, MeetingMonth, MeetingYear

MEETINGS = Meeting._meta.db_table
VISITS = CadreVisit._meta.db_table
MONTHS = MeetingMonth._meta.db_table
YEARS = MeetingYear._meta.db_table
LISTED = ", ".join(MEETING_COUNTS)
SUMS, ANY_SUM = triggers.sums(MEETING_COUNTS), triggers.any_sum(MEETING_COUNTS)


def _month_of(vendor: str, day: str) -> str:
    if triggers.dialect(vendor) == "postgresql":
        return f"CAST(date_trunc('month', {day}) AS date)"
    return f"date({day}, 'start of month')"


def _year_of(vendor: str, day: str) -> str:
    if triggers.dialect(vendor) == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {day}) AS integer)"
    return f"CAST(strftime('%Y', {day}) AS integer)"


def _meeting_items(vendor: str, source: str, sign: int) -> str:
    visits = f"SELECT COUNT(*) FROM {VISITS} AS v WHERE v.meeting_id = m.id"
    return (
        f"SELECT m.branch_id AS key_id, {_month_of(vendor, 'm.held_on')} AS month, "
        f"{_year_of(vendor, 'm.held_on')} AS year, {sign} AS meetings, {sign} * m.members_present AS attended, "
        f"{sign} * m.members_on_roll AS on_roll, {sign} * ({visits}) AS visits, "
        f"{sign} * ({visits} AND v.reported_on IS NOT NULL) AS visit_reports, "
        f"{sign} * CASE WHEN m.kind = '{MeetingKind.REGULAR}' AND NOT m.on_regular_day THEN 1 ELSE 0 END AS off_day, "
        f"{sign} * CASE WHEN m.on_regular_day THEN 1 ELSE 0 END AS on_day, "
        f"{sign} * CASE WHEN m.orientation_discussed THEN 1 ELSE 0 END AS notes_discussed FROM {source} AS m"
    )


def _visit_items(vendor: str, source: str, sign: int) -> str:
    return (
        f"SELECT m.branch_id AS key_id, {_month_of(vendor, 'm.held_on')} AS month, "
        f"{_year_of(vendor, 'm.held_on')} AS year, 0 AS meetings, 0 AS attended, 0 AS on_roll, "
        f"{sign} AS visits, {sign} * CASE WHEN v.reported_on IS NULL THEN 0 ELSE 1 END AS visit_reports, "
        f"0 AS off_day, 0 AS on_day, 0 AS notes_discussed "
        f"FROM {source} AS v JOIN {MEETINGS} AS m ON m.id = v.meeting_id"
    )


def _months_met(items: str) -> str:
    """The months met of the branches' years the items touch, counted again from their months."""
    return (
        f"UPDATE {YEARS} SET months_met = (SELECT COUNT(*) FROM {MONTHS} AS mm WHERE mm.branch_id = {YEARS}.branch_id "
        f"AND mm.year = {YEARS}.year AND mm.meetings > 0) "
        f"FROM (SELECT DISTINCT key_id, year FROM ({items}) AS i) AS touched "
        f"WHERE {YEARS}.branch_id = touched.key_id AND {YEARS}.year = touched.year"
    )


def _upserts(items: str) -> list[str]:
    return [
        f"INSERT INTO {MONTHS} (branch_id, month, year, {LISTED}) SELECT key_id, month, year, {SUMS} "
        f"FROM ({items}) AS i GROUP BY key_id, month, year HAVING {ANY_SUM} ORDER BY key_id, month "
        f"{triggers.add_on_conflict(MONTHS, 'month, branch_id', MEETING_COUNTS)}",
        f"INSERT INTO {YEARS} (branch_id, year, months_met, {LISTED}) SELECT key_id, year, 0, {SUMS} "
        f"FROM ({items}) AS i GROUP BY key_id, year HAVING {ANY_SUM} ORDER BY key_id, year "
        f"{triggers.add_on_conflict(YEARS, 'year, branch_id', MEETING_COUNTS)}",
        _months_met(items),
    ]


SOURCES = {MEETINGS: (Meeting, _meeting_items), VISITS: (CadreVisit, _visit_items)}


def trigger_sql(vendor: str) -> list[str]:
    created = []
    for table, (model, items_of) in SOURCES.items():
        for event in triggers.EVENTS:
            rows = triggers.rows_of(vendor, model, event)
            items = " UNION ALL ".join(items_of(vendor, source, sign) for _name_, source, sign in rows)
            created += triggers.create_sql(
                vendor, name=triggers.name_for(table, event), table=table, event=event, statements=_upserts(items)
            )
    return created


def drop_trigger_sql(vendor: str) -> list[str]:
    return [
        sql
        for table in SOURCES
        for event in triggers.EVENTS
        for sql in triggers.drop_sql(vendor, name=triggers.name_for(table, event), table=table)
    ]


def install_triggers(schema_editor=None) -> None:
    keys = ((MONTHS, "month, branch_id"), (YEARS, "year, branch_id"))
    triggers.install(schema_editor, statements_of=trigger_sql, unique_keys=keys)


def remove_triggers(schema_editor=None) -> None:
    triggers.remove(schema_editor, statements_of=drop_trigger_sql)


def _recomputed(vendor: str) -> tuple[str, str]:
    """SELECTs of the month rows (branch, month, counts…) and year rows (branch, year, counts…,
    months met) straight from the meetings."""
    items = _meeting_items(vendor, MEETINGS, 1)
    months = f"SELECT key_id, month, year, {SUMS} FROM ({items}) AS i GROUP BY key_id, month, year HAVING {ANY_SUM}"
    years = (
        f"SELECT key_id, year, {SUMS}, SUM(CASE WHEN meetings > 0 THEN 1 ELSE 0 END) AS months_met "
        f"FROM ({months}) AS m GROUP BY key_id, year"
    )
    return months, years


@transaction.atomic
def rebuild() -> None:
    months, years = _recomputed(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MONTHS}")
        cursor.execute(f"DELETE FROM {YEARS}")
        cursor.execute(f"INSERT INTO {MONTHS} (branch_id, month, year, {LISTED}) SELECT * FROM ({months}) AS m")
        cursor.execute(f"INSERT INTO {YEARS} (branch_id, year, {LISTED}, months_met) SELECT * FROM ({years}) AS y")


def differences(*, branch_ids=None) -> list[tuple]:
    """(table, branch, month or year, field, kept, expected) for every count that differs from the meetings."""
    months, years = _recomputed(connection.vendor)
    found = []
    for label, model, select, key, columns in (
        ("meetings month", MeetingMonth, months, "month", MEETING_COUNTS),
        ("meetings year", MeetingYear, years, "year", (*MEETING_COUNTS, "months_met")),
    ):
        with connection.cursor() as cursor:
            cursor.execute(select)
            expected = {(row[0], str(row[1])): dict(zip(columns, row[-len(columns) :], strict=True)) for row in cursor}
        kept_rows = model.objects.values_list("branch_id", key, *columns)
        kept = {(row[0], str(row[1])): dict(zip(columns, row[2:], strict=True)) for row in kept_rows}
        zeros = dict.fromkeys(columns, 0)
        for branch_when in sorted(set(kept) | set(expected)):
            if branch_ids is not None and branch_when[0] not in branch_ids:
                continue
            have, want = kept.get(branch_when, zeros), expected.get(branch_when, zeros)
            for name in columns:
                if have[name] != want[name] and not (
                    name == "months_met" and not any(have.values()) and not any(want.values())
                ):
                    found.append((label, branch_when[0], branch_when[1], name, have[name], want[name]))
    return found
