"""A small world with a history, and an independent record of what happened in it.

The scenario acts only through the services and factories, and writes down each event in
its own log as it does it (``Story`` for a membership, ``RatingRecord``, ``MeetingRecord``,
``OfficerRecord`` and ``RateRecord`` for the rest); the tests compute every expected report
figure from that log, never from the tables the reports read.
"""

import dataclasses
import datetime
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from areas.models import Area, AreaLevel, UnitType
from branches.models import AllowanceRate, Branch, BranchKind, FundingSource, OfficerRole, SourceLevel
from members import services
from members.models import EndReason, MembershipStatus
from tests import factories

D = datetime.date


@dataclass
class Story:
    """What happened to one membership, as the scenario did it."""

    person_key: int
    org: str
    joined_on: datetime.date
    # (date, branch code, status) — the branch and status from that date on.
    changes: list = field(default_factory=list)
    ended_on: datetime.date | None = None
    end_reason: str = ""
    introduced_on: datetime.date | None = None

    def state_on(self, on: datetime.date):
        """(branch code, status) on a date, or None when not a member that day."""
        if on < self.joined_on or (self.ended_on and on >= self.ended_on):
            return None
        state = None
        for when, branch, status in self.changes:
            if when <= on:
                state = (branch, status)
        return state

    def branch_on(self, on: datetime.date) -> str:
        return [b for when, b, _ in self.changes if when <= on][-1]


@dataclass(frozen=True)
class RatingRecord:
    branch: str  # branch code
    year: int
    grade: str  # grade code
    state: str


@dataclass(frozen=True)
class MeetingRecord:
    branch: str
    held_on: datetime.date
    present: int
    on_roll: int
    visits: int = 0  # cadre visits to it
    visit_reports: int = 0  # of which reported


@dataclass(frozen=True)
class OfficerRecord:
    branch: str
    role: str
    start_on: datetime.date
    end_on: datetime.date | None = None

    def in_office_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.start_on <= end and (self.end_on is None or self.end_on >= start)


@dataclass(frozen=True)
class TargetRecord:
    hamlet: Area
    org: str
    year: int
    count: int


@dataclass(frozen=True)
class RateRecord:
    role: str
    amount: int
    valid_from: datetime.date
    valid_to: datetime.date | None = None  # the last day it applies

    def valid_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass
class World:
    tree: object
    province_without_districts: Area
    branches: dict  # code -> Branch
    stories: list
    party_joined: dict  # person key -> date
    people: dict  # person key -> Person
    row_of_branch: dict  # report area code -> {branch code: row area code or "#code"}
    ratings: list = field(default_factory=list)  # RatingRecord, as rated
    meetings: list = field(default_factory=list)  # MeetingRecord, as held
    officers: list = field(default_factory=list)  # OfficerRecord, as appointed
    rates: list = field(default_factory=list)  # RateRecord, as set
    targets: list = field(default_factory=list)  # TargetRecord, as entered


