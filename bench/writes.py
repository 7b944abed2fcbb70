"""Benchmark: what the roll-ups' triggers add to a write from a page (target: 5 ms or less).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/writes.py [--rounds 6] [--per-round 40]

On the database of ``bench/reports.py`` (its province BENCH must be loaded), times the
services the pages call — a transfer to another branch of the district, a status change,
a meeting logged — on open memberships and branches of the province, each in a
transaction rolled back afterwards (so that the data stays as it was). Rounds alternate
between the triggers on (the code as it is) and off (``ALTER TABLE … DISABLE TRIGGER``:
the same code writing the history without its roll-ups, i.e. as before), so that the
load of the machine hits both alike. Prints the median of each and the difference.
"""

import argparse
import datetime
import statistics
import sys
import time

from _django import setup

ROLLED_TABLES = (
    "members_membershipperiod",
    "members_membership",
    "members_person",
    "meetings_meeting",
    "meetings_cadrevisit",
)


class RolledBack(Exception):
    pass


def set_triggers(enabled: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ROLLED_TABLES:
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")


def timed(write) -> float:
    from django.db import transaction

    started = time.perf_counter()
    try:
        with transaction.atomic():
            write()
            raise RolledBack
    except RolledBack:
        pass
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=40)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from branches.models import Branch
    from meetings.models import MeetingKind
    from meetings.services import log_meeting
    from members import services
    from members.models import Membership, MembershipStatus

    if connection.vendor != "postgresql":
        sys.exit("bench/writes.py runs on PostgreSQL (the database of bench/reports.py).")
    today = datetime.date.today()
    members = list(
        Membership.objects.filter(ended_on__isnull=True, branch__area__path__startswith="/BENCH/")
        .filter(periods__valid_to__isnull=True, periods__valid_from__lt=today)
        .select_related("branch")
        .order_by("pk")[: args.per_round]
    )
    if len(members) < args.per_round:
        sys.exit("Load the province first: python bench/reports.py")
    neighbours = {}
    for member in members:
        district = member.branch.area.path.split("/")[2]
        neighbours[member.pk] = (
            Branch.objects.filter(organization_id=member.organization_id, area__path__contains=f"/{district}/")
            .exclude(pk=member.branch_id)
            .filter(dissolved_on__isnull=True)
            .first()
        )
    branches = [member.branch for member in members]

    writes = {
        "transfer": lambda m, b: services.transfer_membership(membership=m, to_branch=neighbours[m.pk], on=today),
        "status change": lambda m, b: services.change_membership_status(
            membership=m,
            status=MembershipStatus.AWAY if m.status != MembershipStatus.AWAY else MembershipStatus.PRESENT,
            on=today,
        ),
        "meeting logged": lambda m, b: log_meeting(
            branch=b, held_on=today, kind=MeetingKind.REGULAR, members_present=1, second_on_the_day=True
        ),
    }
    times = {(name, on): [] for name in writes for on in (True, False)}
    try:
        for round_number in range(args.rounds):
            enabled = round_number % 2 == 0
            set_triggers(enabled)
            for name, write in writes.items():
                for member, branch in zip(members, branches, strict=True):
                    # A fresh copy each time, as a page reads it (the services change the object).
                    fresh = Membership.objects.get(pk=member.pk)
                    times[name, enabled].append(timed(lambda w=write, m=fresh, b=branch: w(m, b)))
    finally:
        set_triggers(True)
    samples = args.rounds // 2 * args.per_round
    print(f"{'write':<16}{'roll-ups on':>13}{'off (before)':>14}{'added':>9}   (median of {samples} each)")
    for name in writes:
        on, off = statistics.median(times[name, True]), statistics.median(times[name, False])
        print(f"{name:<16}{on * 1000:>11.2f}ms{off * 1000:>12.2f}ms{(on - off) * 1000:>7.2f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
