"""The roll-ups against the history, on random histories (hypothesis).

Each example writes a random history through the services (joins of new people and of
people already in the other organization, transfers across districts, status changes,
endings of every reason, Party introductions and admissions, on dates before, inside
and after the calendar of checkpoints), deletes some memberships as an import's undo
does, and may move a branch to another district as a reorganisation does. Then every
figure of the membership report on random dates, in several areas, by organization and
recast in today's units, must equal the same report counted straight from the periods
(``from_history=True``), and ``verify_rollups``' comparison must find nothing.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from areas.models import AreaPlacement
from branches.models import Branch, BranchPlacement
from members import rollups, services
from members.models import EndReason, Membership, MembershipPeriod, MembershipStatus, Person, RollupCombo
from reports.selectors import membership_report
from reports.serializers import report_data
from tests import factories

D = datetime.date
FIRST, LAST = D(2019, 6, 1), D(2026, 11, 30)
days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + datetime.timedelta(days=n))
# Which membership or branch an operation takes: mostly one of the latest, so that a
# membership's story (joined, moved, changed, ended) unfolds within a few operations.
index = st.integers(0, 2) | st.integers(0, 50)
# A change of a membership comes this many days after its last one (so that most are valid).
later = st.integers(0, 400) | st.integers(0, 1500)
joins = st.lists(
    st.tuples(st.just("join"), index, days, st.sampled_from(MembershipStatus.values)), min_size=6, max_size=14
)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("join"), index, days, st.sampled_from(MembershipStatus.values)),
        st.tuples(st.just("join_other"), index, index, days),
        st.tuples(st.just("transfer"), index, index, later),
        st.tuples(st.just("status"), index, st.sampled_from(MembershipStatus.values), later),
        st.tuples(st.just("end"), index, st.sampled_from(EndReason.values), later),
        st.tuples(st.just("introduce"), index, st.none() | days),
        st.tuples(st.just("admit"), index, st.none() | days),
        st.tuples(st.just("delete"), index),
    ),
    min_size=8,
    max_size=30,
)
# A population first, then what happens to it.
operations = st.tuples(joins, changes).map(lambda parts: parts[0] + parts[1])


def ids_apart(*models) -> None:
    """Each model's next ids far from the others': in a small database a period's id is
    often its membership's, and a query that joins by the wrong one would pass unseen."""
    with connection.cursor() as cursor:
        for step, model in enumerate(models, start=1):
            table, start = model._meta.db_table, 10_000 * step
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [f'"{table}"', start])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])


@pytest.fixture
def world(db):
    ids_apart(Branch, Person, Membership, MembershipPeriod, RollupCombo)
    tree = factories.area_tree()
    branches = [
        factories.branch(tree.hamlet_a1, "DOAN"),
        factories.branch(tree.hamlet_a1, "HND"),
        factories.branch(tree.hamlet_a2, "DOAN"),
        factories.branch(tree.hamlet_b1, "DOAN"),
        factories.branch(tree.hamlet_b1, "HND"),
    ]
    return tree, branches


def pick(items, i):
    return items[i % len(items)] if items else None


def after_last_change(member: Membership, days_later: int) -> D:
    last = member.periods.order_by("-valid_from").values_list("valid_from", flat=True).first() or member.joined_on
    return last + datetime.timedelta(days=days_later)


