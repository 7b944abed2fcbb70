"""``manage.py seed_demo``: what it promises to build, and that the history it writes is sound."""

import collections
import datetime
import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import Role, User
from areas.models import Area, AreaLevel, UnitType
from branches.models import AllowanceRate, Branch, BranchKind, Officer, OfficerRole
from core import vietnamese
from meetings.models import CadreVisit, Meeting
from members.models import EndReason, Gender, Membership, MembershipPeriod, Person, TargetPopulation
from ratings.models import BranchRating, RatingState
from tests.conftest import FAST_HASHERS
from tests.pages import log_in

pytestmark = pytest.mark.django_db

MEMBERS = 300
ORGS = {"DOAN", "HND", "LHPN", "CCB"}


def seed(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--members", str(MEMBERS), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One demo for all the tests of a class, rolled back after them."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def periods_by_membership() -> dict[int, list[MembershipPeriod]]:
    periods = collections.defaultdict(list)
    for period in MembershipPeriod.objects.select_related("branch__area").order_by("membership_id", "valid_from"):
        periods[period.membership_id].append(period)
    return periods


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
        districts = Area.objects.filter(code__in=["874", "875"])
        assert districts.count() == 2
        communes = Area.objects.filter(parent__in=districts, level=AreaLevel.COMMUNE)
        assert communes.count() > 20
        for commune in communes:
            hamlets = list(Area.objects.filter(parent=commune))
            assert 3 <= len(hamlets) <= 6, commune
            town = commune.unit_type == UnitType.THI_TRAN
            for hamlet in hamlets:
                assert hamlet.level == AreaLevel.HAMLET
                assert hamlet.unit_type == (UnitType.KHOM if town else UnitType.AP)
                assert re.fullmatch(rf"{commune.code}-\d\d", hamlet.code)
                assert hamlet.path == f"{commune.path}{hamlet.code}/"

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
            assert person.birth_date and person.birth_year == person.birth_date.year
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
            age_at_joining = (m.joined_on - m.person.birth_date).days / 365.25
            if m.organization.code == "DOAN":
                assert 16 <= age_at_joining < 31
            elif m.organization.code in ("HND", "LHPN"):
                assert age_at_joining >= 18
            if m.organization.code == "LHPN":
                assert m.person.gender == Gender.FEMALE
            if m.organization.code == "CCB":
                assert 1950 <= m.person.birth_year <= 1980
        assert abs(memberships.count() - MEMBERS) <= 1

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

        assert {m.joined_on.year for m in memberships} >= set(range(2019, today.year + 1))
        assert {m.end_reason for m in memberships} >= set(EndReason.values)
        transfers = [ps for ps in periods.values() if len({p.branch_id for p in ps}) > 1]
        assert transfers
        assert any(len({p.branch.area.path.split("/")[2] for p in ps}) > 1 for ps in transfers), "across districts"
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
        assert TargetPopulation.objects.count() == hamlets * 4 * 8
        assert set(TargetPopulation.objects.values_list("year", flat=True)) == set(range(2019, 2027))
        present = collections.Counter()
        for p in MembershipPeriod.objects.filter(status="present", branch__kind=BranchKind.RESIDENTIAL).values_list(
            "branch__area_id", "membership__organization__code", "valid_from", "valid_to"
        ):
            for year in range(2019, 2027):
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
        ratings = BranchRating.objects.select_related("grade")
        assert set(ratings.values_list("year", flat=True)) == set(range(2020, 2026))
        assert not ratings.filter(year__lt=2025).exclude(state=RatingState.APPROVED).exists()
        assert all(r.approved_at and r.approved_by for r in ratings.filter(state=RatingState.APPROVED))
        assert set(ratings.filter(year=2025).values_list("state", flat=True)) == set(RatingState.values)
        rated_2025 = set(ratings.filter(year=2025).values_list("branch_id", flat=True))
        assert Branch.objects.filter(dissolved_on__isnull=True).exclude(pk__in=rated_2025).exists()
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
        visits = CadreVisit.objects.select_related("meeting")
        assert 0.05 < visits.count() / len(meetings) < 0.3
        filed = visits.filter(reported_on__isnull=False)
        assert filed.count() > visits.count() / 2
        assert all(v.quality and v.reported_on > v.meeting.held_on for v in filed)
        assert {v.level for v in visits} >= {"commune", "district"}

    def test_demo_accounts(self, seeded, client):
        expected = {
            "quantri": (Role.ADMIN, None),
            "tinh87": (Role.PROVINCE, "87"),
            "huyen874": (Role.DISTRICT, "874"),
            "huyen875": (Role.DISTRICT, "875"),
        }
        for username, (role, area) in expected.items():
            user = User.objects.get(username=username)
            assert (user.role, user.area.code if user.area else None) == (role, area)
        commune_user = User.objects.get(role=Role.COMMUNE, username__startswith="xa")
        assert commune_user.username == f"xa{commune_user.area.code}"
        assert commune_user.area.parent.code == "874"
        for username in [*expected, commune_user.username]:
            assert log_in(client, username, "demo12345"), username
            client.logout()

    def test_summary_and_second_run_changes_nothing(self, seeded):
        assert f"{Membership.objects.count()} memberships" in seeded
        assert f"{Meeting.objects.count()} meetings" in seeded
        assert "huyen874" in seeded
        counts = (Person.objects.count(), Membership.objects.count(), Branch.objects.count(), Meeting.objects.count())
        again = seed()
        assert "already there" in again
        assert (
            Person.objects.count(),
            Membership.objects.count(),
            Branch.objects.count(),
            Meeting.objects.count(),
        ) == (counts)


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
