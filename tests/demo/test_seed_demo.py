"""``manage.py seed_demo``: what it promises to build, and that the history it writes is sound.

The demo lives through the 2025 reform: old Đồng Tháp (87, districts 874 and 875) up to
30/06/2025, the reform on 01/07/2025, new Đồng Tháp (82) and its communes since. Figures
are counted here from the tables with plain loops, never through the report selectors.
"""

import calendar
import collections
import contextlib
import datetime
import itertools
import re
import tempfile
import zoneinfo
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import Role, User
from areas.models import Area, AreaLevel, AreaPlacement, Reorganization, Structure, Succession, UnitType
from areas.reform import apply_reform, plan_reform
from areas.services import load_official_areas
from book.models import Award, CardReason, MemberCard, TransferLetter
from branches.models import (
    AllowanceRate,
    Branch,
    BranchKind,
    BranchPlacement,
    BranchTerm,
    FundingSource,
    Officer,
    OfficerRole,
)
from cadres.models import Assignment, Cadre, NoteAttachment, OrientationNote
from core import vietnamese
from fees.models import CategoryAssignment, FeeCategory, FeePayment, FeeRate, FeeShare
from meetings.models import CadreVisit, Meeting
from members.models import EndReason, Gender, Membership, MembershipPeriod, Person, TargetPopulation
from ratings.models import BranchRating, MemberRating, RatingState
from reports.selectors import membership_report
from tests.conftest import FAST_HASHERS
from tests.pages import log_in

pytestmark = pytest.mark.django_db

MEMBERS = 300
ORGS = {"DOAN", "HND", "LHPN", "CCB"}
REFORM = datetime.date(2025, 7, 1)
LAST_OLD_DAY = datetime.date(2025, 6, 30)


