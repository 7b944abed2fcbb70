"""A small world with a history, and an independent record of what happened in it.

The scenario acts only through the services, and writes down each event in its own
log; the tests compute every expected report figure from that log, never from the
tables the reports read.
"""

import datetime
import random
from dataclasses import dataclass, field

from areas.models import Area, AreaLevel, UnitType
from branches.models import AllowanceRate, Branch, BranchKind, OfficerRole
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


@dataclass
class World:
    tree: object
    province_without_districts: Area
    branches: dict  # code -> Branch
    stories: list
    party_joined: dict  # person key -> date
    people: dict  # person key -> Person
    row_of_branch: dict  # report area code -> {branch code: row area code or "#code"}


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

    for short, hamlet in hamlets.items():
        for org, base in (("DOAN", 9), ("HND", 6)):
            for year in (2024, 2025):
                if not (short == "b1" and org == "HND"):  # one hamlet without a target: a blank rate
                    factories.target_population(hamlet, org, year, count=base + len(short) + year % 10)

    AllowanceRate.objects.create(
        role=OfficerRole.HEAD, amount=200_000, valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30)
    )
    AllowanceRate.objects.create(role=OfficerRole.HEAD, amount=250_000, valid_from=D(2025, 7, 1))
    AllowanceRate.objects.create(role=OfficerRole.DEPUTY, amount=150_000, valid_from=D(2020, 1, 1))
    AllowanceRate.objects.create(role=OfficerRole.COMMITTEE, amount=100_000, valid_from=D(2020, 1, 1))

    # Ratings of 2024 in every state, some branches unrated; one branch uses no grade at all.
    states = ["approved", "approved", "submitted", "draft"]
    grades = ["strong", "good", "average", "weak", "strong"]
    for i, code in enumerate(sorted(branches)):
        if i % 6 != 5:
            factories.rating(branches[code], 2024, grades[i % 5], states[i % 4])
    # Meetings of 2025 in some months only, with cadre visits, some reported.
    for i, code in enumerate(sorted(branches)):
        for month in range(1, 13):
            if (i + month) % (i % 3 + 1) == 0 and code != "gone-DOAN":
                meeting = factories.meeting(
                    branches[code], D(2025, month, 10), present=5 + (i + month) % 6, on_roll=12 + i % 4
                )
                if month % 4 == i % 4:
                    factories.cadre_visit(
                        meeting,
                        f"Cán bộ {i}-{month}",
                        reported_on=D(2025, month, 20) if month % 2 else None,
                        quality="good" if month % 2 else "",
                    )
    # Officers: heads that change in mid-2025, deputies, committee members; one branch without a head.
    for i, code in enumerate(sorted(branches)):
        branch = branches[code]
        if code != "b1-HND":
            factories.officer(branch, people[i], OfficerRole.HEAD, start_on=D(2020, 1, 1), end_on=D(2025, 6, 14))
            factories.officer(branch, people[i + 1], OfficerRole.HEAD, start_on=D(2025, 6, 15))
        factories.officer(branch, people[i + 2], OfficerRole.DEPUTY, start_on=D(2021, 1, 1))
        if i % 2:
            factories.officer(branch, people[i + 3], OfficerRole.COMMITTEE, start_on=D(2025, 8, 1))

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
    )


def branch_active_on(branch: Branch, on: datetime.date) -> bool:
    return (branch.founded_on is None or branch.founded_on <= on) and (
        branch.dissolved_on is None or branch.dissolved_on > on
    )
