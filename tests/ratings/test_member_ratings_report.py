"""Report 7.6, members' ratings, against the test's own log.

The scenario's world (``tests.reports.scenario``: joinings, transfers, status changes and endings
from 2021 to 2026 in two organizations, in districts and in a province without districts) gets
ratings of 2024 and 2025 in every state, written down as they are made; from 2025 the Farmers'
Association rates its members on another scheme. The expected figures come from that log and
the stories alone: who was in which branch on 31 December, or on their last day for those who
left during the year.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from areas.models import Area
from branches.models import Organization
from members.models import Membership
from ratings.models import Grade, MemberRating, MemberSchemeAssignment, RatingScheme
from reports.member_ratings import member_ratings_report
from tests import factories
from tests.reports.scenario import _rows, build_world, half_up, total

D = datetime.date
AREAS = ["99", "991", "99101", "99101-01", "98"]
TASK_GRADES = ("excellent", "well_done", "done", "not_done")
DEFAULT_GRADES = ("strong", "good", "average", "weak")
STATES = ("approved", "approved", "submitted", "draft", "approved", None)  # None: not rated


@dataclass(frozen=True)
class MemberRatingRecord:
    story: int  # index in world.stories
    year: int
    grade: str
    state: str


def grades_of(org: str, year: int) -> tuple[str, ...]:
    return DEFAULT_GRADES if org == "HND" and year >= 2025 else TASK_GRADES


def rated_branch(story, year: int) -> str | None:
    """The branch that rates the story's membership in ``year``, from the story alone."""
    state = story.state_on(D(year, 12, 31))
    if state:
        return state[0]
    if story.ended_on and D(year, 1, 2) <= story.ended_on <= D(year + 1, 1, 1):
        return story.branch_on(story.ended_on - datetime.timedelta(days=1))
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(factories.area_tree())
        MemberSchemeAssignment.objects.create(
            organization=Organization.objects.get(code="HND"),
            scheme=RatingScheme.objects.get(code="DEFAULT"),
            from_year=2025,
        )
        world.member_ratings = []
        for index, story in enumerate(world.stories):
            membership = Membership.objects.get(person=world.people[story.person_key], organization__code=story.org)
            for year in (2024, 2025):
                state = STATES[(index + year) % len(STATES)]
                if rated_branch(story, year) is None or state is None:
                    continue
                code = grades_of(story.org, year)[(index * 3 + year) % 4]
                scheme = "DEFAULT" if code in DEFAULT_GRADES else "NHIEMVU"
                rating = MemberRating(
                    membership=membership,
                    year=year,
                    grade=Grade.objects.get(scheme__code=scheme, code=code),
                    state=state,
                    approved_at=timezone.now() if state == "approved" else None,
                )
                rating.full_clean()
                rating.save()
                world.member_ratings.append(MemberRatingRecord(index, year, code, state))
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


def expected(world, area_code: str, year: int, *, drafts: bool, org: str | None) -> dict:
    rows = _rows(world, area_code)
    figures = defaultdict(Counter)
    for story in world.stories:
        branch = rated_branch(story, year)
        if branch in rows and org in (None, story.org):
            figures[rows[branch]]["to_rate"] += 1
    for record in world.member_ratings:
        story = world.stories[record.story]
        branch = rated_branch(story, year)
        if (
            record.year == year
            and branch in rows
            and org in (None, story.org)
            and (drafts or record.state == "approved")
        ):
            figures[rows[branch]][record.grade] += 1
    return figures


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("drafts", [False, True])
@pytest.mark.parametrize("org", [None, "HND"])
def test_member_ratings(world, area_code, year, drafts, org):
    organization = Organization.objects.get(code=org) if org else None
    report = member_ratings_report(
        area=Area.objects.get(code=area_code), year=year, organization=organization, include_drafts=drafts
    )
    codes = sorted({g for o in ([org] if org else ["DOAN", "HND"]) for g in grades_of(o, year)})
    assert sorted(g["code"] for g in report.extra["grades"]) == codes
    wanted = expected(world, area_code, year, drafts=drafts, org=org)
    got = {row["area_code"]: row for row in report.rows}
    assert set(got) >= set(wanted)
    for row, counts in [*((got[code], counts) for code, counts in wanted.items()), (report.total, total(wanted))]:
        rated = sum(counts[g] for g in codes)
        assert (row["to_rate"], row["rated"], row["not_rated"]) == (
            counts["to_rate"],
            rated,
            counts["to_rate"] - rated,
        )
        for code in codes:
            assert row["grades"][code] == {"count": counts[code], "percent": half_up(counts[code], rated)}
    if org is None:
        hnd = report.total["organizations"]["HND"]
        assert hnd["to_rate"] == total(expected(world, area_code, year, drafts=drafts, org="HND"))["to_rate"]


def test_the_log_covers_what_the_rule_is_about(world):
    states = Counter(record.state for record in world.member_ratings)
    assert set(states) == {"approved", "submitted", "draft"}
    stories = world.stories
    in_2024 = [s for s in stories if rated_branch(s, 2024)]
    assert any(D(2024, 1, 1) <= s.joined_on <= D(2024, 12, 31) for s in in_2024)  # joined during the year
    assert any(s.ended_on and s.ended_on.year == 2024 for s in in_2024)  # left during the year
    moved = [
        s
        for s in in_2024
        if any(when.year == 2024 and b != s.changes[i - 1][1] for i, (when, b, _) in enumerate(s.changes) if i)
    ]
    assert moved  # transferred during the year
    assert any(not rated_branch(s, 2024) and s.ended_on and s.ended_on.year < 2024 for s in stories)
    assert {r.grade for r in world.member_ratings if r.year == 2025} & set(DEFAULT_GRADES)


def test_percentages_are_blank_when_nothing_is_rated(world):
    report = member_ratings_report(area=world.tree.province, year=2019)
    assert report.total["rated"] == 0
    assert all(figure["percent"] is None for figure in report.total["grades"].values())
