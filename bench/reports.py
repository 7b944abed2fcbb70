"""Benchmark: each report on a province of 1.000.000 memberships and 10.000 branches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/reports.py [--memberships N]

Migrates the database, loads a synthetic province "BENCH" (10 districts × 10 communes ×
25 hamlets × 4 organizations = 10.000 branches) with five years of membership history
once (COPY on PostgreSQL; every area and branch with its first placement), then checks
the figures (the province's roll in the membership report must equal the membership
periods in force on the report date) and prints each report's time at the province,
district and commune level (best of --repeat runs, and the first run) and its number of
queries.

Against an earlier commit, in one run, on the same PostgreSQL server:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_new python bench/reports.py --against 1c5452e --repeat 5

checks out the commit in a git worktree under /tmp (reused if present), creates the
databases if missing (``bench_new`` and ``bench_new_before``, or ``--before-database``),
loads the same data (same --memberships and --seed) into each with that code's own
loader (``bench/reports.py`` of the commit, in a subprocess), checks that both hold the
same data (counts and sums that do not depend on ids) and that both codes give the same
report totals, then times the reports in two worker processes, one per code, taking
turns report by report and round by round (the order flips every time) so that the
load of the machine hits both alike. It prints the best and the median time of each,
now/before (of the best times) and the queries, and per database the time of
``SELECT count(*) FROM members_membershipperiod`` (the floor of a scan of the periods).
Before timing, both databases are analysed afresh with a statistics target of 1000
(``--statistics-target``; 0 leaves the loaders' own ``VACUUM ANALYZE``): with the default
of 100 the random samples of two databases holding the same data differ enough for one
query to get a hash join in one and a nested loop in the other, a difference of tens of
milliseconds that has nothing to do with the code. A database that already holds the
province is not loaded again; one holding other data (another seed) is refused: drop it.
"""

import argparse
import datetime
import inspect
import random
import sys
import time
from pathlib import Path

D = datetime.date
YEARS = range(2021, 2026)
REPORT_DATE = D(2025, 12, 31)
ROOT = Path(__file__).resolve().parent.parent
LEVELS = (("province", "BENCH"), ("district", "BENCH-05"), ("commune", "BENCH-05-05"))
REPORTS = ("membership", "ratings", "meetings (year)", "meetings (month)", "officers")


def build_areas(Area):
    from areas.models import AreaLevel, UnitType

    rows, next_id = [], 0

    def add(code, name, level, unit_type, parent):
        nonlocal next_id
        next_id += 1
        structure = "" if level == AreaLevel.HAMLET else "pre2025"
        key = Area.key_for(code, structure)  # the bare code: "pre2025" and hamlets add no "@structure"
        row = {
            "id": base_id + next_id,
            "code": code,
            "key": key,
            "name": name,
            "level": level,
            "unit_type": unit_type,
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{key}/",
            "structure": structure,
            "valid_from": None,  # in force since before the records begin, still in force
            "valid_to": None,
            "successor_path": "",
        }
        rows.append(row)
        return row

    from bulkload import next_id as first_free

    base_id = first_free(Area) - 1
    province = add("BENCH", "Thử Tải", AreaLevel.PROVINCE, UnitType.TINH, None)
    hamlets = []
    for d in range(1, 11):
        district = add(f"BENCH-{d:02d}", f"Huyện {d}", AreaLevel.DISTRICT, UnitType.HUYEN, province)
        for c in range(1, 11):
            commune = add(f"BENCH-{d:02d}-{c:02d}", f"Xã {d}.{c}", AreaLevel.COMMUNE, UnitType.XA, district)
            for h in range(1, 26):
                hamlets.append(
                    add(f"BENCH-{d:02d}-{c:02d}-{h:02d}", f"Ấp {h}", AreaLevel.HAMLET, UnitType.AP, commune)
                )
    return rows, hamlets


