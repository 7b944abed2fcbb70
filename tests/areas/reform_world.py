"""A piece of real Đồng Tháp living through the 2025 reform, and the test's own record of it.

Hamlets in five old communes of Huyện Thanh Bình and Huyện Lấp Vò (one of them divided by
the reform), branches of two organizations in each, a professional branch on a commune,
people with histories (joins, transfers, status changes, endings) before and after
1 July 2025, targets, ratings, meetings and officers, and one account per kind of
scope. The tests compute what every report should say from ``OLD_COMMUNE`` /
``NEW_COMMUNE`` and the stories, never from the placements the reports read.
"""

import datetime
import random
from dataclasses import dataclass

from accounts.models import Role
from areas.models import REFORM_2025, Area, AreaLevel, UnitType
from areas.reform import apply_reform, plan_reform
from areas.services import load_official_areas
from branches.models import AllowanceRate, BranchKind, FundingSource, OfficerRole, SourceLevel
from members import services
from members.models import EndReason, MembershipStatus
from reports import selectors
from reports.serializers import report_data
from tests import factories
from tests.reports.scenario import Story

D = datetime.date
EFFECTIVE = REFORM_2025
# Each hamlet's old commune, and the new commune it goes to (T2: by the plan, against the default).
OLD_COMMUNE = {"Q1": "30133", "Q2": "30133", "H1": "30136", "M1": "30145", "T1": "30157", "T2": "30157", "L1": "30169"}
NEW_COMMUNE = {"Q1": "30154", "Q2": "30154", "H1": "30154", "M1": "30130", "T1": "30157", "T2": "30130", "L1": "30169"}
OLD_DISTRICT = {"30133": "874", "30136": "874", "30145": "874", "30157": "874", "30169": "875"}
PLAN = {"T2": "30130"}
# The professional branch sits on old Tân Hòa, and follows it into Tân Long.
PROFESSIONAL = ("pro-HND", "30136", "30154")
ORGS = ("DOAN", "HND")


@dataclass
class World:
    branches: dict
    stories: list
    people: dict
    users: dict
    hamlets: dict


def old_area(code: str) -> Area:
    return Area.objects.get(code=code, structure="pre2025")


def new_area(code: str) -> Area:
    return Area.objects.get(code=code, structure="2025")


def build(seed: int = 9) -> World:
    rng = random.Random(seed)
    load_official_areas(structure="pre2025", province_codes=["87"])
    hamlets = {
        code: factories.area(code, f"Ấp {code}", AreaLevel.HAMLET, UnitType.AP, old_area(commune))
        for code, commune in OLD_COMMUNE.items()
    }
    branches = {}
    for code, hamlet in hamlets.items():
        for org in ORGS:
            branches[f"{code}-{org}"] = factories.branch(hamlet, org, code=f"{code}-{org}")
    code, commune, _new = PROFESSIONAL
    branches[code] = factories.branch(
        old_area(commune), "HND", code=code, kind=BranchKind.PROFESSIONAL, name="Chi hội nghề cá"
    )

    people, stories = {}, []
    by_org = {org: [code for code in branches if code.endswith(org)] for org in ORGS}
    for key in range(36):
        birth = D(rng.randint(1990, 2006), rng.randint(1, 12), rng.randint(1, 28))
        people[key] = factories.person(f"Người Thứ {key}", birth_date=birth, birth_year=birth.year)
        for org in ORGS if key % 6 == 0 else [rng.choice(ORGS)]:
            start = rng.choice(by_org[org])
            joined = D(rng.randint(2021, 2026), rng.randint(1, 12), rng.randint(1, 28))
            joined = min(joined, D(2026, 6, 1))
            membership = services.create_membership(person=people[key], branch=branches[start], joined_on=joined)
            story = Story(key, org, joined, [(joined, start, MembershipStatus.PRESENT)])
            when = joined
            for _ in range(rng.randint(0, 3)):
                when = when + datetime.timedelta(days=rng.randint(20, 300))
                branch_now, status_now = story.changes[-1][1], story.changes[-1][2]
                if rng.random() < 0.5:
                    target = rng.choice([c for c in by_org[org] if c != branch_now])
                    services.transfer_membership(membership=membership, to_branch=branches[target], on=when)
                    story.changes.append((when, target, status_now))
                else:
                    status = rng.choice([s for s in MembershipStatus.values if s != status_now])
                    services.change_membership_status(membership=membership, status=status, on=when)
                    story.changes.append((when, branch_now, status))
            if rng.random() < 0.25:
                ended = when + datetime.timedelta(days=rng.randint(1, 300))
                reason = rng.choice(EndReason.values)
                services.end_membership(membership=membership, on=ended, reason=reason)
                story.ended_on, story.end_reason = ended, reason
            stories.append(story)

    for code, hamlet in hamlets.items():
        for i, org in enumerate(ORGS):
            for year in (2024, 2025, 2026):
                factories.target_population(hamlet, org, year, count=20 + 3 * i + len(code) + year % 10)
    source = FundingSource.objects.create(name="Mức phụ cấp chung của tỉnh", level=SourceLevel.PROVINCE)
    AllowanceRate.objects.create(source=source, role=OfficerRole.HEAD, amount=200_000, valid_from=D(2020, 1, 1))
    AllowanceRate.objects.create(source=source, role=OfficerRole.DEPUTY, amount=150_000, valid_from=D(2020, 1, 1))
    for i, code in enumerate(sorted(branches)):
        branch = branches[code]
        factories.rating(branch, 2024, ["strong", "good", "average"][i % 3], "approved")
        if i % 4:
            factories.rating(branch, 2025, ["good", "strong"][i % 2], "approved")
        for month in (3, 6, 7, 9):
            if (i + month) % 3:
                meeting = factories.meeting(branch, D(2025, month, 12), present=4 + i % 5, on_roll=10 + i % 3)
                if month == 7:
                    factories.cadre_visit(meeting, f"Cán bộ {i}", reported_on=D(2025, 7, 20), quality="good")
        factories.officer(branch, people[i], OfficerRole.HEAD, start_on=D(2021, 1, 1), end_on=D(2025, 7, 14))
        factories.officer(branch, people[i + 1], OfficerRole.HEAD, start_on=D(2025, 7, 15))
        if i % 2:
            factories.officer(branch, people[i + 2], OfficerRole.DEPUTY, start_on=D(2024, 1, 1))

    users = {
        "district": factories.user(Role.DISTRICT, old_area("874"), username="huyen874"),
        "merged": factories.user(Role.COMMUNE, old_area("30145"), username="xa30145"),
        "divided": factories.user(Role.COMMUNE, old_area("30157"), username="xa30157"),
        "province": factories.user(Role.PROVINCE, old_area("87"), username="tinh87"),
        "lap_vo": factories.user(Role.COMMUNE, old_area("30169"), username="xa30169"),
    }
    return World(branches=branches, stories=stories, people=people, users=users, hamlets=hamlets)


