"""The membership roll-ups: each branch's counts over time, kept by the database itself.

A report for a date used to count the million membership periods in force that day. The
counts change only when the history is written, so the database keeps them as it writes:

- ``RollupDay``: for a branch and a day, how its counts change that day (a period that
  begins adds one to its status, one that ends takes it away; a joining adds one to
  ``joined``, an ending one to ``ended_<reason>``, a Party introduction or admission to
  ``introduced`` or ``admitted``: these are cumulative, so the events of a year are the
  difference of two days);
- ``RollupMonth``: for a branch and each month of the ``RollupCalendar``, its counts on the
  month's first day (the checkpoint), so that a date reads one checkpoint and the few days
  between it and the date, from either side.

People in several organizations count once. For the people whose periods are marked
``shares_person`` the triggers keep ``RollupSegment``: the stretches over which such a
person is a member of one set of branches (a ``RollupCombo``, one branch or more),
and, like the branches' counts, the people of each set by day and month
(``RollupComboDay``, ``RollupComboMonth``). A report counts a set's people once in every
row holding one of its branches, and once in the total.

Triggers on the periods, the memberships and the people write all of these in the
statement that changes the history, whatever writes it: the pages' services, an import's
bulk COPY, its undo, the admin, a data migration, raw SQL. A figure is right the moment
the write commits.

Concurrent writers: each statement adds its changes with ``INSERT … ON CONFLICT DO UPDATE
SET n = n + excluded.n``, under a row lock held to the commit, so two writers to one
branch both land (no read-modify-write, no lost update). On PostgreSQL the triggers run
once per statement (a COPY of 100.000 periods is one grouped upsert, its checkpoints
drawn from its day changes: ``Counts.months``; a statement of a few rows joins them to the
months they span: ``Counts.spanned_months``) and take the rows in key order; the services
that write periods lock the branches they touch in id order first
(``branches.services.lock_branches``), so two transactions never wait for each
other's roll-up rows in opposite orders. A month added to the calendar
(``extend_calendar``) takes a table lock that waits for the writers in flight.

``rebuild`` recomputes everything from the history (``verify_rollups --repair``);
``differences`` compares what is kept with that recomputation.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection, transaction

from core import triggers

from .models import (
    ROLLUP_COUNTS,
    EndReason,
    RollupCalendar,
    RollupCombo,
    RollupComboBranch,
    RollupComboDay,
    RollupComboMonth,
    RollupDay,
    RollupMonth,
    RollupSegment,
)

PERIODS = "members_membershipperiod"
MEMBERSHIPS = "members_membership"
PEOPLE = "members_person"
CALENDAR = RollupCalendar._meta.db_table
COMBOS = RollupCombo._meta.db_table
COMBO_BRANCHES = RollupComboBranch._meta.db_table
SEGMENTS = RollupSegment._meta.db_table
# Checkpoints are kept from January of this many years back (reports look five years back).
YEARS_KEPT = 6


@dataclass(frozen=True)
class Counts:
    """A pair of day and month tables of counts per key (a branch, or a set of branches)."""

    key: str
    day: str
    month: str
    columns: tuple[str, ...]

    @property
    def listed(self) -> str:
        return ", ".join(self.columns)

    def sums(self, prefix: str = "") -> str:
        return triggers.sums(self.columns, prefix)

    def not_all_zero(self, prefix: str = "") -> str:
        return triggers.any_sum(self.columns, prefix)

    def add_on_conflict(self, table: str, date_column: str) -> str:
        return triggers.add_on_conflict(table, f"{date_column}, {self.key}", self.columns)

    def days(self, items: str) -> str:
        """The SELECT of each key's change on each day (key_id, day, counts) that ``items``
        (rows of key_id, start_day, end_day, counts) make: their counts come in on their
        start day and go out on their end day. Each item is read once, joined to both signs."""
        signed = ", ".join(f"SUM(sign.n * i.{name}) AS {name}" for name in self.columns)
        return (
            f"SELECT i.key_id, CASE WHEN sign.n = 1 THEN i.start_day ELSE i.end_day END AS day, {signed} "
            f"FROM ({items}) AS i JOIN (SELECT 1 AS n UNION ALL SELECT -1) AS sign "
            f"ON sign.n = 1 OR i.end_day IS NOT NULL GROUP BY 1, 2 HAVING {self.not_all_zero('sign.n * i.')}"
        )

    def months(self, days: str) -> str:
        """The SELECT of what the day changes ``days`` add to each checkpoint (key_id, month, counts).

        A change counts in every checkpoint from the first month on or after its day: the
        changes summed per key and first month, added up month after month, then carried
        over the months without changes. Its rows grow with the keys and months touched,
        not with the items (an import of 100.000 periods since 2010 reads no 8 million rows).
        """
        running = ", ".join(
            f"SUM(SUM({name})) OVER (PARTITION BY key_id ORDER BY bucket) AS {name}" for name in self.columns
        )
        bucket = f"(SELECT MIN(month) FROM {CALENDAR} WHERE month >= d.day)"
        return (
            f"SELECT s.key_id, c.month, {', '.join(f's.{name}' for name in self.columns)} FROM ("
            f"SELECT key_id, bucket, LEAD(bucket) OVER (PARTITION BY key_id ORDER BY bucket) AS next_bucket, "
            f"{running} FROM (SELECT d.key_id, {bucket} AS bucket, {', '.join(f'd.{n}' for n in self.columns)} "
            f"FROM ({days}) AS d) AS b WHERE bucket IS NOT NULL GROUP BY key_id, bucket"
            f") AS s JOIN {CALENDAR} AS c ON c.month >= s.bucket "
            f"AND (s.next_bucket IS NULL OR c.month < s.next_bucket) "
            f"WHERE {' OR '.join(f's.{name} <> 0' for name in self.columns)}"
        )

    def spanned_months(self, items: str) -> str:
        """The same as ``months`` for a few items: each joined to the checkpoints it spans,
        which for one or two rows plans and runs faster than the running sums."""
        return (
            f"SELECT i.key_id, c.month, {self.sums('i.')} FROM ({items}) AS i "
            f"JOIN {CALENDAR} AS c ON c.month >= i.start_day AND (i.end_day IS NULL OR c.month < i.end_day) "
            f"GROUP BY i.key_id, c.month HAVING {self.not_all_zero('i.')}"
        )

    def upserts(self, items: str, *, bulk: bool = False) -> list[str]:
        """The statements adding ``items`` to both tables, rows taken in key order."""
        days = self.days(items)
        months = self.months(days) if bulk else self.spanned_months(items)
        return [
            f"INSERT INTO {self.day} ({self.key}, day, {self.listed}) SELECT * FROM ({days}) AS d "
            f"WHERE true ORDER BY key_id, day {self.add_on_conflict(self.day, 'day')}",
            f"INSERT INTO {self.month} ({self.key}, month, {self.listed}) SELECT * FROM ({months}) AS m "
            f"WHERE true ORDER BY key_id, month {self.add_on_conflict(self.month, 'month')}",
        ]


BRANCH_COUNTS = Counts("branch_id", RollupDay._meta.db_table, RollupMonth._meta.db_table, ROLLUP_COUNTS)
COMBO_COUNTS = Counts("combo_id", RollupComboDay._meta.db_table, RollupComboMonth._meta.db_table, ("people",))


# --- What a row of the history adds --------------------------------------------------------


def _zeros(*, but: dict[str, str]) -> str:
    return ", ".join(f"{but.get(name, '0')} AS {name}" for name in ROLLUP_COUNTS)


def _contains(period: str, day: str) -> str:
    return f"{day} >= {period}.valid_from AND ({period}.valid_to IS NULL OR {day} < {period}.valid_to)"


def _introduced(memberships: str, periods: str, sign: int) -> str:
    """An introduction to the Party counts from its day on in the branch of the period holding it."""
    return (
        f"SELECT p.branch_id AS key_id, m.introduced_to_party_on AS start_day, CAST(NULL AS date) AS end_day, "
        f"{_zeros(but={'introduced': str(sign)})} "
        f"FROM {memberships} AS m JOIN {periods} AS p ON p.membership_id = m.id "
        f"WHERE m.introduced_to_party_on IS NOT NULL AND {_contains('p', 'm.introduced_to_party_on')}"
    )


def _admitted(people: str, periods: str, sign: int) -> str:
    """An admission to the Party counts in each branch the person was a member of that day."""
    return (
        f"SELECT p.branch_id AS key_id, h.party_joined_on AS start_day, CAST(NULL AS date) AS end_day, "
        f"{_zeros(but={'admitted': str(sign)})} "
        f"FROM {people} AS h JOIN {periods} AS p ON p.person_id = h.id "
        f"WHERE h.party_joined_on IS NOT NULL AND {_contains('p', 'h.party_joined_on')}"
    )


def _looked_up(periods: str, day: str, count: str, sign: int) -> str:
    """What each of a few periods holds of a day read by key from its membership or person
    (``day``, a scalar subquery over ``p``): one index probe a period, whatever the size of
    the tables. Joined, PostgreSQL hashed every introduced membership and every admitted
    person of the database for each import's statement (with cold caches 0,43 s of its 0,48
    for 20.000 periods; no difference measured for 100.000 with warm ones)."""
    return (
        f"SELECT key_id, start_day, CAST(NULL AS date) AS end_day, {_zeros(but={count: str(sign)})} FROM "
        f"(SELECT p.branch_id AS key_id, {day} AS start_day, p.valid_from, p.valid_to FROM {periods} AS p) AS x "
        f"WHERE start_day >= x.valid_from AND (x.valid_to IS NULL OR start_day < x.valid_to)"
    )


def _period_items(source: str, sign: int, *, few: bool = False) -> str:
    """A period is in its status (and ``sole``) over [valid_from, valid_to), and holds the
    Party introduction or admission of its membership that falls within it. ``few``: the
    periods a write changed (a trigger's), each looking its membership and person up; the
    whole table (a rebuild) is joined to them instead."""
    one = f"{sign} * CASE WHEN status = '{{}}' THEN 1 ELSE 0 END"
    counts = {status: one.format(status) for status in ("present", "away", "stopped")}
    counts["sole"] = f"{sign} * CASE WHEN shares_person THEN 0 ELSE 1 END"
    if few:
        introduced = f"(SELECT m.introduced_to_party_on FROM {MEMBERSHIPS} AS m WHERE m.id = p.membership_id)"
        admitted = f"(SELECT h.party_joined_on FROM {PEOPLE} AS h WHERE h.id = p.person_id)"
        held = [_looked_up(source, introduced, "introduced", sign), _looked_up(source, admitted, "admitted", sign)]
    else:
        held = [_introduced(MEMBERSHIPS, source, sign), _admitted(PEOPLE, source, sign)]
    return (
        f"SELECT branch_id AS key_id, valid_from AS start_day, valid_to AS end_day, {_zeros(but=counts)} "
        f"FROM {source} AS src UNION ALL {' UNION ALL '.join(held)}"
    )


def _membership_items(source: str, sign: int) -> str:
    """A joining counts from its day on in the branch joined; an ending from its day in the last branch."""
    ended = {
        f"ended_{reason}": f"{sign} * CASE WHEN end_reason = '{reason}' THEN 1 ELSE 0 END"
        for reason in EndReason.values
    }
    return (
        f"SELECT joined_branch_id AS key_id, joined_on AS start_day, CAST(NULL AS date) AS end_day, "
        f"{_zeros(but={'joined': str(sign)})} FROM {source} AS src "
        f"UNION ALL SELECT branch_id, ended_on, CAST(NULL AS date), {_zeros(but=ended)} "
        f"FROM {source} AS src WHERE ended_on IS NOT NULL"
    )


def _membership_changes(source: str, sign: int) -> str:
    """A membership changed: its joining and ending, and its introduction as its periods hold it.

    (A new membership has no periods yet, and a membership's periods go before it does.)
    """
    return f"{_membership_items(source, sign)} UNION ALL {_introduced(source, PERIODS, sign)}"


def _person_changes(source: str, sign: int) -> str:
    return _admitted(source, PERIODS, sign)


def _alone_items(segments: str, sign: int) -> str:
    """A stretch in one branch counts its person in that branch, like a sole period."""
    return (
        f"SELECT CAST(branches AS bigint) AS key_id, valid_from AS start_day, valid_to AS end_day, "
        f"{_zeros(but={'alone': str(sign)})} FROM ({segments}) AS a WHERE size = 1"
    )


def _set_items(segments: str, sign: int) -> str:
    """A stretch in two or more branches counts its person in the set."""
    return (
        f"SELECT combo_id AS key_id, valid_from AS start_day, valid_to AS end_day, {sign} AS people "
        f"FROM ({segments}) AS a WHERE size > 1"
    )


def _kept_segments(people: str) -> str:
    return (
        f"SELECT s.person_id, s.combo_id, c.branches, c.size, s.valid_from, s.valid_to FROM {SEGMENTS} AS s "
        f"JOIN {COMBOS} AS c ON c.id = s.combo_id WHERE s.person_id IN ({people})"
    )


# --- People's sets of branches ------------------------------------------------------------------


def _sorted_ids(vendor: str) -> str:
    if vendor == "postgresql":
        return "string_agg(CAST(branch_id AS text), ',' ORDER BY branch_id)"
    return "group_concat(branch_id, ',')"  # fed in order by the subquery below


def _segments(vendor: str, who: str) -> str:
    """The stretches over which each person chosen by ``who`` (a condition on the periods)
    is a member of the same branches: person_id, branches, valid_from, valid_to."""
    chosen = f"SELECT person_id, branch_id, valid_from, valid_to FROM {PERIODS} WHERE {who}"
    points = (
        f"SELECT person_id, valid_from AS t FROM ({chosen}) AS a "
        f"UNION SELECT person_id, valid_to FROM ({chosen}) AS b WHERE valid_to IS NOT NULL"
    )
    stretches = (
        f"SELECT person_id, t AS s, LEAD(t) OVER (PARTITION BY person_id ORDER BY t) AS e FROM ({points}) AS pt"
    )
    covered = (
        f"SELECT g.person_id, g.s, g.e, x.branch_id FROM ({stretches}) AS g JOIN ({chosen}) AS x "
        f"ON x.person_id = g.person_id AND {_contains('x', 'g.s')} ORDER BY g.person_id, g.s, x.branch_id"
    )
    return (
        f"SELECT person_id, {_sorted_ids(vendor)} AS branches, COUNT(*) AS size, s AS valid_from, e AS valid_to "
        f"FROM ({covered}) AS v GROUP BY person_id, s, e"
    )


def _segment_writes(vendor: str, people: str) -> list[str]:
    """Statements replacing the segments of ``people`` (a SELECT of person ids) by new ones from their periods."""
    segments = _segments(vendor, f"person_id IN ({people}) AND shares_person")
    if vendor == "postgresql":
        split = "CAST(unnest(string_to_array(c.branches, ',')) AS bigint) FROM {combos} AS c"
    else:
        split = "CAST(j.value AS integer) FROM {combos} AS c, json_each('[' || c.branches || ']') AS j"
    return [
        f"DELETE FROM {SEGMENTS} WHERE person_id IN ({people})",
        f"INSERT INTO {COMBOS} (branches, size) SELECT DISTINCT branches, size FROM ({segments}) AS s WHERE true "
        f"ON CONFLICT (branches) DO NOTHING",
        # The branches of the new sets of two or more.
        f"INSERT INTO {COMBO_BRANCHES} (combo_id, branch_id) SELECT c.id, {split.format(combos=COMBOS)} "
        f"WHERE c.size > 1 AND c.branches IN (SELECT branches FROM ({segments}) AS s) "
        f"AND NOT EXISTS (SELECT 1 FROM {COMBO_BRANCHES} AS k WHERE k.combo_id = c.id) "
        f"ON CONFLICT (combo_id, branch_id) DO NOTHING",
        f"INSERT INTO {SEGMENTS} (person_id, combo_id, valid_from, valid_to) "
        f"SELECT s.person_id, c.id, s.valid_from, s.valid_to FROM ({segments}) AS s "
        f"JOIN {COMBOS} AS c ON c.branches = s.branches",
    ]


def _segment_counts(people: str, sign: int, *, bulk: bool) -> list[str]:
    kept = _kept_segments(people)
    return [
        *BRANCH_COUNTS.upserts(_alone_items(kept, sign), bulk=bulk),
        *COMBO_COUNTS.upserts(_set_items(kept, sign), bulk=bulk),
    ]


def _resegment(vendor: str, people: str, *, bulk: bool) -> list[str]:
    """The segments of ``people`` recomputed, and what they count: the old segments' counts
    go out, the new ones' come in."""
    return [
        *_segment_counts(people, -1, bulk=bulk),
        *_segment_writes(vendor, people),
        *_segment_counts(people, 1, bulk=bulk),
    ]


SHARED_PEOPLE = f"SELECT person_id FROM {PERIODS} WHERE shares_person"


# --- Triggers ---------------------------------------------------------------------------------

# The tables whose writes change the roll-ups, what a changed row adds, and on which events
# (a person counts only through their periods: new people have none, and people with
# periods cannot be deleted).
SOURCES = {
    PERIODS: (functools.partial(_period_items, few=True), ("INSERT", "UPDATE", "DELETE")),
    MEMBERSHIPS: (_membership_changes, ("INSERT", "UPDATE", "DELETE")),
    PEOPLE: (_person_changes, ("UPDATE",)),
}


def _model_of(table: str):
    from .models import Membership, MembershipPeriod, Person

    return {PERIODS: MembershipPeriod, MEMBERSHIPS: Membership, PEOPLE: Person}[table]


def _statements(vendor: str, table: str, event: str, *, bulk: bool) -> tuple[list[str], tuple[str, list[str]] | None]:
    """A trigger's statements for every change, and, guarded, those only for changes of
    periods of people who share them (their segments), which most writes skip."""
    items_of, _events = SOURCES[table]
    sources = [(source, sign) for _name, source, sign in triggers.rows_of(vendor, _model_of(table), event)]
    items = " UNION ALL ".join(items_of(source, sign) for source, sign in sources)
    statements = BRANCH_COUNTS.upserts(items, bulk=bulk)
    guarded = None
    if table == PERIODS:
        people = " UNION ".join(f"SELECT person_id FROM {source} AS r WHERE shares_person" for source, _ in sources)
        guarded = ("{rows}.shares_person", _resegment(triggers.dialect(vendor), people, bulk=bulk))
    if event == "DELETE" and table in (PERIODS, MEMBERSHIPS):
        # No history left (the tests' flush deletes every table, in an order of its own):
        # nothing to count either, whatever the deletions before added.
        empty = f"NOT EXISTS (SELECT 1 FROM {PERIODS}) AND NOT EXISTS (SELECT 1 FROM {MEMBERSHIPS})"
        derived = (BRANCH_COUNTS.day, BRANCH_COUNTS.month, COMBO_COUNTS.day, COMBO_COUNTS.month, SEGMENTS)
        derived += (COMBO_BRANCHES, COMBOS)
        statements += [f"DELETE FROM {name} WHERE {empty}" for name in derived]
    return statements, guarded


def _trigger(vendor: str, table: str, event: str) -> list[str]:
    statements, guarded = _statements(vendor, table, event, bulk=False)
    when = "OLD.party_joined_on IS NOT NEW.party_joined_on" if table == PEOPLE else ""
    return triggers.create_sql(
        vendor,
        name=triggers.name_for(table, event),
        table=table,
        event=event,
        statements=statements,
        when=when,
        guarded=guarded,
        bulk=_statements(vendor, table, event, bulk=True),
    )


def trigger_sql(vendor: str) -> list[str]:
    """The statements that create the triggers on this database."""
    return [
        sql
        for table, (_items, events) in SOURCES.items()
        for event in events
        for sql in _trigger(vendor, table, event)
    ]


def drop_trigger_sql(vendor: str) -> list[str]:
    return [
        sql
        for table, (_items, events) in SOURCES.items()
        for event in events
        for sql in triggers.drop_sql(vendor, name=triggers.name_for(table, event), table=table)
    ]


def install_triggers(schema_editor=None) -> None:
    keys = [(c.day, f"day, {c.key}") for c in (BRANCH_COUNTS, COMBO_COUNTS)]
    keys += [(c.month, f"month, {c.key}") for c in (BRANCH_COUNTS, COMBO_COUNTS)]
    triggers.install(schema_editor, statements_of=trigger_sql, unique_keys=tuple(keys))


def remove_triggers(schema_editor=None) -> None:
    triggers.remove(schema_editor, statements_of=drop_trigger_sql)


# --- The calendar of checkpoints ----------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def wanted_months(today: datetime.date) -> list[datetime.date]:
    month, months = datetime.date(today.year - YEARS_KEPT, 1, 1), []
    while month <= today:
        months.append(month)
        month = next_month(month)
    return months


def _lock_writers(cursor) -> None:
    """Wait for the writers in flight and hold new ones, so that a new checkpoint misses none."""
    if connection.vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {BRANCH_COUNTS.day}, {COMBO_COUNTS.day} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def extend_calendar(*, today: datetime.date) -> int:
    """Add the months up to ``today``'s that the calendar lacks, each with every checkpoint.

    A checkpoint is the one before it plus the changes of the days between. Returns the
    number of months added. Reads are right without it (they read the days after the
    last checkpoint); they are only slower.
    """
    known = set(RollupCalendar.objects.values_list("month", flat=True))
    missing = [m for m in wanted_months(today) if not known or m > max(known)]
    if not missing:
        return 0
    with connection.cursor() as cursor:
        _lock_writers(cursor)
        for month in missing:
            previous = max(known) if known else None
            for counts in (BRANCH_COUNTS, COMBO_COUNTS):
                cursor.execute(f"DELETE FROM {counts.month} WHERE month = %s", [month])  # none, unless left over
                base, since, params = "", "", [month, month]
                if previous is not None:
                    base = f"SELECT {counts.key}, {counts.listed} FROM {counts.month} WHERE month = %s UNION ALL "
                    since = "day > %s AND "
                    params = [month, previous, previous, month]
                cursor.execute(
                    f"INSERT INTO {counts.month} ({counts.key}, month, {counts.listed}) "
                    f"SELECT {counts.key}, %s, {counts.sums()} FROM ("
                    f"{base}SELECT {counts.key}, {counts.listed} FROM {counts.day} WHERE {since}day <= %s) AS c "
                    f"GROUP BY {counts.key} HAVING {counts.not_all_zero()}",
                    params,
                )
            RollupCalendar.objects.create(month=month)
            known.add(month)
    return len(missing)


# --- Rebuilding and checking ----------------------------------------------------------------


def _recomputed(counts: Counts, items: str) -> tuple[str, str]:
    """SELECTs of the day and month rows (key_id, date, counts) that ``items`` make."""
    days = counts.days(items)
    return days, counts.months(days)


def _branch_items() -> str:
    periods, memberships = _period_items(PERIODS, 1), _membership_items(MEMBERSHIPS, 1)
    return f"SELECT * FROM ({periods}) AS p UNION ALL SELECT * FROM ({memberships}) AS m"


def _recomputed_segments(vendor: str) -> str:
    """The segments straight from the periods, each set keyed by its text (no ids)."""
    segments = _segments(vendor, "shares_person")
    return f"SELECT branches AS combo_id, branches, size, valid_from, valid_to FROM ({segments}) AS r"


@transaction.atomic
def rebuild(*, today: datetime.date | None = None) -> None:
    """Recompute every roll-up from the history, with the calendar of the months kept up to ``today``."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _lock_writers(cursor)
        for model in (RollupDay, RollupMonth, RollupComboDay, RollupComboMonth, RollupSegment, RollupCalendar):
            model.objects.all().delete()
        RollupCalendar.objects.bulk_create(
            RollupCalendar(month=m) for m in wanted_months(today or datetime.date.today())
        )
        for statement in _segment_writes(vendor, SHARED_PEOPLE):
            cursor.execute(statement)
        kept = _kept_segments(SHARED_PEOPLE)
        branch_items = f"{_branch_items()} UNION ALL {_alone_items(kept, 1)}"
        for counts, items in ((BRANCH_COUNTS, branch_items), (COMBO_COUNTS, _set_items(kept, 1))):
            days, months = _recomputed(counts, items)
            cursor.execute(f"INSERT INTO {counts.day} ({counts.key}, day, {counts.listed}) {days}")
            cursor.execute(f"INSERT INTO {counts.month} ({counts.key}, month, {counts.listed}) {months}")


@dataclass(frozen=True)
class Difference:
    table: str
    key: str  # a branch's id, or a set of branches ("12,57")
    when: datetime.date
    field: str
    kept: int
    expected: int


def _compare(table: str, kept_rows, expected_rows, columns) -> list[Difference]:
    kept = {(str(row[0]), _as_date(row[1])): tuple(row[2:]) for row in kept_rows}
    expected = {(str(row[0]), _as_date(row[1])): tuple(row[2:]) for row in expected_rows}
    zeros, found = (0,) * len(columns), []
    for key in sorted(set(expected) | set(kept)):
        for name, have, want in zip(columns, kept.get(key, zeros), expected.get(key, zeros), strict=True):
            if have != want:
                found.append(Difference(table, key[0], key[1], name, have, want))
    return found


def differences(*, branch_ids: list[int] | None = None) -> list[Difference]:
    """Every count the roll-ups keep that differs from the history (a row of zeros is no row).

    With ``branch_ids``, the branches' counts and the sets holding one of them.
    """
    vendor, found = connection.vendor, []
    chosen = set(branch_ids) if branch_ids is not None else None

    def fetch(sql: str) -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    segments = _recomputed_segments(vendor)
    days, months = _recomputed(BRANCH_COUNTS, f"{_branch_items()} UNION ALL {_alone_items(segments, 1)}")
    for label, model, date_field, select in (("day", RollupDay, "day", days), ("month", RollupMonth, "month", months)):
        rows = model.objects.values_list("branch_id", date_field, *ROLLUP_COUNTS)
        expected = fetch(select)
        if chosen is not None:
            rows = rows.filter(branch_id__in=chosen)
            expected = [row for row in expected if row[0] in chosen]
        found += _compare(label, rows.iterator(chunk_size=5000), expected, ROLLUP_COUNTS)
    text = dict(RollupCombo.objects.values_list("id", "branches"))
    days, months = _recomputed(COMBO_COUNTS, _set_items(segments, 1))
    for label, model, date_field, select in (
        ("people day", RollupComboDay, "day", days),
        ("people month", RollupComboMonth, "month", months),
    ):
        kept = [(text[c], when, n) for c, when, n in model.objects.values_list("combo_id", date_field, "people")]
        expected = fetch(select)
        if chosen is not None:

            def touches(branches: str) -> bool:
                return any(int(b) in chosen for b in branches.split(","))

            kept = [row for row in kept if touches(row[0])]
            expected = [row for row in expected if touches(row[0])]
        found += _compare(label, kept, expected, ("people",))
    return found


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """How the counts of ``on`` are read: the checkpoint ``month`` (None: no calendar, the
    changes of every day up to ``on``), plus the changes after it up to ``on``, or minus the
    changes after ``on`` up to it when it comes later."""

    on: datetime.date
    month: datetime.date | None
    later: bool = False

    @property
    def days(self) -> tuple[datetime.date | None, datetime.date]:
        """The changes read: days in (start, end] (start None: from the beginning)."""
        if self.later:
            return self.on, self.month
        return self.month, self.on


def readings(days: list[datetime.date]) -> list[Reading]:
    """For each day, the nearest checkpoint (one query)."""
    months = sorted(RollupCalendar.objects.values_list("month", flat=True))
    found = []
    for on in days:
        if not months:
            found.append(Reading(on=on, month=None))
            continue
        before = month_start(on) if months[0] <= month_start(on) <= months[-1] else None
        if before is None:
            before = months[-1] if on > months[-1] else None
        after = next_month(on) if months[0] <= next_month(on) <= months[-1] else None
        if on < months[0]:
            after = months[0]
        if before is not None and (after is None or (on - before) <= (after - on)):
            found.append(Reading(on=on, month=before))
        else:
            found.append(Reading(on=on, month=after, later=True))
    return found