def load(memberships_wanted: int, seed: int) -> None:
    from bulkload import load as copy_rows
    from bulkload import next_id, reset_sequence
    from django.db import connection, transaction

    from areas.models import Area, AreaPlacement
    from branches.models import (
        AllowanceRate,
        Branch,
        BranchPlacement,
        FundingSource,
        Officer,
        OfficerRole,
        Organization,
    )
    from core.vietnamese import fold, sort_key, split_name
    from meetings.models import CadreVisit, Meeting
    from members.models import Membership, MembershipPeriod, Person, TargetPopulation
    from ratings.models import BranchRating, Grade

    rng = random.Random(seed)
    started = time.perf_counter()
    organizations = list(Organization.objects.order_by("sort_order"))
    grades = list(Grade.objects.filter(scheme__code="DEFAULT").order_by("order"))
    with transaction.atomic():
        area_rows, hamlets = build_areas(Area)
        copy_rows(Area, area_rows)
        # Every area's first (and only) placement: where it sits now, over its whole life.
        copy_rows(
            AreaPlacement,
            ({"area_id": a["id"], "parent_id": a["parent_id"], "path": a["path"]} for a in area_rows),
        )

        branch_id = next_id(Branch)
        branches = []  # (id, hamlet, organization id)
        for hamlet in hamlets:
            for org in organizations:
                branches.append((branch_id, hamlet, org.pk))
                branch_id += 1
        copy_rows(
            Branch,
            (
                {
                    "id": bid,
                    "organization_id": org_id,
                    "area_id": hamlet["id"],
                    "name": f"Chi {bid}",
                    "code": f"B{bid}",
                    "kind": "residential",
                    "founded_on": D(2000, 1, 1),
                    "dissolved_on": D(2024, 6, 30) if bid % 100 == 0 else None,
                }
                for bid, hamlet, org_id in branches
            ),
        )
        # Every branch's first placement: on its hamlet, since before the records begin.
        copy_rows(
            BranchPlacement,
            ({"branch_id": bid, "area_id": hamlet["id"], "path": hamlet["path"]} for bid, hamlet, _ in branches),
        )
        by_org_district: dict = {}
        for branch in branches:
            by_org_district.setdefault((branch[2], branch[1]["path"].split("/")[2]), []).append(branch)

        person_id, membership_id, period_id = next_id(Person), next_id(Membership), next_id(MembershipPeriod)
        people, memberships, periods = [], [], []
        names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Đạt", "Đặng Thị Hoa"]
        reasons = ["transferred", "aged_out", "removed", "resigned", "deceased"]
        shared_people, recent = set(), []
        by_hamlet_org = {(b[1]["id"], b[2]): b for b in branches}
        for _ in range(memberships_wanted):
            branch = rng.choice(branches)
            if len(recent) > 10 and rng.random() < 0.1:  # a person of a recent membership joins another organization
                pid, first = recent.pop(rng.randrange(len(recent) - 10, len(recent)))
                branch = by_hamlet_org[first[1]["id"], rng.choice([o.pk for o in organizations if o.pk != first[2]])]
                shared_people.add(pid)
                memberships_of_person = None
            else:
                pid = person_id
                person_id += 1
                memberships_of_person = 1
            name = rng.choice(names)
            if memberships_of_person:
                people.append(
                    {
                        "id": pid,
                        "full_name": name,
                        "given_name": split_name(name)[0],
                        "name_key": fold(name),
                        "sort_key": sort_key(name),
                        "birth_year": rng.randint(1950, 2008),
                        "gender": rng.choice(["male", "female"]),
                        "ethnicity": "Kinh",
                        "residence_id": branch[1]["id"],
                        "party_joined_on": D(rng.choice(YEARS), rng.randint(1, 12), 1)
                        if rng.random() < 0.02
                        else None,
                    }
                )
            if memberships_of_person:
                recent.append((pid, branch))
            joined = D(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28))
            status, current, start = "present", branch, joined
            mid = membership_id
            membership_id += 1
            changes = []
            if rng.random() < 0.25:  # a transfer or a status change, later
                when = joined + datetime.timedelta(days=rng.randint(30, 900))
                if rng.random() < 0.5:
                    same_district = by_org_district[(branch[2], branch[1]["path"].split("/")[2])]
                    changes.append((when, rng.choice(same_district), status))
                else:
                    changes.append((when, current, rng.choice(["away", "stopped"])))
            ended = None
            if rng.random() < 0.08:
                ended = (changes[-1][0] if changes else joined) + datetime.timedelta(days=rng.randint(30, 700))
            for when, to_branch, to_status in changes:
                periods.append(_period(period_id, mid, pid, current[0], status, start, when))
                period_id += 1
                current, status, start = to_branch, to_status, when
            periods.append(_period(period_id, mid, pid, current[0], status, start, ended))
            period_id += 1
            memberships.append(
                {
                    "id": mid,
                    "person_id": pid,
                    "organization_id": current[2],
                    "branch_id": current[0],
                    "joined_on": joined,
                    "joined_branch_id": branch[0],
                    "status": status,
                    "introduced_to_party_on": D(2025, rng.randint(1, 12), 1) if rng.random() < 0.01 else None,
                    "ended_on": ended,
                    "end_reason": rng.choice(reasons) if ended else "",
                }
            )
        copy_rows(Person, people)
        copy_rows(Membership, memberships)
        for period in periods:
            period["shares_person"] = period["person_id"] in shared_people
        copy_rows(MembershipPeriod, periods)
        del people, memberships, periods

        copy_rows(
            TargetPopulation,
            (
                {"hamlet_id": h["id"], "organization_id": org.pk, "year": year, "count": rng.randint(60, 160)}
                for h in hamlets
                for org in organizations
                for year in range(2020, 2027)
            ),
        )
        now = datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC)
        copy_rows(
            BranchRating,
            (
                {
                    "branch_id": b[0],
                    "year": year,
                    "grade_id": rng.choices(grades, weights=[60, 30, 8, 2])[0].pk,
                    "state": "approved" if year < 2025 or rng.random() < 0.7 else "submitted",
                    "approved_at": now,
                    "note": "",
                    "review_comment": "",
                }
                for b in branches
                for year in YEARS
            ),
        )
        meeting_id = next_id(Meeting)
        meetings, visits = [], []
        for b in branches:
            for month in range(1, 13):
                if rng.random() < 0.88:
                    roll = rng.randint(40, 120)
                    meetings.append(
                        {
                            "id": meeting_id,
                            "branch_id": b[0],
                            "held_on": D(2025, month, rng.randint(1, 28)),
                            "kind": "regular",
                            "members_present": rng.randint(roll // 2, roll),
                            "members_on_roll": roll,
                        }
                    )
                    if rng.random() < 0.15:
                        visits.append(
                            {
                                "meeting_id": meeting_id,
                                "cadre_name": "Cán bộ",
                                "level": "district",
                                "quality": "good",
                                "reported_on": D(2025, month, 28) if rng.random() < 0.8 else None,
                            }
                        )
                    meeting_id += 1
        copy_rows(Meeting, meetings)
        copy_rows(CadreVisit, visits)
        officer_people = []
        officers = []
        pid = next_id(Person)
        for b in branches:
            for role in (OfficerRole.HEAD, OfficerRole.DEPUTY, OfficerRole.COMMITTEE):
                if role == OfficerRole.HEAD and rng.random() < 0.03:
                    continue
                officer_people.append(
                    {
                        "id": pid,
                        "full_name": "Cán Bộ Chi",
                        "given_name": "Chi",
                        "name_key": "can bo chi",
                        "sort_key": sort_key("Cán Bộ Chi"),
                        "birth_year": 1980,
                        "gender": "male",
                        "ethnicity": "Kinh",
                        "residence_id": b[1]["id"],
                    }
                )
                officers.append({"branch_id": b[0], "person_id": pid, "role": role, "start_on": D(2020, 1, 1)})
                pid += 1
        copy_rows(Person, officer_people)
        copy_rows(Officer, officers)
        if not AllowanceRate.objects.exists():
            source, _ = FundingSource.objects.get_or_create(
                name="Mức phụ cấp chung của tỉnh", defaults={"level": "province"}
            )
            for role, amount in (
                (OfficerRole.HEAD, 200_000),
                (OfficerRole.DEPUTY, 150_000),
                (OfficerRole.COMMITTEE, 100_000),
            ):
                AllowanceRate.objects.create(source=source, role=role, amount=amount, valid_from=D(2020, 1, 1))
        for model in (
            Area,
            AreaPlacement,
            Branch,
            BranchPlacement,
            Person,
            Membership,
            MembershipPeriod,
            TargetPopulation,
            BranchRating,
            Meeting,
            CadreVisit,
            Officer,
        ):
            reset_sequence(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # index-only scans need the visibility map
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)


def _period(pk, membership_id, person_id, branch_id, status, valid_from, valid_to):
    return {
        "id": pk,
        "membership_id": membership_id,
        "person_id": person_id,
        "branch_id": branch_id,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms"


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --- Timing, with whichever code is on sys.path (the current one, or an earlier commit's) -----


def _area_model():
    from django.apps import apps

    for app_label in ("areas", "branches"):  # Area moved from branches to areas
        try:
            return apps.get_model(app_label, "Area")
        except LookupError:
            continue
    raise LookupError("no Area model")


def report_runners() -> dict:
    """The reports timed, by name: each a function of an area (the selectors' calls are the
    same in the code before and after the areas through time)."""
    from reports import selectors

    year_start, year_end = selectors.period_bounds(year=2025)
    month_start, month_end = selectors.period_bounds(year=2025, month=12)
    found = {
        "membership": lambda area: selectors.membership_report(area=area, on=REPORT_DATE),
        "ratings": lambda area: selectors.ratings_report(area=area, year=2025),
        "meetings (year)": lambda area: selectors.meetings_report(area=area, start=year_start, end=year_end),
        "meetings (month)": lambda area: selectors.meetings_report(area=area, start=month_start, end=month_end),
        "officers": lambda area: selectors.officers_report(area=area, year=2025, month=12),
    }
    if "from_history" in inspect.signature(selectors.membership_report).parameters:
        # The same report counted straight from the periods: what the roll-ups replaced.
        found["membership (history)"] = lambda area: selectors.membership_report(
            area=area, on=REPORT_DATE, from_history=True
        )
    return found


def bench_areas() -> dict:
    Area = _area_model()
    return {level: Area.objects.get(code=code) for level, code in LEVELS}


def timed(run, area) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run(area)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), result


def time_reports(repeat: int) -> None:
    """Each report's best time beside the floor, ``SELECT count(*)`` over the periods, timed
    just before it on the same database (best of as many runs), and their ratio (target: < 1,5)."""
    runners, areas = report_runners(), bench_areas()
    print(f"{'report':<26}{'level':<10}{'first':>9}{'best':>9}{'count(*)':>10}{'ratio':>7}{'queries':>9}")
    for name, run in runners.items():
        for level, area in areas.items():
            times, floors = [], []
            for _ in range(repeat):
                floors.append(floor_seconds())
                elapsed, queries, _ = timed(run, area)
                times.append(elapsed)
            ratio = min(times) / min(floors)
            print(
                f"{name:<26}{level:<10}{_ms(times[0]):>9}{_ms(min(times)):>9}{_ms(min(floors)):>10}"
                f"{ratio:>7.1f}{queries:>9}",
                flush=True,
            )


def _province_periods_sql() -> str:
    Area = _area_model()
    return f"""
        SELECT {{columns}} FROM members_membershipperiod p
        JOIN branches_branch b ON b.id = p.branch_id JOIN "{Area._meta.db_table}" a ON a.id = b.area_id
        WHERE a.path LIKE '/BENCH/%%' {{where}}"""


def check_figures() -> dict:
    """The province's roll in the membership report, and the periods in force on the report date."""
    from django.db import connection

    in_force = "AND p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)"
    with connection.cursor() as cursor:
        cursor.execute(_province_periods_sql().format(columns="count(*)", where=in_force), [REPORT_DATE] * 2)
        periods = cursor.fetchone()[0]
    report = report_runners()["membership"](bench_areas()["province"])
    return {"report_members": report.total["members"], "periods_in_force": periods}


def print_check(label: str, check: dict) -> bool:
    ok = check["report_members"] == check["periods_in_force"]
    print(
        f"{label}membership report, province total {_n(check['report_members'])} members; "
        f"membership periods in force on {REPORT_DATE:%d/%m/%Y}: {_n(check['periods_in_force'])} "
        + ("(equal)" if ok else "— MISMATCH"),
        flush=True,
    )
    return ok


def fingerprint() -> dict:
    """What the synthetic data is, in figures that do not depend on ids or on the schema of areas."""
    from django.db import connection

    Area = _area_model()
    queries = {
        "areas": f"""SELECT count(*) FROM "{Area._meta.db_table}" WHERE path LIKE '/BENCH/%%'""",
        "branches, dissolved": f"""SELECT count(*), count(b.dissolved_on) FROM branches_branch b
            JOIN "{Area._meta.db_table}" a ON a.id = b.area_id WHERE a.path LIKE '/BENCH/%%'""",
        "periods, days, shared": _province_periods_sql().format(
            columns="count(*), sum(p.valid_from - date '2000-01-01'), count(*) FILTER (WHERE p.shares_person)",
            where="",
        ),
        "memberships, ended, joined days": """SELECT count(*), count(ended_on), sum(joined_on - date '2000-01-01')
            FROM members_membership""",
        "people, birth years": "SELECT count(*), sum(birth_year) FROM members_person",
        "meetings, present": "SELECT count(*), sum(members_present) FROM meetings_meeting",
        "visits": "SELECT count(*) FROM meetings_cadrevisit",
        "ratings": "SELECT count(*), sum(grade_id - (SELECT min(id) FROM ratings_grade)) FROM ratings_branchrating",
        "officers": "SELECT count(*) FROM branches_officer",
        "targets": "SELECT count(*), sum(count) FROM members_targetpopulation",
    }
    result = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            result[name] = [int(v) if v is not None else None for v in cursor.fetchone()]
    return result


def _flat(value, prefix="") -> dict:
    """A report's total as leaves ("organizations.DOAN.members": 123), comparable across versions."""
    if isinstance(value, dict):
        flat = {}
        for key, item in value.items():
            flat.update(_flat(item, f"{prefix}{key}."))
        return flat
    if value is None or isinstance(value, bool | int | float | str):
        return {prefix.rstrip("."): value}
    return {prefix.rstrip("."): str(value)}


def floor_seconds() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM members_membershipperiod")
        cursor.fetchone()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memberships", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--against", metavar="COMMIT", help="compare with the code of this commit, in one run")
    parser.add_argument(
        "--before-database", metavar="NAME", help="with --against: its database (default: <name>_before)"
    )
    parser.add_argument(
        "--statistics-target",
        type=int,
        default=1000,
        metavar="N",
        help="with --against: ANALYZE both databases with this statistics target first (0: leave them)",
    )
    parser.add_argument("--worker", choices=["load", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker or args.against:
        import against

        if args.worker == "load":
            against.worker_load(args.root.resolve(), args.memberships, args.seed)
            return 0
        if args.worker == "serve":
            against.worker_serve(args.root.resolve())
            return 0
        return against.compare(args)

    from _django import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    from areas.models import Area
    from members.models import Membership

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not Area.objects.filter(code="BENCH").exists():
        load(args.memberships, args.seed)
    memberships = Membership.objects.filter(branch__area__path__startswith="/BENCH/").count()
    print(f"province BENCH: {_n(memberships)} memberships")
    ok = print_check("", check_figures())
    time_reports(args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