def hamlet_of(branch_code: str) -> str | None:
    return None if branch_code == PROFESSIONAL[0] else branch_code.split("-")[0]


def row_of(branch_code: str, area_code: str, *, new_units: bool) -> str | None:
    """The row code of a branch in a report on ``area_code`` (old units or the new ones), or None.

    A branch sitting on the report's commune has a row of its own, "#code".
    """
    hamlet = hamlet_of(branch_code)
    if new_units:
        commune = NEW_COMMUNE[hamlet] if hamlet else PROFESSIONAL[2]
        chain = ["82", commune]
    else:
        commune = OLD_COMMUNE[hamlet] if hamlet else PROFESSIONAL[1]
        chain = ["87", OLD_DISTRICT[commune], commune]
    chain += [hamlet] if hamlet else []
    if area_code not in chain:
        return None
    below = chain[chain.index(area_code) + 1 :]
    return below[0] if below else f"#{branch_code}"


# --- the reports the tests compare, and the reform they apply -----------------------------

MEMBERSHIP_DATES = [D(2023, 12, 31), D(2024, 12, 31), D(2025, 6, 30), D(2025, 7, 1), D(2025, 12, 31), D(2026, 6, 30)]
OLD_AREAS = ["87", "874", "875", "30133", "30157"]
MEETING_PERIODS = [(D(2025, 6, 1), D(2025, 6, 30)), (D(2025, 7, 1), D(2025, 9, 30)), (D(2024, 1, 1), D(2024, 12, 31))]


def reports_of(area: Area) -> dict[str, dict]:
    """Every report kind on ``area`` for dates before, on and after the effective date, as JSON data."""
    found = {}
    for on in MEMBERSHIP_DATES:
        found[f"membership {on}"] = report_data(selectors.membership_report(area=area, on=on))
    for year in (2024, 2025):
        found[f"ratings {year}"] = report_data(selectors.ratings_report(area=area, year=year))
    for start, end in MEETING_PERIODS:
        found[f"meetings {start}"] = report_data(selectors.meetings_report(area=area, start=start, end=end))
    for year, month in ((2025, 6), (2025, 7), (2026, 1)):
        found[f"officers {year}-{month}"] = report_data(selectors.officers_report(area=area, year=year, month=month))
    return found


def all_reports() -> dict[str, dict]:
    return {f"{code} {name}": data for code in OLD_AREAS for name, data in reports_of(old_area(code)).items()}


def reform(**kwargs):
    return apply_reform(plan_reform(effective_on=EFFECTIVE, province_codes=["87"], plan=PLAN), **kwargs)
