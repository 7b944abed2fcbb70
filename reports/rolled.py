"""Reading the membership roll-ups (``members.rollups``) into a report's rows.

Each day's counts are its nearest checkpoint plus or minus the changes of the days
between, added up in SQL by day, row and organization over the branch placements of the
units' date, so a province's report reads its branches' roll-ups in one grouped query and
Python receives a few dozen rows. People in several branches at once take one more query
(``shared_people``). ``reports.history`` counts the same from the periods.
"""

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import F

from areas.models import AreaLevel, in_force_q
from branches.models import BranchPlacement
from members.models import ROLLUP_COUNTS, EndReason, MembershipStatus, RollupDay, RollupMonth
from members.rollups import COMBO_BRANCHES, COMBO_COUNTS, Reading, readings

from .grouping import BranchIndex, Tally, Units, row_key

DAYS, MONTHS = RollupDay._meta.db_table, RollupMonth._meta.db_table


def _placed(units: Units, organization, **columns) -> tuple[str, list]:
    """The SQL of the branches placed in the area on the units' date (of one organization, or
    all), each with its row ``key`` and ``columns``, and its parameters."""
    placements = BranchPlacement.objects.filter(in_force_q(units.on), path__startswith=units.path)
    if organization is not None:
        placements = placements.filter(branch__organization_id=organization.pk)
    placed = placements.order_by().values("branch_id", key=row_key(units, "path", "branch_id"), **columns)
    sql, params = placed.query.sql_with_params()
    return sql, list(params)


def rolled_counts(*, index: BranchIndex, organization, plan: dict[datetime.date, Reading]) -> tuple[dict, dict]:
    """For each day of ``plan``, its counts by (row key, organization id), absent keys counting
    zero; and the branches the index counts, by (row key, organization id). One query.

    Each day is its checkpoint plus, or minus, the changes of the days between: the rows of
    both, each marked with the day it serves (and the changes with their sign), are added up
    in SQL by day, row and organization; the area's placements, read once for the join, are
    counted in the same pass.
    """
    units = index.units
    days = list(plan)
    # Each part reads the area's branches only: a commune probes the index for its hundred
    # branches instead of reading every branch's checkpoint of the month; a province holds
    # most branches, and reading the whole month costs less than probing for each.
    mine = "TRUE" if units.area.level == AreaLevel.PROVINCE else "branch_id IN (SELECT branch_id FROM placed)"
    parts, params = [], []
    for serves, reading in enumerate(plan.values()):
        if reading.month is not None:
            columns = ", ".join(ROLLUP_COUNTS)
            parts.append(f"SELECT {serves} AS d, branch_id, {columns} FROM {MONTHS} WHERE month = %s AND {mine}")
            params.append(reading.month)
        start, end = reading.days
        if start != end:
            sign = -1 if reading.later else 1
            signed = ", ".join(f"{sign} * {name} AS {name}" for name in ROLLUP_COUNTS)
            after = "day > %s AND " if start else ""
            parts.append(f"SELECT {serves} AS d, branch_id, {signed} FROM {DAYS} WHERE {after}day <= %s AND {mine}")
            params += [start, end] if start else [end]
    counts = {day: defaultdict(lambda: dict.fromkeys(ROLLUP_COUNTS, 0)) for day in days}
    branches = {}
    placed_sql, placed_params = _placed(units, organization, org=F("branch__organization_id"), counted=index.counted)
    sums = ", ".join(f"SUM(c.{name})" for name in ROLLUP_COUNTS)
    zeros = ", 0" * (len(ROLLUP_COUNTS) - 1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH placed AS MATERIALIZED ({placed_sql}) SELECT c.d, p.key, p.org, {sums} "
            f"FROM ({' UNION ALL '.join(parts)}) AS c JOIN placed AS p ON p.branch_id = c.branch_id "
            f"GROUP BY c.d, p.key, p.org UNION ALL SELECT -1, key, org, SUM(counted){zeros} FROM placed "
            "GROUP BY key, org",
            [*placed_params, *params],
        )
        for serves, key, org, *values in cursor.fetchall():
            if serves < 0:
                branches[key, org] = values[0]
            else:
                counts[days[serves]][key, org] = dict(zip(ROLLUP_COUNTS, values, strict=True))
    return counts, branches


