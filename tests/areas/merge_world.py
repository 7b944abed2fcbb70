"""A commune whose three hamlets become one on 1 July 2026, with their branches, and the test's own record.

Tân Mỹ (``factories.area_tree``'s commune A) gets a third hamlet; each hamlet has a branch
of both organizations, people with histories (joins, transfers, status changes, endings)
that all come before the merge, targets for 2025–2027, officers (one a head in Tân Thạnh
and a deputy in Tân Phú), meetings and ratings. The tests count what the reports should say
from ``stories``, never from the tables the reports read.
"""

import datetime
import random
from dataclasses import dataclass

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from branches.models import OfficerRole
from members import services
from members.models import EndReason, MembershipStatus
from reports import selectors
from reports.serializers import report_data
from tests import factories
from tests.reports.scenario import Story

D = datetime.date
EFFECTIVE = D(2026, 7, 1)
LAST_CHANGE = D(2026, 6, 20)  # every change of the history comes before the merge
HAMLETS = ("99101-01", "99101-02", "99101-03")
ORGS = ("DOAN", "HND")
DATES = [D(2025, 12, 31), D(2026, 3, 31), D(2026, 6, 30)]


@dataclass
class World:
    tree: object
    hamlets: dict
    branches: dict
    stories: list
    users: dict


def build(seed: int = 3) -> World:
    rng = random.Random(seed)
    tree = factories.area_tree()
    third = factories.area("99101-03", "Tân Hòa", AreaLevel.HAMLET, UnitType.AP, tree.commune_a)
    hamlets = {"99101-01": tree.hamlet_a1, "99101-02": tree.hamlet_a2, "99101-03": third}
    branches = {f"{code}-{org}": factories.branch(h, org) for code, h in hamlets.items() for org in ORGS}
    branches["99201-01-DOAN"] = factories.branch(tree.hamlet_b1, "DOAN")
    stories = []
    codes = {org: [code for code in branches if code.endswith(org) and code.startswith("99101")] for org in ORGS}
    for key in range(30):
        person = factories.person(f"Người Thứ {key}", birth_year=1995 + key % 10)
        for org in ORGS if key % 5 == 0 else [rng.choice(ORGS)]:
            start = rng.choice(codes[org])
            joined = D(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
            membership = services.create_membership(person=person, branch=branches[start], joined_on=joined)
            story = Story(key, org, joined, [(joined, start, MembershipStatus.PRESENT)])
            when = joined
            for _ in range(rng.randint(0, 2)):
                when = when + datetime.timedelta(days=rng.randint(20, 200))
                if when >= LAST_CHANGE:
                    break
                branch_now, status_now = story.changes[-1][1], story.changes[-1][2]
                if rng.random() < 0.5:
                    target = rng.choice([c for c in codes[org] if c != branch_now])
                    services.transfer_membership(membership=membership, to_branch=branches[target], on=when)
                    story.changes.append((when, target, status_now))
                else:
                    status = rng.choice([s for s in MembershipStatus.values if s != status_now])
                    services.change_membership_status(membership=membership, status=status, on=when)
                    story.changes.append((when, branch_now, status))
            ended = story.changes[-1][0] + datetime.timedelta(days=rng.randint(1, 200))
            if rng.random() < 0.2 and ended < LAST_CHANGE:
                reason = rng.choice(EndReason.values)
                services.end_membership(membership=membership, on=ended, reason=reason)
                story.ended_on, story.end_reason = ended, reason
            stories.append(story)
    for i, hamlet in enumerate(hamlets.values()):
        for org in ORGS:
            for year in (2025, 2026, 2027):
                factories.target_population(hamlet, org, year, count=30 + 7 * i + year % 10)
    for i, code in enumerate(sorted(branches)):
        factories.rating(branches[code], 2025, ["strong", "good", "average"][i % 3], "approved")
        factories.meeting(branches[code], D(2026, 3, 12), present=5 + i, on_roll=12)
        factories.officer(branches[code], factories.person(f"Bí Thư {i}"), OfficerRole.HEAD, start_on=D(2022, 1, 1))
    both = factories.person("Trần Thị Hai Chi")
    factories.officer(branches["99101-01-DOAN"], both, OfficerRole.DEPUTY, start_on=D(2023, 1, 1))
    factories.officer(branches["99101-02-DOAN"], both, OfficerRole.DEPUTY, start_on=D(2024, 1, 1))
    users = {
        "commune": factories.user(Role.COMMUNE, tree.commune_a, username="xa99101"),
        "other_commune": factories.user(Role.COMMUNE, tree.commune_b, username="xa99201"),
        "province": factories.user(Role.PROVINCE, tree.province, username="tinh99"),
    }
    return World(tree=tree, hamlets=hamlets, branches=branches, stories=stories, users=users)


def reports(world: World) -> dict[str, dict]:
    """Every report on the commune's areas for dates before the merge, as JSON data."""
    found = {}
    for area in [world.tree.province, world.tree.district_a, world.tree.commune_a, *world.hamlets.values()]:
        area.refresh_from_db()
        for on in DATES:
            found[f"{area.code} membership {on}"] = report_data(selectors.membership_report(area=area, on=on))
        found[f"{area.code} ratings"] = report_data(selectors.ratings_report(area=area, year=2025))
        found[f"{area.code} meetings"] = report_data(
            selectors.meetings_report(area=area, start=D(2026, 1, 1), end=D(2026, 6, 30))
        )
        found[f"{area.code} officers"] = report_data(selectors.officers_report(area=area, year=2026, month=6))
    return found


def members_on(world: World, on: datetime.date, *, branch_codes=None) -> int:
    """Memberships on the roll on a date (in the given branches), from the record."""
    states = [story.state_on(on) for story in world.stories]
    return sum(1 for state in states if state and (branch_codes is None or state[0] in branch_codes))