def seed(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--members", str(MEMBERS), *args, stdout=out)
    return out.getvalue()


def coming(month: int, day: int) -> datetime.date:
    """The first such day after today's year in which it exists (29 February: the next leap year)."""
    year = timezone.localdate().year + 1
    while not calendar.isleap(year) and (month, day) == (2, 29):
        year += 1
    return datetime.date(year, month, day)


# The demo is built "to today": on a day of an ordinary year, and on the days that break date
# arithmetic (the first days of a year, 29 February).
CLOCKS = {"today": None, "2-january": coming(1, 2), "29-february": coming(2, 29)}


def clock_on(day: datetime.date | None):
    """Django's clock (timezone.now, and localdate with it) set to a morning of ``day``."""
    if day is None:
        return contextlib.nullcontext()
    morning = datetime.datetime.combine(day, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return mock.patch("django.utils.timezone.now", return_value=morning)


@pytest.fixture(scope="class", params=list(CLOCKS))
def seeded(request, django_db_setup, django_db_blocker):
    """One demo for all the tests of a class, rolled back after them; the clock stays on its day."""
    with (
        clock_on(CLOCKS[request.param]),
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tempfile.mkdtemp(prefix="demo-media-")),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


def periods_by_membership() -> dict[int, list[MembershipPeriod]]:
    periods = collections.defaultdict(list)
    for period in MembershipPeriod.objects.select_related("branch__area").order_by("membership_id", "valid_from"):
        periods[period.membership_id].append(period)
    return periods


def in_force(row, day: datetime.date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or day < row.valid_to)


class Tree:
    """Where every area and branch sat on any day, from all the placements read once."""

    def __init__(self):
        self.areas = collections.defaultdict(list)
        for placement in AreaPlacement.objects.all():
            self.areas[placement.area_id].append(placement)
        self.branches = collections.defaultdict(list)
        for placement in BranchPlacement.objects.all():
            self.branches[placement.branch_id].append(placement)

    def placement(self, area_id: int, day: datetime.date) -> AreaPlacement:
        (found,) = [p for p in self.areas[area_id] if in_force(p, day)]
        return found

    def branch_path(self, branch_id: int, day: datetime.date) -> str:
        """The path, on ``day``, of the area the branch sat on that day."""
        (found,) = [p for p in self.branches[branch_id] if in_force(p, day)]
        return self.placement(found.area_id, day).path


def periods_on(day: datetime.date) -> list[MembershipPeriod]:
    return [p for p in MembershipPeriod.objects.all() if in_force(p, day)]


def old_province() -> Area:
    return Area.objects.get(code="87", structure=Structure.PRE_2025)


def new_province() -> Area:
    return Area.objects.get(code="82", structure=Structure.FROM_2025)


def roll(periods, branch_id: int, day: datetime.date, status: str | None = None) -> int:
    return sum(
        1
        for p in periods
        if p.branch_id == branch_id
        and p.valid_from <= day
        and (p.valid_to is None or day < p.valid_to)
        and (status is None or p.status == status)
    )


class TestSeededDemo:
    def test_areas_and_branches(self, seeded):
        districts = Area.objects.filter(code__in=["874", "875"], structure=Structure.PRE_2025)
        assert districts.count() == 2
        communes = Area.objects.filter(parent__in=districts, level=AreaLevel.COMMUNE)
        assert communes.count() > 20
        # The hamlets were made in the old communes; they sit in the new ones since the reform.
        placements = AreaPlacement.objects.filter(area__level=AreaLevel.HAMLET).select_related("area")
        for commune in communes:
            then = [p for p in placements if p.parent_id == commune.pk and in_force(p, LAST_OLD_DAY)]
            assert 3 <= len(then) <= 6, commune
            town = commune.unit_type == UnitType.THI_TRAN
            for placement in then:
                hamlet = placement.area
                assert hamlet.level == AreaLevel.HAMLET
                assert hamlet.unit_type == (UnitType.KHOM if town else UnitType.AP)
                assert re.fullmatch(rf"{commune.code}-\d\d", hamlet.code)
                assert placement.path == f"{commune.path}{hamlet.code}/"
                assert hamlet.path == f"{hamlet.parent.path}{hamlet.code}/"

        hamlets = Area.objects.filter(level=AreaLevel.HAMLET)
        residential = Branch.objects.filter(kind=BranchKind.RESIDENTIAL)
        assert residential.count() == 4 * hamlets.count()
        for hamlet in hamlets:
            assert {b.organization.code for b in residential.filter(area=hamlet)} == ORGS
        tan_phu = residential.filter(code__endswith="-DOAN").first()
        assert tan_phu.name == f"Chi đoàn {tan_phu.area.full_name}"
        assert residential.filter(name__startswith="Chi hội Cựu chiến binh Ấp ").exists()

        professional = Branch.objects.filter(kind=BranchKind.PROFESSIONAL)
        assert professional.count() >= 2
        assert all(b.area.level == AreaLevel.COMMUNE for b in professional)
        assert professional.filter(name__startswith="Chi hội nghề nghiệp trồng lúa").exists()
        dissolved = Branch.objects.get(dissolved_on__isnull=False)
        assert dissolved.dissolved_on.year < timezone.localdate().year
        # Nobody is on the roll of a dissolved branch after it closed.
        assert not MembershipPeriod.objects.filter(branch=dissolved, valid_to__isnull=True).exists()
        assert not MembershipPeriod.objects.filter(branch=dissolved, valid_to__gt=dissolved.dissolved_on).exists()
        assert not Officer.objects.filter(branch=dissolved, end_on__isnull=True).exists()

    def test_people_look_real(self, seeded):
        people = list(Person.objects.all())
        assert len(people) > MEMBERS * 0.8
        cccd = re.compile(r"087([0-3])(\d\d)\d{6}")
        for person in people:
            # A few are known by their birth year alone (demo.book_letters: ageing out).
            assert person.birth_date is None or person.birth_year == person.birth_date.year
            assert person.given_name == vietnamese.split_name(person.full_name)[0]
            assert person.name_key == vietnamese.fold(person.full_name)
            assert person.sort_key == vietnamese.sort_key(person.full_name)
            assert len(person.full_name.split()) >= 3
            assert person.phone == "" or re.fullmatch(r"09\d{8}", person.phone)
            assert person.residence.level == AreaLevel.HAMLET
            if person.cccd:
                match = cccd.fullmatch(person.cccd)
                assert match, person.cccd
                century = 0 if person.birth_year < 2000 else 2
                assert int(match[1]) == century + (person.gender == Gender.FEMALE)
                assert int(match[2]) == person.birth_year % 100
        assert collections.Counter(p.ethnicity for p in people).most_common(1)[0][0] == "Kinh"
        assert any(p.full_name.startswith("Nguyễn ") for p in people)
        assert any(p.party_joined_on for p in people)

        memberships = Membership.objects.select_related("person", "organization")
        for m in memberships:
            born = m.person.birth_date
            age_at_joining = (m.joined_on - born).days / 365.25 if born else m.joined_on.year - m.person.birth_year
            if m.organization.code == "DOAN":
                assert 16 <= age_at_joining < 31
            elif m.organization.code in ("HND", "LHPN"):
                assert age_at_joining >= 18
            if m.organization.code == "LHPN":
                assert m.person.gender == Gender.FEMALE
            if m.organization.code == "CCB":
                assert 1950 <= m.person.birth_year <= 1980
        # Beside those asked for, the member book's: aged-out members who joined an association, one
        # who came with a letter from outside (written by the services, not the builder's bulk inserts).
        built = Membership.history.filter(history_type="+", history_change_reason="seed_demo").values("id")
        added = memberships.exclude(pk__in=built).count()
        assert abs(memberships.count() - added - MEMBERS) <= 1 and added <= 5

        orgs_of = collections.defaultdict(set)
        for person_id, code in Membership.objects.values_list("person_id", "organization__code"):
            orgs_of[person_id].add(code)
        assert {"DOAN", "LHPN"} in orgs_of.values()
        assert {"HND", "CCB"} in orgs_of.values()

    def test_membership_history_is_sound(self, seeded):
        periods = periods_by_membership()
        today = timezone.localdate()
        memberships = list(Membership.objects.select_related("branch"))
        for m in memberships:
            ps = periods[m.pk]
            assert ps, m
            assert ps[0].valid_from == m.joined_on
            for before, after in itertools.pairwise(ps):
                assert before.valid_to == after.valid_from, m
            for p in ps:
                assert p.valid_to is None or p.valid_to > p.valid_from
                assert p.branch.organization_id == m.organization_id
                assert p.valid_from <= today
            open_periods = [p for p in ps if p.valid_to is None]
            if m.ended_on is None:
                assert open_periods == [ps[-1]] and m.end_reason == ""
            else:
                assert open_periods == [] and ps[-1].valid_to == m.ended_on and m.end_reason
                assert m.ended_on <= today
            assert (ps[-1].branch_id, ps[-1].status) == (m.branch_id, m.status)

        # People joined in every year of the history (the current one may have just begun).
        assert {m.joined_on.year for m in memberships} >= set(range(2019, today.year))
        assert {m.end_reason for m in memberships} >= set(EndReason.values)
        transfers = [ps for ps in periods.values() if len({p.branch_id for p in ps}) > 1]
        assert transfers
        # Across the old districts, before the reform: the district is the one of that day.
        tree = Tree()

        def district_then(period) -> str:
            return tree.branch_path(period.branch_id, period.valid_from).split("/")[2]

        before = [[p for p in ps if p.valid_from < REFORM] for ps in transfers]
        assert any(len({district_then(p) for p in ps}) > 1 for ps in before), "across districts"
        statuses = [[p.status for p in ps] for ps in periods.values()]
        assert any(s[i : i + 3] == ["present", "away", "present"] for s in statuses for i in range(len(s)))
        assert any(s[i : i + 2] == ["present", "stopped"] for s in statuses for i in range(len(s)))
        introduced = {m.organization.code for m in Membership.objects.filter(introduced_to_party_on__isnull=False)}
        assert "DOAN" in introduced

    def test_officers_and_allowances(self, seeded):
        today = timezone.localdate()
        officers = Officer.objects.all()
        assert {o.role for o in officers} == set(OfficerRole.values)
        assert officers.filter(end_on__isnull=False).exists()
        assert all(o.end_on is None or o.end_on >= o.start_on for o in officers)
        # Officers are members of their branch where it has any; otherwise a resident leads it.
        in_branch = set(MembershipPeriod.objects.values_list("membership__person_id", "branch_id"))
        outsiders = [o for o in officers if (o.person_id, o.branch_id) not in in_branch]
        assert all(o.role == OfficerRole.HEAD for o in outsiders)
        assert len({o.person_id for o in outsiders}) == len(outsiders)
        assert len(outsiders) < officers.count() / 2

        active = Branch.objects.filter(dissolved_on__isnull=True)
        heads_now = set(
            Officer.objects.filter(role=OfficerRole.HEAD, start_on__lte=today)
            .exclude(end_on__lt=today)
            .values_list("branch_id", flat=True)
        )
        assert active.exclude(pk__in=heads_now).exists(), "a branch without a head"
        # A small demo leaves many branches empty; those with members mostly have a head.
        on_roll = collections.Counter(
            MembershipPeriod.objects.filter(valid_from__lte=today)
            .exclude(valid_to__lte=today)
            .values_list("branch_id", flat=True)
        )
        staffed = [pk for pk in active.values_list("pk", flat=True) if on_roll[pk] >= 3]
        assert staffed
        assert sum(pk in heads_now for pk in staffed) >= 0.9 * len(staffed)

        rates = {(r.role, r.valid_from): r for r in AllowanceRate.objects.all()}
        assert rates[(OfficerRole.HEAD, datetime.date(2020, 1, 1))].amount == 200_000
        assert rates[(OfficerRole.DEPUTY, datetime.date(2020, 1, 1))].amount == 150_000
        assert rates[(OfficerRole.COMMITTEE, datetime.date(2020, 1, 1))].amount == 100_000
        assert rates[(OfficerRole.HEAD, datetime.date(2025, 1, 1))].amount == 250_000

    def test_targets_exceed_members_present(self, seeded):
        hamlets = Area.objects.filter(level=AreaLevel.HAMLET).count()
        years = range(2019, timezone.localdate().year + 1)
        assert TargetPopulation.objects.count() == hamlets * 4 * len(years)
        assert set(TargetPopulation.objects.values_list("year", flat=True)) == set(years)
        present = collections.Counter()
        for p in MembershipPeriod.objects.filter(status="present", branch__kind=BranchKind.RESIDENTIAL).values_list(
            "branch__area_id", "membership__organization__code", "valid_from", "valid_to"
        ):
            for year in years:
                day = datetime.date(year, 12, 31)
                if p[2] <= day and (p[3] is None or day < p[3]):
                    present[(p[0], p[1], year)] += 1
        members_total = target_total = 0
        for hamlet_id, code, year, count in TargetPopulation.objects.values_list(
            "hamlet_id", "organization__code", "year", "count"
        ):
            members = present[(hamlet_id, code, year)]
            assert count > members
            if members:
                members_total, target_total = members_total + members, target_total + count
        # Where there are members, the gathering rate is plausible (40-90 % per hamlet).
        assert 0.4 < members_total / target_total < 0.9

    def test_ratings(self, seeded):
        # Every year up to the last one is rated, that last round still in progress in places.
        last_year = timezone.localdate().year - 1
        ratings = BranchRating.objects.select_related("grade")
        assert set(ratings.values_list("year", flat=True)) == set(range(2020, last_year + 1))
        assert not ratings.filter(year__lt=last_year).exclude(state=RatingState.APPROVED).exists()
        assert all(r.approved_at and r.approved_by for r in ratings.filter(state=RatingState.APPROVED))
        assert all(r.approved_at <= timezone.now() for r in ratings.filter(state=RatingState.APPROVED))
        assert set(ratings.filter(year=last_year).values_list("state", flat=True)) == set(RatingState.values)
        rated_last = set(ratings.filter(year=last_year).values_list("branch_id", flat=True))
        assert Branch.objects.filter(dissolved_on__isnull=True).exclude(pk__in=rated_last).exists()
        grades = collections.Counter(ratings.values_list("grade__code", flat=True))
        assert set(grades) <= {"strong", "good", "average", "weak"}
        assert grades["strong"] > grades["good"] > grades["average"]

    def test_meetings_and_visits(self, seeded):
        today = timezone.localdate()
        meetings = list(Meeting.objects.all())
        assert meetings
        periods = [p for ps in periods_by_membership().values() for p in ps]
        by_branch = collections.defaultdict(list)
        for p in periods:
            by_branch[p.branch_id].append(p)
        first_month = (today.year * 12 + today.month - 1) - 23
        for meeting in meetings:
            assert first_month <= meeting.held_on.year * 12 + meeting.held_on.month - 1
            assert meeting.held_on <= today
            assert meeting.members_present <= meeting.members_on_roll
            assert meeting.members_on_roll == roll(by_branch[meeting.branch_id], meeting.branch_id, meeting.held_on)
        assert {m.kind for m in meetings} >= {"regular", "thematic"}
        visits = CadreVisit.objects.select_related("meeting").filter(cadre__isnull=True)  # the guests
        assert 0.05 < visits.count() / len(meetings) < 0.3
        filed = visits.filter(reported_on__isnull=False)
        assert filed.count() > visits.count() / 2
        assert all(v.quality and v.reported_on > v.meeting.held_on for v in filed)
        assert "commune" in {v.level for v in visits}
        # Cadres of the districts visit until the reform; there are no districts after it.
        assert not visits.filter(level="district", meeting__held_on__gte=REFORM).exists()
        assert visits.filter(level="commune", meeting__held_on__gte=REFORM).exists()
        if min(m.held_on for m in meetings) < REFORM:
            assert visits.filter(level="district").exists()

    def test_demo_accounts(self, seeded, client):
        # (role, area key now, active): tinh82 was created on old 87 and followed it to new
        # 82; huyen874's district ended without a single successor, so it is inactive.
        expected = {
            "quantri": (Role.ADMIN, None, True),
            "tinh82": (Role.PROVINCE, "82@2025", True),
            "xa30130": (Role.COMMUNE, "30130@2025", True),
            "xa30154": (Role.COMMUNE, "30154@2025", True),
            "huyen874": (Role.DISTRICT, "874", False),
            "canbo30130": (Role.CADRE, "30130@2025", True),
        }
        users = {u.username: u for u in User.objects.select_related("area")}
        assert set(users) == set(expected)
        for username, (role, key, active) in expected.items():
            user = users[username]
            assert (user.role, user.area.key if user.area else None, user.is_active) == (role, key, active)
        assert users["xa30130"].area.full_name == "Xã Thanh Bình"
        assert users["xa30154"].area.full_name == "Xã Tân Long"
        assert users["huyen874"].area.valid_to == REFORM
        # What the reform did to the accounts of the old units, as their history keeps it.
        tinh82 = [h.area_id for h in users["tinh82"].history.order_by("history_date", "history_id")]
        assert tinh82 == [old_province().pk, new_province().pk]
        for username, (_role, _key, active) in expected.items():
            assert log_in(client, username, "demo12345") == active, username
            client.logout()

    def test_cadre_duty(self, seeded):
        today = timezone.localdate()
        cadres = list(Cadre.objects.select_related("area", "user"))
        assert {c.level for c in cadres} == {"commune", "province"}
        assert Cadre.objects.get(user__username="canbo30130").area.code == "30130"
        assignments = list(Assignment.objects.select_related("branch"))
        # One branch handed over from one cadre to the next, the day after the first's last.
        by_branch = collections.defaultdict(list)
        for a in assignments:
            by_branch[a.branch_id].append(a)
        handovers = [
            (x, y)
            for group in by_branch.values()
            for x in group
            for y in group
            if x.end_on is not None and y.start_on == x.end_on + datetime.timedelta(days=1)
        ]
        assert handovers
        visits = CadreVisit.objects.filter(cadre__isnull=False).select_related("meeting")
        for visit in visits:
            assert any(
                a.cadre_id == visit.cadre_id and a.covers(visit.meeting.held_on)
                for a in by_branch[visit.meeting.branch_id]
            )
        overdue = [v for v in visits if v.reported_on is None and v.report_due_on < today]
        assert overdue and len(overdue) < visits.count() / 2
        branches = Branch.objects.filter(dissolved_on__isnull=True)
        assert branches.exclude(meeting_rule="").count() > 0.9 * branches.count()
        flagged = Meeting.objects.filter(kind="regular", on_regular_day__isnull=False)
        assert flagged.filter(on_regular_day=True).count() > flagged.count() / 2
        assert OrientationNote.objects.filter(month=today.replace(day=1)).exists()
        assert NoteAttachment.objects.exists()
        assert Meeting.objects.filter(orientation_discussed=True).exists()
        assert FundingSource.objects.filter(rates__isnull=False).distinct().count() >= 2
        assert BranchTerm.objects.count() >= branches.count() * 0.9
        assert f"{len(cadres)} cadres attend branch meetings" in seeded

    def test_member_cards_and_awards(self, seeded):
        today = timezone.localdate()
        current = Membership.objects.filter(ended_on__isnull=True)
        without = current.filter(card_number="").count()
        assert 0.02 * current.count() < without < 0.1 * current.count()
        # Every number in use is the latest card issued for its membership.
        latest = {}
        for card in MemberCard.objects.order_by("membership_id", "issued_on", "pk"):
            assert card.issued_on is not None and card.issued_on <= today
            latest[card.membership_id] = card.number
        numbers = dict(Membership.objects.exclude(card_number="").values_list("pk", "card_number"))
        assert latest == numbers
        in_use = collections.Counter(
            (org, number)
            for org, number in current.exclude(card_number="").values_list("organization_id", "card_number")
        )
        assert max(in_use.values()) == 1
        assert MemberCard.objects.filter(reason=CardReason.LOST).count() > 5

        decisions = list(Award.objects.select_related("organization"))
        forms = collections.Counter((d.form, d.level) for d in decisions)
        assert forms["certificate", "commune"] > 5 * forms["merit", "province"] > 0
        disciplines = [d for d in decisions if d.kind == "discipline"]
        assert 0 < len(disciplines) < len(decisions) / 4
        # Each decision sits in the branch of the member's period on its date (the last period on the day it ends).
        periods = periods_by_membership()
        memberships = {(m.person_id, m.organization_id): [] for m in Membership.objects.all()}
        for m in Membership.objects.all():
            memberships[m.person_id, m.organization_id].append(m.pk)
        for d in decisions:
            assert d.decided_on <= today
            branches = [
                p.branch_id
                for pk in memberships[d.person_id, d.organization_id]
                for p in sorted(periods[pk], key=lambda p: p.valid_from)
                if p.valid_from <= d.decided_on and (p.valid_to is None or p.valid_to >= d.decided_on)
            ]
            assert branches and d.branch_id == branches[-1], d

    def test_member_ratings(self, seeded):
        today = timezone.localdate()
        last, end = today.year - 1, datetime.date(today.year - 1, 12, 31)
        # Every member to rate last year, counted here from the periods: on the roll on 31 December,
        # or ended during the year (their last period ends on the day they left).
        ended = dict(Membership.objects.filter(ended_on__isnull=False).values_list("pk", "ended_on"))
        to_rate = {
            membership_id
            for membership_id, periods in periods_by_membership().items()
            if any(in_force(p, end) for p in periods)
            or (
                ended.get(membership_id)
                and datetime.date(last, 1, 1) < periods[-1].valid_to == ended[membership_id] <= end
            )
        }
        ratings = list(MemberRating.objects.select_related("grade", "approved_by"))
        last_year = [r for r in ratings if r.year == last]
        assert {r.membership_id for r in last_year} == to_rate
        assert all(r.state == RatingState.APPROVED and r.approved_by.username == "tinh82" for r in last_year)
        grades = collections.Counter(r.grade.code for r in last_year)
        assert grades["well_done"] > len(last_year) / 2
        assert grades["excellent"] > grades["done"] > grades["not_done"] > 0
        this_year = [r for r in ratings if r.year == today.year]
        assert {r.state for r in this_year} == {RatingState.DRAFT, RatingState.SUBMITTED}
        assert 0 < len(this_year) < len(to_rate)

    def test_fees(self, seeded):
        today = timezone.localdate()
        rates = collections.defaultdict(list)
        for category_id, amount, start, end in FeeRate.objects.values_list(
            "category_id", "amount", "valid_from", "valid_to"
        ):
            rates[category_id].append((start, end, amount))
        earners = FeeCategory.objects.get(organization__code="DOAN", code="CTN")
        assert sorted(amount for _s, _e, amount in rates[earners.pk]) == [5_000, 10_000]
        assert FeeShare.objects.get(organization__code="DOAN").percent == 40
        defaults = dict(FeeCategory.objects.filter(is_default=True).values_list("organization_id", "pk"))
        assigned = collections.defaultdict(list)
        for membership_id, category_id, start in CategoryAssignment.objects.values_list(
            "membership_id", "category_id", "valid_from"
        ):
            assigned[membership_id].append((start, category_id))
        memberships = {m.pk: m for m in Membership.objects.all()}
        oldest = (today.year * 12 + today.month - 1) - 14
        part = 0
        payments = list(FeePayment.objects.all())
        for payment in payments:
            # The month is owed: the membership was open on some day of it (counted here, not by fees.dues).
            membership = memberships[payment.membership_id]
            first = datetime.date(payment.year, payment.month, 1)
            last = datetime.date(payment.year, payment.month, calendar.monthrange(payment.year, payment.month)[1])
            assert membership.joined_on <= last and (membership.ended_on is None or membership.ended_on > first)
            assert oldest <= payment.year * 12 + payment.month - 1 <= today.year * 12 + today.month - 1
            assert payment.paid_on <= today and payment.amount > 0
            day = min(last, membership.ended_on - datetime.timedelta(days=1)) if membership.ended_on else last
            starts = [(start, c) for start, c in assigned[membership.pk] if start <= day]
            category = max(starts)[1] if starts else defaults[membership.organization_id]
            due = next(a for start, end, a in rates[category] if start <= day and (end is None or end >= day))
            assert payment.amount <= due, payment
            part += payment.amount < due
        assert 0 < part < len(payments) / 5
        # Gaps: far from every open membership paid every month of the last year.
        open_members = sum(1 for m in memberships.values() if m.ended_on is None)
        assert len(payments) < open_members * 12 * 0.95
        assert sum(1 for p in payments if p.collected_by) > 0.8 * len(payments)
        assert f"{len(payments)} monthly payments" in seeded

    def test_ageing_out_and_letters_of_introduction(self, seeded):
        today = timezone.localdate()
        youth = Membership.objects.filter(organization__code="DOAN", ended_on__isnull=True).select_related("person")
        over = [m.person for m in youth if m.person.birth_year + 31 <= today.year]  # over 30 at some time this year
        assert len(over) >= 2 and any(p.birth_date is None for p in over)
        assert any(p.birth_year + 31 < today.year for p in over)  # over it since an earlier year
        assert any(m.person.birth_year + 31 == today.year + 1 for m in youth)  # next year's
        aged_out = Membership.objects.filter(end_reason=EndReason.AGED_OUT, ended_on__year=today.year - 1)
        associations = Membership.objects.filter(organization__code__in=("HND", "LHPN"))
        assert any(associations.filter(person=m.person_id, joined_on__gt=m.ended_on).exists() for m in aged_out)

        letters = list(TransferLetter.objects.select_related("membership", "received_membership"))
        sent = [letter for letter in letters if letter.from_branch_id]
        assert len({letter.number for letter in sent}) == len(sent) >= 4
        periods = periods_by_membership()
        for letter in sent:
            assert re.fullmatch(rf"{letter.sequence}/{letter.year}/GGT-ĐTN-\d{{5}}", letter.number), letter.number
            assert today - datetime.timedelta(days=731) <= letter.issued_on <= today
            if letter.received_on:  # moved on the day of arrival into the branch that received the letter
                assert letter.received_on <= today and letter.received_membership_id == letter.membership_id
                assert any(
                    p.branch_id == letter.received_branch_id and p.valid_from == letter.received_on
                    for p in periods[letter.membership_id]
                )
            elif letter.to_description:
                ended = letter.membership
                assert (ended.ended_on, ended.end_reason) == (letter.issued_on, EndReason.TRANSFERRED)
                assert ended.end_note == letter.to_description
        assert {"received", "outside", "waiting"} == {
            "received" if x.received_on else "outside" if x.to_description else "waiting" for x in sent
        }
        # Each commune's numbers follow the dates of its letters.
        for commune in {letter.issuing_area_id for letter in sent}:
            theirs = sorted((x for x in sent if x.issuing_area_id == commune), key=lambda x: (x.year, x.sequence))
            assert [x.issued_on for x in theirs] == sorted(x.issued_on for x in theirs)
        (outside,) = [letter for letter in letters if not letter.from_branch_id]
        assert outside.from_description and outside.received_membership.ended_on is None

    def test_summary_and_second_run_changes_nothing(self, seeded):
        assert f"{Membership.objects.count()} memberships" in seeded
        assert f"{Meeting.objects.count()} meetings" in seeded
        for username in ("quantri", "tinh82", "xa30130", "xa30154", "huyen874"):
            assert username in seeded
        assert re.search(r"Made inactive by the reorganisation .*: huyen874$", seeded, re.MULTILINE)
        hamlets = Area.objects.filter(level=AreaLevel.HAMLET)
        communes = {h.parent_id for h in hamlets}
        assert (
            f"Reorganisation of the administrative units from 01/07/2025 (Tỉnh Đồng Tháp (87) → Tỉnh Đồng Tháp (82)): "
            f"{len(communes)} new communes received {hamlets.count()} hamlets."
        ) in seeded
        counts = (Person.objects.count(), Membership.objects.count(), Branch.objects.count(), Meeting.objects.count())
        again = seed()
        assert "already there" in again
        assert (
            Person.objects.count(),
            Membership.objects.count(),
            Branch.objects.count(),
            Meeting.objects.count(),
        ) == (counts)

    # --- through the reform ---------------------------------------------------------------

    def test_old_units_end_and_new_units_begin(self, seeded):
        old = Area.objects.filter(path__startswith=old_province().path, structure=Structure.PRE_2025)
        assert {a.code for a in old if a.level == AreaLevel.DISTRICT} >= {"874", "875"}
        assert old.filter(level=AreaLevel.COMMUNE).count() > 100  # the whole old province
        for area in old:
            assert area.valid_to == REFORM and area.last_day == LAST_OLD_DAY, area
            assert area.in_force_on(LAST_OLD_DAY) and not area.in_force_on(REFORM)
        new = Area.objects.filter(path__startswith=new_province().path, structure=Structure.FROM_2025)
        assert {a.level for a in new} == {AreaLevel.PROVINCE, AreaLevel.COMMUNE}
        assert new.filter(level=AreaLevel.COMMUNE).count() > 50
        for area in new:
            assert (area.valid_from, area.valid_to) == (REFORM, None), area
            assert area.in_force_on(REFORM) and not area.in_force_on(LAST_OLD_DAY)
        (event,) = Reorganization.objects.all()
        assert (event.effective_on, event.provinces, event.created_by.username) == (REFORM, ["87"], "quantri")
        hamlets = Area.objects.filter(level=AreaLevel.HAMLET).count()
        assert (event.summary["hamlets"], event.summary["ending"]) == (hamlets, old.count())

    def test_hamlets_sit_in_their_old_commune_then_in_the_new_one(self, seeded):
        tree = Tree()
        successions = set(Succession.objects.values_list("predecessor_id", "successor_id"))
        districts = {a.pk for a in Area.objects.filter(code__in=["874", "875"], structure=Structure.PRE_2025)}
        new_province_path = new_province().path
        hamlets = list(Area.objects.filter(level=AreaLevel.HAMLET).select_related("parent"))
        assert len(hamlets) > 60
        for hamlet in hamlets:
            before, now = tree.placement(hamlet.pk, LAST_OLD_DAY), tree.placement(hamlet.pk, timezone.localdate())
            assert before.valid_to == REFORM and now.valid_from == REFORM and now.valid_to is None
            old_commune = Area.objects.get(pk=before.parent_id)
            assert (old_commune.structure, old_commune.parent_id in districts) == (Structure.PRE_2025, True)
            assert before.path == f"{old_commune.path}{hamlet.code}/"
            new_commune = hamlet.parent
            assert (now.parent_id, now.path) == (new_commune.pk, hamlet.path)
            assert (new_commune.structure, new_commune.level) == (Structure.FROM_2025, AreaLevel.COMMUNE)
            assert new_commune.path.startswith(new_province_path)
            assert (old_commune.pk, new_commune.pk) in successions
        # Branches keep their identity: the residential ones sit on their hamlet throughout,
        # under the hamlet's old path and then its new one; the professional ones moved from
        # the old commune to its successor on the day.
        hamlet_paths = {h.pk: (tree.placement(h.pk, LAST_OLD_DAY).path, h.path) for h in hamlets}
        for branch in Branch.objects.filter(kind=BranchKind.RESIDENTIAL):
            placements = sorted(tree.branches[branch.pk], key=lambda p: p.valid_from or datetime.date.min)
            assert [(p.area_id, p.valid_from, p.valid_to) for p in placements] == [
                (branch.area_id, None, REFORM),
                (branch.area_id, REFORM, None),
            ]
            assert tuple(p.path for p in placements) == hamlet_paths[branch.area_id]
        for branch in Branch.objects.filter(kind=BranchKind.PROFESSIONAL):
            placements = sorted(tree.branches[branch.pk], key=lambda p: p.valid_from or datetime.date.min)
            assert [(p.valid_from, p.valid_to) for p in placements] == [(None, REFORM), (REFORM, None)]
            assert (placements[0].area_id, placements[1].area_id) in successions
            assert placements[1].area_id == branch.area_id

    def test_activity_goes_on_after_the_reform(self, seeded):
        tree = Tree()
        new_path = new_province().path
        assert Membership.objects.filter(joined_on__gte=REFORM).exists()
        assert Membership.objects.filter(ended_on__gte=REFORM).exists()
        # Transfers after the reform are between new communes (there are no districts any more).
        periods = periods_by_membership()
        transfers = [
            (before, after)
            for ps in periods.values()
            for before, after in itertools.pairwise(ps)
            if after.valid_from >= REFORM and before.branch_id != after.branch_id
        ]
        assert transfers
        for before, after in transfers:
            for period in (before, after):
                assert tree.branch_path(period.branch_id, after.valid_from).startswith(new_path)

        def commune_then(period, day):
            return tree.branch_path(period.branch_id, day).split("/")[2]

        assert any(commune_then(b, a.valid_from) != commune_then(a, a.valid_from) for b, a in transfers)

        meetings = Meeting.objects.filter(held_on__gte=REFORM)
        assert meetings.count() > 0
        assert all(tree.branch_path(m.branch_id, m.held_on).startswith(new_path) for m in meetings)

        # The ratings of the years since the reform are done in the new units and approved
        # by the provincial officer, who is on the new province now.
        ratings = list(BranchRating.objects.filter(year__gte=2025).select_related("approved_by__area"))
        assert ratings
        for rating in ratings:
            assert tree.branch_path(rating.branch_id, datetime.date(rating.year, 12, 31)).startswith(new_path)
            if rating.submitted_at:
                assert rating.submitted_at.date() >= REFORM
            if rating.approved_by:
                assert (rating.approved_by.username, rating.approved_by.area.key) == ("tinh82", "82@2025")
        assert any(r.state == RatingState.APPROVED for r in ratings)

    def test_membership_report_before_the_reform_is_in_the_old_units(self, seeded):
        day = datetime.date(2024, 12, 31)
        province = old_province()
        report = membership_report(area=province, on=day)
        districts = Area.objects.filter(parent=province, level=AreaLevel.DISTRICT)
        assert [r["area_code"] for r in report.rows] == sorted(d.code for d in districts)
        assert {"874", "875"} <= {r["area_code"] for r in report.rows}

        tree = Tree()
        in_force_then = periods_on(day)
        by_district = collections.Counter(tree.branch_path(p.branch_id, day).split("/")[2] for p in in_force_then)
        assert set(by_district) == {"874", "875"}
        assert report.total["members"] == len(in_force_then)
        assert report.total["present"] == sum(p.status == "present" for p in in_force_then)
        assert report.total["people"] == len({p.person_id for p in in_force_then})
        for row in report.rows:
            assert row["members"] == by_district[row["area_code"]], row["area_code"]

    def test_membership_report_today_is_in_the_new_units(self, seeded):
        today = timezone.localdate()
        province = new_province()
        report = membership_report(area=province, on=today)
        communes = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE)
        assert sorted(r["area_code"] for r in report.rows) == sorted(c.code for c in communes)

        tree = Tree()
        in_force_now = periods_on(today)
        by_commune = collections.Counter(tree.branch_path(p.branch_id, today).split("/")[2] for p in in_force_now)
        demo_communes = {h.parent.key for h in Area.objects.filter(level=AreaLevel.HAMLET).select_related("parent")}
        assert set(by_commune) <= demo_communes and len(by_commune) > 1
        assert all(key.endswith("@2025") for key in by_commune)
        assert report.total["members"] == len(in_force_now)
        assert report.total["people"] == len({p.person_id for p in in_force_now})
        for row in report.rows:
            assert row["members"] == by_commune[row["area_key"]], row["area_code"]


def test_same_seed_same_people():

    def people_of_a_fresh_run(*args):
        with transaction.atomic():
            seed(*args)
            people = list(Person.objects.order_by("cccd", "full_name").values_list("full_name", "birth_date", "cccd"))
            transaction.set_rollback(True)
        assert not Person.objects.exists()
        return people

    first = people_of_a_fresh_run()
    assert first == people_of_a_fresh_run()
    assert first != people_of_a_fresh_run("--seed", "7")


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_members_must_be_a_positive_number(value):
    with pytest.raises(CommandError, match="--members"):
        call_command("seed_demo", "--members", value, stdout=StringIO())
    assert not Branch.objects.exists()


def test_refuses_a_province_reorganised_already():
    """The demo builds its history before the reform: a province reorganised without it is left alone."""
    load_official_areas(structure=Structure.PRE_2025, province_codes=["87"])
    apply_reform(plan_reform(effective_on=REFORM, province_codes=["87"]))
    with pytest.raises(CommandError, match="was reorganised already"), translation.override("en"):
        call_command("seed_demo", "--members", "50", stdout=StringIO())
    assert not Branch.objects.exists() and not User.objects.exists()