def apply(operation, branches) -> None:
    kind, *args = operation
    memberships = list(Membership.objects.filter(ended_on__isnull=True).order_by("-pk"))
    if kind in ("introduce", "admit", "delete"):
        memberships = list(Membership.objects.order_by("-pk"))
    if kind == "join":
        branch_index, on, status = args
        services.create_membership(
            person=factories.person(), branch=pick(branches, branch_index), joined_on=on, status=status
        )
    elif kind == "join_other":  # someone already a member joins the other organization too
        member = pick(memberships, args[0])
        if member is not None:
            others = [b for b in branches if b.organization_id != member.organization_id]
            services.create_membership(person=member.person, branch=pick(others, args[1]), joined_on=args[2])
    elif kind == "transfer":
        member = pick(memberships, args[0])
        if member is not None:
            same = [b for b in branches if b.organization_id == member.organization_id and b.pk != member.branch_id]
            on = after_last_change(member, args[2])
            services.transfer_membership(membership=member, to_branch=pick(same, args[1]), on=on)
    elif kind == "status":
        member = pick(memberships, args[0])
        if member is not None:
            services.change_membership_status(membership=member, status=args[1], on=after_last_change(member, args[2]))
    elif kind == "end":
        member = pick(memberships, args[0])
        if member is not None:
            services.end_membership(membership=member, reason=args[1], on=after_last_change(member, args[2]))
    elif kind == "introduce":
        member = pick(memberships, args[0])
        if member is not None:
            member.introduced_to_party_on = args[1]
            member.save(update_fields=["introduced_to_party_on"])
    elif kind == "admit":
        member = pick(memberships, args[0])
        if member is not None:
            member.person.party_joined_on = args[1]
            member.person.save()
    elif kind == "delete":  # an import's undo: the periods, then the membership
        member = pick(memberships, args[0])
        if member is not None:
            member.periods.all().delete()
            member.delete()


def move(branch, hamlet, on: D) -> None:
    """A reorganisation's move: the branch's placement ends the day before and a new one begins."""
    current = BranchPlacement.objects.get(branch=branch, valid_to__isnull=True)
    if current.valid_from and current.valid_from >= on:
        return
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    place = AreaPlacement.objects.get(area=hamlet, valid_to__isnull=True)
    BranchPlacement.objects.create(branch=branch, area=hamlet, path=place.path, valid_from=on)


YEAR_ENDS = [D(year, 12, 31) for year in range(FIRST.year, LAST.year + 1)]


def reports_of(tree, on: D, *, every_variant: bool, **kwargs) -> list:
    """The membership report of the province, a commune and a hamlet; with ``every_variant``
    also for one organization and recast in the units of the last day."""
    variants = [{}]
    if every_variant:
        variants += [{"organization": factories.organization("HND")}, {"units_on": LAST}]
    return [
        report_data(membership_report(area=area, on=on, **extra, **kwargs))
        for area in (tree.province, tree.commune_a, tree.hamlet_b1)
        for extra in variants
    ]


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible and bounded
    database=None,  # nothing saved between runs (CI runs two suites at once)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=operations, moved=st.none() | days, dates=st.lists(days, min_size=1, max_size=2, unique=True))
# Always tried besides the drawn ones: a member who moves to another district and resigns
# there the same year, someone in both organizations, a Party admission, a deletion.
@example(
    operations=[
        ("join", 0, D(2021, 1, 1), "present"),
        ("transfer", 0, 3, 59),
        ("end", 0, "resigned", 92),
        ("join", 4, D(2020, 5, 2), "away"),
        ("join_other", 0, 1, D(2021, 2, 1)),
        ("admit", 0, D(2021, 7, 1)),
        ("introduce", 1, D(2021, 8, 1)),
        ("join", 2, D(2019, 12, 31), "stopped"),
        ("delete", 0),
    ],
    moved=D(2021, 4, 1),
    dates=[D(2021, 12, 31), D(2021, 3, 15)],
)
# A Party introduction and admission, then a transfer to another district back-dated before
# them: both move with the period that now holds them.
@example(
    operations=[
        ("join", 0, D(2021, 1, 1), "present"),
        ("introduce", 0, D(2022, 6, 1)),
        ("admit", 0, D(2022, 9, 1)),
        ("transfer", 0, 1, 59),
    ],
    moved=None,
    dates=[D(2022, 10, 1)],
)
def test_every_figure_from_the_rollups_equals_the_history(world, operations, moved, dates):
    tree, branches = world
    with transaction.atomic():
        for operation in operations:
            try:
                with transaction.atomic():
                    apply(operation, branches)
            except ValidationError:
                pass  # a change the services refuse (a date before the last change, …)
        if moved is not None:
            move(branches[3], tree.hamlet_a2, moved)
        # Every year's end (a year's events are counted up to it), and the drawn days.
        for on in [*YEAR_ENDS, *dates]:
            every_variant = on in dates
            rolled = reports_of(tree, on, every_variant=every_variant)
            assert rolled == reports_of(tree, on, every_variant=every_variant, from_history=True), on
        assert rollups.differences() == []
        transaction.set_rollback(True)