def build_world(tree, seed: int = 5) -> World:
    rng = random.Random(seed)
    flat = factories.area("98", "Không Huyện", AreaLevel.PROVINCE, UnitType.TINH)
    flat_commune = factories.area("98001", "Một", AreaLevel.COMMUNE, UnitType.XA, flat)
    flat_hamlet = factories.area("98001-01", "Mới", AreaLevel.HAMLET, UnitType.AP, flat_commune)

    hamlets = {"a1": tree.hamlet_a1, "a2": tree.hamlet_a2, "b1": tree.hamlet_b1, "f1": flat_hamlet}
    branches = {}
    for short, hamlet in hamlets.items():
        for org in ("DOAN", "HND"):
            code = f"{short}-{org}"
            branches[code] = factories.branch(hamlet, org, code=code)
    branches["pro-HND"] = factories.branch(
        tree.commune_a, "HND", code="pro-HND", kind=BranchKind.PROFESSIONAL, name="Chi hội nghề nghiệp"
    )
    branches["gone-DOAN"] = factories.branch(
        tree.hamlet_a2, "DOAN", code="gone-DOAN", founded_on=D(2010, 1, 1), dissolved_on=D(2024, 3, 31)
    )

    people, stories, party_joined = {}, [], {}
    for key in range(40):
        birth = D(rng.randint(1990, 2006), rng.randint(1, 12), rng.randint(1, 28))
        party = D(rng.choice([2023, 2024, 2025]), rng.randint(1, 12), 15) if key % 7 == 0 else None
        people[key] = factories.person(
            f"Người Thứ {key}", birth_date=birth, birth_year=birth.year, party_joined_on=party
        )
        party_joined[key] = party

    org_branches = {org: [c for c in branches if c.endswith(org) and c != "gone-DOAN"] for org in ("DOAN", "HND")}
    for key in range(40):
        orgs = ["DOAN", "HND"] if key % 5 == 0 else [rng.choice(["DOAN", "HND"])]
        for org in orgs:
            start_branch = rng.choice(org_branches[org])
            joined = D(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
            introduced = joined + datetime.timedelta(days=rng.randint(10, 300)) if key % 6 == 0 else None
            membership = services.create_membership(
                person=people[key],
                branch=branches[start_branch],
                joined_on=joined,
                introduced_to_party_on=introduced,
            )
            story = Story(key, org, joined, [(joined, start_branch, "present")], introduced_on=introduced)
            when = joined
            for _ in range(rng.randint(0, 3)):
                when = when + datetime.timedelta(days=rng.randint(20, 400))
                branch_now, status_now = story.changes[-1][1], story.changes[-1][2]
                if rng.random() < 0.5:
                    target = rng.choice([c for c in org_branches[org] if c != branch_now])
                    services.transfer_membership(membership=membership, to_branch=branches[target], on=when)
                    story.changes.append((when, target, status_now))
                else:
                    new_status = rng.choice([s for s in MembershipStatus.values if s != status_now])
                    services.change_membership_status(membership=membership, status=new_status, on=when)
                    story.changes.append((when, branch_now, new_status))
            if rng.random() < 0.3:
                ended = when + datetime.timedelta(days=rng.randint(1, 500))
                reason = rng.choice(EndReason.values)
                services.end_membership(membership=membership, on=ended, reason=reason)
                story.ended_on, story.end_reason = ended, reason
            stories.append(story)

    targets = []
    for short, hamlet in hamlets.items():
        for org, base in (("DOAN", 9), ("HND", 6)):
            for year in (2024, 2025):
                if not (short == "b1" and org == "HND"):  # one hamlet without a target: a blank rate
                    targets.append(TargetRecord(hamlet, org, year, base + len(short) + year % 10))
                    factories.target_population(hamlet, org, year, count=targets[-1].count)

    rates = [
        RateRecord(OfficerRole.HEAD, 200_000, D(2020, 1, 1), D(2025, 6, 30)),
        RateRecord(OfficerRole.HEAD, 250_000, D(2025, 7, 1)),
        RateRecord(OfficerRole.DEPUTY, 150_000, D(2020, 1, 1)),
        RateRecord(OfficerRole.COMMITTEE, 100_000, D(2020, 1, 1)),
    ]
    source = FundingSource.objects.create(name="Mức phụ cấp chung của tỉnh", level=SourceLevel.PROVINCE)
    for rate in rates:
        AllowanceRate.objects.create(
            source=source, role=rate.role, amount=rate.amount, valid_from=rate.valid_from, valid_to=rate.valid_to
        )

    # Ratings of 2024 in every state, some branches unrated; one branch uses no grade at all.
    ratings = []
    states = ["approved", "approved", "submitted", "draft"]
    grades = ["strong", "good", "average", "weak", "strong"]
    for i, code in enumerate(sorted(branches)):
        if i % 6 != 5:
            factories.rating(branches[code], 2024, grades[i % 5], states[i % 4])
            ratings.append(RatingRecord(code, 2024, grades[i % 5], states[i % 4]))
    # Meetings of 2025 in some months only, with cadre visits, some reported.
    meetings = []
    for i, code in enumerate(sorted(branches)):
        for month in range(1, 13):
            if (i + month) % (i % 3 + 1) == 0 and code != "gone-DOAN":
                held = MeetingRecord(code, D(2025, month, 10), present=5 + (i + month) % 6, on_roll=12 + i % 4)
                meeting = factories.meeting(branches[code], held.held_on, present=held.present, on_roll=held.on_roll)
                if month % 4 == i % 4:
                    reported = bool(month % 2)
                    factories.cadre_visit(
                        meeting,
                        f"Cán bộ {i}-{month}",
                        reported_on=D(2025, month, 20) if reported else None,
                        quality="good" if reported else "",
                    )
                    held = dataclasses.replace(held, visits=1, visit_reports=int(reported))
                meetings.append(held)
    # Officers: heads that change in mid-2025, deputies, committee members; one branch without a head.
    officers = []

    def appoint(code, who, role, start_on, end_on=None):
        factories.officer(branches[code], who, role, start_on=start_on, end_on=end_on)
        officers.append(OfficerRecord(code, role, start_on, end_on))

    for i, code in enumerate(sorted(branches)):
        if code != "b1-HND":
            appoint(code, people[i], OfficerRole.HEAD, D(2020, 1, 1), D(2025, 6, 14))
            appoint(code, people[i + 1], OfficerRole.HEAD, D(2025, 6, 15))
        appoint(code, people[i + 2], OfficerRole.DEPUTY, D(2021, 1, 1))
        if i % 2:
            appoint(code, people[i + 3], OfficerRole.COMMITTEE, D(2025, 8, 1))

    def row_map(report_area: Area) -> dict:
        mapping = {}
        for code, branch in branches.items():
            path = branch.area.path
            if not path.startswith(report_area.path):
                continue
            if path == report_area.path:
                mapping[code] = f"#{code}"
            else:
                mapping[code] = path[len(report_area.path) :].split("/")[0]
        return mapping

    return World(
        tree=tree,
        province_without_districts=flat,
        branches=branches,
        stories=stories,
        party_joined=party_joined,
        people=people,
        row_of_branch={
            a.code: row_map(a) for a in (tree.province, tree.district_a, tree.commune_a, tree.hamlet_a1, flat)
        },
        ratings=ratings,
        meetings=meetings,
        officers=officers,
        rates=rates,
        targets=targets,
    )


def branch_active_on(branch: Branch, on: datetime.date) -> bool:
    return (branch.founded_on is None or branch.founded_on <= on) and (
        branch.dissolved_on is None or branch.dissolved_on > on
    )


# --- The expected figures, from the log alone ---------------------------------------------
#
# Each returns, per report row (the row's area code, or a branch code in a hamlet's report),
# the counts the report must show; the sum of the rows is the total. Periods are passed as
# dates; percentages are rounded here, in exact fractions.


def half_up(numerator: int, denominator: int | None) -> Decimal | None:
    """numerator / denominator × 100 to 2 decimals, halves up; blank over an empty denominator."""
    if not denominator:
        return None
    hundredths = math.floor(Fraction(numerator * 10_000, denominator) + Fraction(1, 2))
    return Decimal(hundredths).scaleb(-2)


def active_during(branch: Branch, start: datetime.date, end: datetime.date) -> bool:
    return (branch.founded_on is None or branch.founded_on <= end) and (
        branch.dissolved_on is None or branch.dissolved_on >= start
    )


def _rows(world: World, area_code: str) -> dict:
    """Branch code -> the report row it counts in."""
    return {code: row.lstrip("#") for code, row in world.row_of_branch[area_code].items()}


def _active(world: World, rows: dict, start: datetime.date, end: datetime.date) -> set:
    return {code for code, branch in world.branches.items() if code in rows and active_during(branch, start, end)}


def expected_membership(world: World, area: Area, on: datetime.date, org: str | None) -> dict:
    """The membership report's rows (SPEC 7.1) on ``on``, for one organization or all."""
    rows = world.row_of_branch[area.code]
    figures = defaultdict(Counter)
    people = defaultdict(set)
    year_start = on.replace(month=1, day=1)

    def row_of(branch_code):
        code = rows.get(branch_code)
        return code.lstrip("#") if code else None

    for story in world.stories:
        if org and story.org != org:
            continue
        state = story.state_on(on)
        if state and row_of(state[0]):
            row = row_of(state[0])
            figures[row]["members"] += 1
            figures[row][state[1]] += 1
            people[row].add(story.person_key)
        before = story.state_on(year_before(on))
        if before and row_of(before[0]):
            figures[row_of(before[0])]["members_year_before"] += 1
        if year_start <= story.joined_on <= on and row_of(story.changes[0][1]):
            figures[row_of(story.changes[0][1])]["joined"] += 1
        if story.ended_on and year_start <= story.ended_on <= on:
            row = row_of(story.branch_on(story.ended_on - datetime.timedelta(days=1)))
            if row:
                figures[row][f"ended_{story.end_reason}"] += 1
        for event, name in (
            (story.introduced_on, "introduced_to_party"),
            (world.party_joined[story.person_key], "admitted_to_party"),
        ):
            if event and year_start <= event <= on and story.state_on(event) and row_of(story.state_on(event)[0]):
                figures[row_of(story.state_on(event)[0])][name] += 1
    for code, branch in world.branches.items():
        if (org is None or branch.organization.code == org) and branch_active_on(branch, on) and row_of(code):
            figures[row_of(code)]["branches"] += 1
    targets = defaultdict(int)
    for target in world.targets:
        if target.year != on.year or (org and target.org != org):
            continue
        if area.level == "hamlet":
            for code, branch in world.branches.items():
                if branch.area_id == target.hamlet.pk and branch.organization.code == target.org:
                    targets[code] += target.count
        elif target.hamlet.path.startswith(area.path):
            targets[target.hamlet.path[len(area.path) :].split("/")[0]] += target.count
    result = {}
    for row in set(figures) | set(targets) | {r.lstrip("#") for r in rows.values()}:
        f = figures[row]
        target = targets.get(row)
        result[row] = {
            "branches": f["branches"],
            "members": f["members"],
            "present": f["present"],
            "away": f["away"],
            "stopped": f["stopped"],
            "people": len(people[row]),
            "target": target,
            "gathering_rate": half_up(f["present"], target),
            "joined": f["joined"],
            "ended_by_reason": {reason: f[f"ended_{reason}"] for reason in EndReason.values},
            "introduced_to_party": f["introduced_to_party"],
            "admitted_to_party": f["admitted_to_party"],
            "members_year_before": f["members_year_before"],
            "members_change": f["members"] - f["members_year_before"],
        }
    return result


def year_before(on: datetime.date) -> datetime.date:
    return on.replace(year=on.year - 1)


def expected_ratings(world: World, area_code: str, year: int, *, drafts: bool) -> dict:
    """Per row (SPEC 7.2): ``branches`` to rate (active during the year) and a count per grade code."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = _rows(world, area_code)
    active = _active(world, rows, start, end)
    expected = defaultdict(Counter)
    for code in active:
        expected[rows[code]]["branches"] += 1
    for rating in world.ratings:
        if rating.year == year and rating.branch in active and (drafts or rating.state == "approved"):
            expected[rows[rating.branch]][rating.grade] += 1
    return expected


def expected_meetings(world: World, area_code: str, start: datetime.date, end: datetime.date) -> tuple[dict, set]:
    """Per row (SPEC 7.3), and the codes of the branches that did not meet."""
    rows = _rows(world, area_code)
    active = _active(world, rows, start, end)
    months = {(d.year, d.month) for d in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))}
    expected = defaultdict(Counter)
    met = defaultdict(set)
    for code in active:
        expected[rows[code]]["branches"] += 1
    for meeting in world.meetings:
        if meeting.branch in active and start <= meeting.held_on <= end:
            row = expected[rows[meeting.branch]]
            row["meetings"] += 1
            row["present"] += meeting.present
            row["roll"] += meeting.on_roll
            row["visits"] += meeting.visits
            row["visit_reports"] += meeting.visit_reports
            met[meeting.branch].add((meeting.held_on.year, meeting.held_on.month))
    for code in active:
        expected[rows[code]]["met_every_month"] += met[code] >= months
        expected[rows[code]]["without_meeting"] += not met[code]
    return expected, {code for code in active if not met[code]}


def rate_of_month(rates: list, role: str, start: datetime.date, end: datetime.date) -> int:
    """The role's rate valid in the month; when it changed during the month, the one that began last."""
    valid = [rate for rate in rates if rate.role == role and rate.valid_during(start, end)]
    return max(valid, key=lambda rate: rate.valid_from).amount if valid else 0


def expected_officers(
    world: World, area_code: str, start: datetime.date, end: datetime.date, rates: list | None = None
) -> dict:
    """Per row (SPEC 7.4): officers in office by role, branches without a head, the allowance due."""
    rates = world.rates if rates is None else rates
    rows = _rows(world, area_code)
    active = _active(world, rows, start, end)
    expected = defaultdict(Counter)
    headed = set()
    for code in active:
        expected[rows[code]]["branches"] += 1
    for officer in world.officers:
        if officer.branch in active and officer.in_office_during(start, end):
            expected[rows[officer.branch]][officer.role] += 1
            if officer.role == OfficerRole.HEAD:
                headed.add(officer.branch)
    for code in active - headed:
        expected[rows[code]]["headless"] += 1
    for counts in expected.values():
        counts["allowance"] = sum(counts[role] * rate_of_month(rates, role, start, end) for role in OfficerRole.values)
    return expected


def total(expected: dict) -> Counter:
    return sum(expected.values(), Counter())