def add_counts(
    *,
    tally: Tally,
    index: BranchIndex,
    units: Units,
    organization,
    on: datetime.date,
    year_before: datetime.date,
) -> tuple[dict[str, int], int]:
    """Add the roll of ``on`` and a year earlier, the year's events (each the difference of
    two days' cumulative counts) and the branches ``index`` counts to ``tally``; return the
    people who are members of several branches at once, by row and in all. Three queries."""
    before_year = on.replace(month=1, day=1) - datetime.timedelta(days=1)
    plan = dict(zip([on, year_before, before_year], readings([on, year_before, before_year]), strict=True))
    rolled, branches = rolled_counts(index=index, organization=organization, plan=plan)
    tally.add(({"key": key, "org": org, "branches": n} for (key, org), n in branches.items()), fields=["branches"])
    now, then, earlier = rolled[on], rolled[year_before], rolled[before_year]
    yearly = ["joined", *(f"ended_{reason}" for reason in EndReason.values), "introduced", "admitted"]
    tally.add(
        (
            {
                "key": key,
                "org": org,
                "present": now[key, org]["present"],
                "away": now[key, org]["away"],
                "stopped": now[key, org]["stopped"],
                "sole_people": now[key, org]["sole"] + now[key, org]["alone"],
                "members_year_before": sum(then[key, org][status] for status in MembershipStatus.values),
                **{f: now[key, org][f] - earlier[key, org][f] for f in yearly},
            }
            for key, org in set(now) | set(then) | set(earlier)
        ),
        fields=["present", "away", "stopped", "sole_people", "members_year_before", *yearly],
    )
    return shared_people(units=units, organization=organization, reading=plan[on])


def shared_people(*, units: Units, organization, reading: Reading) -> tuple[dict[str, int], int]:
    """People who are members of two or more branches at once on the reading's day, once per
    row and once in the total (one query).

    Each such set of branches counts its people in every row where one of its branches sits
    on the units' date, and once in the total when any does.
    """
    placed_sql, params = _placed(units, organization)
    # The sets that hold a branch of the area (through the branch index, so a commune reads
    # its own), then their people on the day: the checkpoint, plus or minus the days between.
    mine = "combo_id IN (SELECT combo_id FROM touched)"
    # A province holds most sets: reading every set's count (one range of the index) and
    # joining it costs less than looking each of its tens of thousands of sets up.
    counted = "TRUE" if units.area.level == AreaLevel.PROVINCE else mine
    start, end = reading.days
    sign = -1 if reading.later else 1
    # Each placement's row computed once and numbered, so that the sets' first and last rows
    # are small integers to compare rather than texts.
    ctes = [
        "placed AS MATERIALIZED (SELECT branch_id, key, DENSE_RANK() OVER (ORDER BY key) AS k "
        f"FROM ({placed_sql}) AS pl)",
        f"held AS (SELECT b.combo_id, p.k FROM {COMBO_BRANCHES} AS b JOIN placed AS p ON p.branch_id = b.branch_id)",
        "touched AS (SELECT combo_id, MIN(k) AS first_k, MAX(k) AS last_k FROM held GROUP BY combo_id)",
    ]
    checkpoint = f"SELECT combo_id, people FROM {COMBO_COUNTS.month} WHERE month = %s AND {counted}"
    if start != end:
        after = "day > %s AND " if start else ""
        ctes.append(
            f"changes AS (SELECT combo_id, {sign} * SUM(people) AS people FROM {COMBO_COUNTS.day} "
            f"WHERE {after}day <= %s AND {counted} GROUP BY combo_id)"
        )
        params += [start, end] if start else [end]
    # The checkpoint's counts with the changes of the days between, then the sets that changed
    # and had no count at the checkpoint: no grouping of the tens of thousands of checkpoint rows.
    if reading.month is None:
        counts = "SELECT combo_id, people FROM changes"
    elif start == end:
        counts = checkpoint
        params.append(reading.month)
    else:
        counts = (
            f"SELECT m.combo_id, m.people + COALESCE(c.people, 0) AS people FROM ({checkpoint}) AS m "
            "LEFT JOIN changes AS c ON c.combo_id = m.combo_id "
            "UNION ALL SELECT c.combo_id, c.people FROM changes AS c WHERE NOT EXISTS "
            f"(SELECT 1 FROM {COMBO_COUNTS.month} AS m WHERE m.month = %s AND m.combo_id = c.combo_id)"
        )
        params += [reading.month, reading.month]
    # Most sets sit in one row (a person's memberships in one hamlet): counted in their first
    # row, and once in the total (``once``); only the sets spread over several rows are listed
    # row by row for their other rows.
    ctes += [
        f"sets AS (SELECT t.combo_id, t.first_k, t.last_k, c.people FROM touched AS t "
        f"JOIN ({counts}) AS c ON c.combo_id = t.combo_id WHERE c.people <> 0)",
        "by_k AS (SELECT first_k AS k, people, 1 AS once FROM sets "
        "UNION ALL SELECT s.k, s.people, 0 FROM (SELECT DISTINCT h.combo_id, h.k, c.people FROM sets AS c "
        "JOIN held AS h ON h.combo_id = c.combo_id WHERE c.first_k <> c.last_k AND h.k <> c.first_k) AS s)",
    ]
    sql = (
        f"WITH {', '.join(ctes)} "
        "SELECT r.key, f.people FROM (SELECT k, SUM(people) AS people FROM by_k GROUP BY k) AS f "
        "JOIN (SELECT DISTINCT k, key FROM placed) AS r ON r.k = f.k "
        "UNION ALL SELECT '', COALESCE(SUM(people), 0) FROM by_k WHERE once = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_row = dict(cursor.fetchall())
    return by_row, by_row.pop("", 0)
