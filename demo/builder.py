"""Writes the demo data: hamlets, branches, people and everything that hangs off them.

The plan is made in Python (``people`` and ``activity``), then written with bulk inserts
that also write the history rows (``bulk_create_with_history``), in one transaction.

The demo lives through the 2025 reform: it is built in the old structure (Tỉnh Đồng Tháp
87, Huyện Thanh Bình and Huyện Lấp Vò with their communes), then the reform is applied on
1 July 2025 as an administrator would (``areas.reform``), and the new units (Tỉnh Đồng
Tháp 82 and its communes) hold everything since. The whole simulated history, up to
today, is written first and the reform applied after it. That gives exactly the state of
a province that lived through the reform: branches keep their identity across it (only
their placement changes, from the effective date), memberships, meetings and ratings hang
off branches, and the reform never rewrites the past, so activity dated after 1 July 2025
reads in the new units and activity before it in the old ones. The simulation itself knows
the reform from a dry run of it (``plan_reform``), so what happens after the effective date
makes sense in the new units: a move is between new communes (there are no districts any
more), cadres visit from the new commune or the province, the ratings of 2025 and later
are done per new commune.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from accounts.services import create_user
from areas.models import REFORM_2025, Area, AreaLevel, AreaPlacement, Structure, UnitType
from areas.reform import ReformPlan, apply_reform, plan_reform
from areas.services import load_official_areas
from branches.models import AllowanceRate, Branch, BranchKind, BranchPlacement, Officer, OfficerRole, Organization
from meetings.models import CadreVisit, Meeting
from members.models import Membership, MembershipPeriod, Person, TargetPopulation
from ratings.models import BranchRating, Grade, SchemeAssignment

from . import book_cards_awards, book_letters, duty, duty_allowances, duty_notes, fees, member_ratings, vocab
from .activity import Activity
from .people import PeopleSimulator, ensure_variety, rand_date

PROVINCE = "87"  # Tỉnh Đồng Tháp, in the pre-2025 structure
NEW_PROVINCE = "82"  # Tỉnh Đồng Tháp since the reform (87 and Tiền Giang's 82 merged)
DISTRICTS = ("874", "875")  # Huyện Thanh Bình, Huyện Lấp Vò
ORG_CODES = ("DOAN", "HND", "LHPN", "CCB")
PASSWORD = "demo12345"
# The demo accounts: (username, role, area code). Those of the old units are created before
# the reform, which moves the provincial officer to the new province and makes the district
# staff inactive (their district ended without a single successor); the commune staff are
# created after it, on new communes (codes are read in today's structure).
ACCOUNTS_BEFORE_REFORM = [
    ("quantri", Role.ADMIN, None),
    (f"tinh{NEW_PROVINCE}", Role.PROVINCE, PROVINCE),
    ("huyen874", Role.DISTRICT, "874"),
]
ACCOUNTS_AFTER_REFORM = [
    ("xa30130", Role.COMMUNE, "30130"),  # Xã Thanh Bình (2025)
    ("xa30154", Role.COMMUNE, "30154"),  # Xã Tân Long (2025); 30154 was Xã Tân Bình before
    ("canbo30130", Role.CADRE, "30130"),  # a Youth Union cadre of Xã Thanh Bình who attends meetings
]
APPROVER = f"tinh{NEW_PROVINCE}"
# The full name and position that sign each demo account's printed reports and lists.
SIGNERS = {
    "quantri": ("Trần Minh Tuấn", "Chuyên viên Văn phòng Tỉnh Đoàn Đồng Tháp"),
    f"tinh{NEW_PROVINCE}": ("Nguyễn Thị Thu Hà", "Phó Trưởng Ban Tổ chức Tỉnh Đoàn Đồng Tháp"),
    "huyen874": ("Lê Hoàng Phúc", "Phó Bí thư Huyện Đoàn Thanh Bình"),
    "xa30130": ("Phạm Thị Ngọc Hân", "Phó Bí thư Đoàn xã Thanh Bình"),
    "xa30154": ("Võ Thanh Tâm", "Bí thư Đoàn xã Tân Long"),
    "canbo30130": ("Phạm Văn Lợi", "Phó Bí thư Đoàn xã Thanh Bình"),
}
BATCH = 500
CHANGE_REASON = "seed_demo"
# Monthly allowances in đồng: (role, amount from 2020, amount from 2025).
ALLOWANCES = [
    (OfficerRole.HEAD, 200_000, 250_000),
    (OfficerRole.DEPUTY, 150_000, 180_000),
    (OfficerRole.COMMITTEE, 100_000, 120_000),
]
FOUNDED = {
    "DOAN": (datetime.date(1976, 3, 26), datetime.date(1986, 12, 31)),
    "HND": (datetime.date(1980, 1, 1), datetime.date(1989, 12, 31)),
    "LHPN": (datetime.date(1980, 1, 1), datetime.date(1989, 12, 31)),
    "CCB": (datetime.date(1990, 1, 1), datetime.date(1991, 12, 31)),
}


class DemoAlreadyThere(Exception):
    pass


@dataclass
class DemoAccount:
    username: str
    role: str
    area: str  # the area's name and code today ("" for an administrator)
    created: bool  # created now (an account that existed is left as it is)
    paused_by_reform: bool = False  # made inactive by the reform (its unit ended divided)


@dataclass
class ReformSummary:
    effective_on: datetime.date
    old_province: str
    new_province: str
    new_communes: int  # the new communes that received hamlets
    hamlets: int  # the hamlets that moved


@dataclass
class Summary:
    hamlets: int
    branches: int
    people: int
    memberships: int
    periods: int
    officers: int
    targets: int
    ratings: int
    meetings: int
    visits: int
    accounts: list[DemoAccount]
    reform: ReformSummary | None  # None when the demo's today is before the reform
    duty: dict  # cadres, assignments and their visits (demo.duty)
    fees: dict | None = None  # fee categories with rates, members' categories, payments (demo.fees)


def demo_data_exists() -> bool:
    """Whether branches sat in the demo province at some date.

    After the reform the demo's hamlets sit in the new province, but their placements
    keep where they sat before: one query on the placements' paths finds them.
    """
    province = Area.objects.filter(code=PROVINCE, structure=Structure.PRE_2025).first()
    return province is not None and Branch.objects.filter(area__placements__path__startswith=province.path).exists()


class World:
    """The areas and branches of the demo, with the lookups the simulation needs."""

    def __init__(self, province: Area, districts: list[Area], communes: list[Area]):
        self.province, self.districts, self.communes = province, districts, communes
        self.org_codes = list(ORG_CODES)
        self.orgs = {o.code: o for o in Organization.objects.filter(code__in=ORG_CODES)}
        self.org_code = {o.pk: o.code for o in self.orgs.values()}
        self.hamlets: list[Area] = []
        self.branches: list[Branch] = []
        self.residential: dict[tuple[int, str], Branch] = {}
        self.professional: dict[int, list[Branch]] = {}
        self.residents: dict[int, list] = {}
        self.commune_of = {c.pk: c.pk for c in communes}
        self.district_of = {c.pk: c.parent_id for c in communes}
        self.hamlets_by_district = {d.pk: [] for d in districts}
        # The reform, from its dry run: its date, the new province and, for each old
        # commune and hamlet (by primary key), the code of the new commune it goes to.
        self.reform_on: datetime.date | None = None
        self.new_province: Area | None = None
        self.new_communes: dict[str, Area] = {}
        self.new_commune_of: dict[int, str] = {}
        self.hamlets_by_new_commune: dict[str, list[Area]] = {}

    def add_hamlets(self, hamlets: list[Area], weights: list[float]) -> None:
        self.hamlets = hamlets
        self.hamlet_ids = {h.pk for h in hamlets}
        self.hamlet_cum_weights = list(itertools.accumulate(weights))
        for hamlet in hamlets:
            self.commune_of[hamlet.pk] = hamlet.parent_id
            self.district_of[hamlet.pk] = self.district_of[hamlet.parent_id]
            self.hamlets_by_district[self.district_of[hamlet.pk]].append(hamlet)

    def add_reform(self, plan: ReformPlan) -> None:
        """What the reform will do to the demo's units, so that later events happen in the new ones."""
        self.reform_on = plan.effective_on
        self.new_province = next(area for area in plan.new_units if area.level == AreaLevel.PROVINCE)
        for commune in self.communes:
            successor = plan.moves.successors[commune.pk]  # a divided commune: its default successor
            self.new_commune_of[commune.pk] = successor.code
        for move in plan.hamlets:
            code = move.new_commune.code
            self.new_communes[code] = move.new_commune
            self.new_commune_of[move.hamlet.pk] = code
            self.hamlets_by_new_commune.setdefault(code, []).append(move.hamlet)

    def reformed_on(self, day: datetime.date) -> bool:
        return self.reform_on is not None and day >= self.reform_on

    def commune_on(self, area_id: int, day: datetime.date) -> tuple[str, object]:
        """The commune a hamlet (or a branch's commune) belonged to on a day: an old one, or a new one."""
        if self.reformed_on(day):
            return ("new", self.new_commune_of[area_id])
        return ("old", self.commune_of[area_id])

    def add_branches(self, branches: list[Branch]) -> None:
        self.branches = sorted(branches, key=lambda b: b.code)
        for branch in self.branches:
            code = self.org_code[branch.organization_id]
            if branch.kind == BranchKind.RESIDENTIAL:
                self.residential[(branch.area_id, code)] = branch
            else:
                self.professional.setdefault(branch.area_id, []).append(branch)

    def professional_branch_for(self, hamlet: Area) -> Branch | None:
        branches = self.professional.get(hamlet.parent_id)
        return branches[0] if branches else None

    def other_hamlet(self, rng: random.Random | None, hamlet: Area, *, far: bool, on: datetime.date) -> Area:
        """Where someone of ``hamlet`` moves on a day: a hamlet nearby, or (``far``) further away.

        Before the reform, nearby is the same district and far the other district; after
        it there are no districts: nearby is the same new commune, far another new commune.
        """
        if self.reformed_on(on):
            commune = self.new_commune_of[hamlet.pk]
            if far or len(self.hamlets_by_new_commune[commune]) < 2:
                choices = [h for h in self.hamlets if self.new_commune_of[h.pk] != commune]
            else:
                choices = [h for h in self.hamlets_by_new_commune[commune] if h.pk != hamlet.pk]
        else:
            district = self.district_of[hamlet.pk]
            if far:
                district = next(d.pk for d in self.districts if d.pk != district)
            choices = [h for h in self.hamlets_by_district[district] if h.pk != hamlet.pk]
        return choices[rng.randrange(len(choices))] if rng else choices[0]


def _bulk(objs: list, model, user) -> list:
    if not objs:
        return objs
    return bulk_create_with_history(
        objs, model, batch_size=BATCH, default_user=user, default_change_reason=CHANGE_REASON
    )


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.make_aware(moment) if moment else None


class DemoBuilder:
    def __init__(self, *, members: int, seed: int, today: datetime.date | None = None):
        self.members = members
        self.seed = seed
        self.today = today or timezone.localdate()
        self.rng = random.Random(f"{seed}:world")

    # --- areas and branches -----------------------------------------------------------------

    def _official_areas(self) -> World:
        load_official_areas(structure=Structure.PRE_2025, province_codes=[PROVINCE])
        province = Area.objects.get(code=PROVINCE)
        districts = list(Area.objects.filter(code__in=DISTRICTS).order_by("code"))
        communes = list(
            Area.objects.filter(parent__in=districts, level=AreaLevel.COMMUNE)
            .order_by("code")
            .select_related("parent")
        )
        return World(province, districts, communes)

    def _hamlets(self, world: World) -> None:
        rng, hamlets, weights = self.rng, [], []
        for commune in world.communes:
            count = rng.randint(3, 6)
            town = commune.unit_type in (UnitType.THI_TRAN, UnitType.PHUONG)
            if town:
                unit, names = UnitType.KHOM, [str(i) for i in range(1, count + 1)]
            elif rng.random() < 0.2:
                unit, names = UnitType.AP, [str(i) for i in range(1, count + 1)]
            else:
                unit, names = UnitType.AP, rng.sample(vocab.HAMLET_NAMES, count)
            for i, name in enumerate(names, start=1):
                code = f"{commune.code}-{i:02d}"
                hamlets.append(Area.hamlet_in(commune, code=code, unit_type=unit, name=name))
                weights.append(rng.uniform(0.6, 1.5) * (1.4 if town else 1.0))
        world.add_hamlets(_bulk(hamlets, Area, self.user), weights)
        _bulk([AreaPlacement.first_of(hamlet) for hamlet in hamlets], AreaPlacement, self.user)

    def _branches(self, world: World) -> None:
        rng, branches = self.rng, []
        for hamlet in world.hamlets:
            for code in ORG_CODES:
                low, high = FOUNDED[code]
                branches.append(
                    Branch(
                        organization=world.orgs[code],
                        area=hamlet,
                        name=vocab.BRANCH_NAMES[code].format(hamlet=hamlet.full_name),
                        code=f"{hamlet.code}-{code}",
                        kind=BranchKind.RESIDENTIAL,
                        founded_on=rand_date(rng, low, high),
                    )
                )
        communes = {c.code: c for c in world.communes}
        for commune_code, suffix, trade, founded, dissolved in vocab.PROFESSIONAL_BRANCHES:
            commune = communes.get(commune_code)
            if commune is None:
                continue
            branches.append(
                Branch(
                    organization=world.orgs["HND"],
                    area=commune,
                    name=f"Chi hội nghề nghiệp {trade} {commune.get_unit_type_display().lower()} {commune.name}",
                    code=f"{commune.code}-HND-{suffix}",
                    kind=BranchKind.PROFESSIONAL,
                    founded_on=datetime.date.fromisoformat(founded),
                    dissolved_on=datetime.date.fromisoformat(dissolved) if dissolved else None,
                )
            )
        world.add_branches(_bulk(branches, Branch, self.user))
        # Each hamlet and commune has sat where it is since before the records: one placement.
        placements = {p.area_id: [p] for p in AreaPlacement.objects.filter(area__in={b.area_id for b in branches})}
        branch_placements = [bp for b in branches for bp in BranchPlacement.following(b, placements[b.area_id])]
        _bulk(branch_placements, BranchPlacement, self.user)

    # --- accounts ---------------------------------------------------------------------------

    def _accounts(self, wanted) -> list[DemoAccount]:
        """The demo accounts; an account that already exists is left as it is."""
        existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
        for username, role, area_code in wanted:
            if username not in existing:
                full_name, position = SIGNERS.get(username, ("", ""))
                create_user(
                    username=username,
                    role=role,
                    area_code=area_code,
                    password=PASSWORD,
                    full_name=full_name,
                    position=position,
                )
        return [DemoAccount(username, role, "", username not in existing) for username, role, _area in wanted]

    @staticmethod
    def _describe(accounts: list[DemoAccount], active_before: set[str]) -> None:
        """Each account's area as it is now, and whether the reform made it inactive."""
        users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
        for account in accounts:
            user = users[account.username]
            account.area = f"{user.area.full_name} {user.area.code}" if user.area else ""
            account.paused_by_reform = account.username in active_before and not user.is_active

    # --- people -----------------------------------------------------------------------------

    def _people(self, world: World, people) -> tuple[list, list]:
        persons = []
        for plan in people:
            plan.obj = Person(
                full_name=plan.full_name,
                birth_date=plan.birth_date,
                gender=plan.gender,
                ethnicity=plan.ethnicity,
                religion=plan.religion,
                cccd=plan.cccd,
                phone=plan.phone,
                residence=plan.residence,
                education=plan.education,
                occupation=plan.occupation,
                party_joined_on=plan.party_joined_on,
            )
            plan.obj.fill_derived_fields()
            persons.append(plan.obj)
            world.residents.setdefault(plan.residence.pk, []).append(plan)
        _bulk(persons, Person, self.user)
        memberships, periods = [], []
        for plan in people:
            for m in plan.memberships:
                last = m.periods[-1]
                m.obj = Membership(
                    person=plan.obj,
                    organization_id=last[0].organization_id,
                    branch=last[0],
                    joined_on=m.joined_on,
                    joined_branch=m.periods[0][0],
                    card_number=m.card_number,
                    status=last[1],
                    introduced_to_party_on=m.introduced_to_party_on,
                    ended_on=m.ended_on,
                    end_reason=m.end_reason,
                )
                memberships.append(m.obj)
        _bulk(memberships, Membership, self.user)
        for plan in people:
            for m in plan.memberships:
                for branch, status, start, end in m.periods:
                    periods.append(
                        MembershipPeriod(
                            membership=m.obj,
                            person=plan.obj,
                            shares_person=len(plan.memberships) > 1,
                            branch=branch,
                            status=status,
                            valid_from=start,
                            valid_to=end,
                        )
                    )
        _bulk(periods, MembershipPeriod, self.user)
        return memberships, periods

    # --- the rest ---------------------------------------------------------------------------

    def _allowances(self) -> None:
        """The rates of a database that had them before funding sources: those of the
        province-level source for every area (``demo.duty_allowances`` adds the others)."""
        from branches.models import FundingSource, SourceLevel

        source, _created = FundingSource.objects.get_or_create(
            name="Mức phụ cấp chung của tỉnh", defaults={"level": SourceLevel.PROVINCE}
        )
        raise_on = datetime.date(2025, 1, 1)
        for role, amount, raised in ALLOWANCES:
            for valid_from, valid_to, value in (
                (datetime.date(2020, 1, 1), raise_on - datetime.timedelta(days=1), amount),
                (raise_on, None, raised),
            ):
                if not AllowanceRate.objects.filter(source=source, role=role, valid_from=valid_from).exists():
                    AllowanceRate.objects.create(
                        source=source, role=role, amount=value, valid_from=valid_from, valid_to=valid_to
                    )

    def _grades(self, world: World, years) -> dict:
        """(organization code, year) -> {order: grade} in the scheme the organization uses that year."""
        grades = {}
        for code, org in world.orgs.items():
            for year in years:
                assignment = SchemeAssignment.objects.for_year(org.pk, year)
                grades[(code, year)] = {g.order: g for g in Grade.objects.filter(scheme_id=assignment.scheme_id)}
        return grades

    # --- the reform -------------------------------------------------------------------------

    def _reform_plan(self) -> ReformPlan | None:
        """The dry run of the reform of the demo province, if the demo's today is past it."""
        if self.today < REFORM_2025:
            return None
        return plan_reform(effective_on=REFORM_2025, province_codes=[PROVINCE])

    def _reform(self, world: World) -> ReformSummary:
        """Apply the reform as an administrator would (``reorganize_areas --effective 2025-07-01 --province 87``).

        Planned again now that everything is written, so that the event keeps the true
        figures of what moved (the first dry run saw the branches without members).
        """
        plan = plan_reform(effective_on=REFORM_2025, province_codes=[PROVINCE])
        apply_reform(plan, user=self.user)
        return ReformSummary(
            effective_on=plan.effective_on,
            old_province=f"{world.province.full_name} ({world.province.code})",
            new_province=f"{world.new_province.full_name} ({world.new_province.code})",
            new_communes=len({move.new_commune.code for move in plan.hamlets}),
            hamlets=len(plan.hamlets),
        )

    @transaction.atomic
    def build(self) -> Summary:
        if demo_data_exists():
            raise DemoAlreadyThere
        world = self._official_areas()
        if world.province.valid_to is not None:
            raise ValidationError(
                _(
                    "%(area)s (%(code)s) was reorganised already (in force until %(date)s): the demo builds its "
                    "history before the reform, so it needs a database where the province is still in force."
                ),
                params={
                    "area": world.province.full_name,
                    "code": world.province.code,
                    "date": world.province.last_day.strftime("%d/%m/%Y"),
                },
                code="reorganised",
            )
        accounts = self._accounts(ACCOUNTS_BEFORE_REFORM)
        self.user = User.objects.get(username="quantri")
        approver = User.objects.get(username=APPROVER)
        self._hamlets(world)
        self._branches(world)
        plan = self._reform_plan()
        if plan is not None:
            world.add_reform(plan)

        people = PeopleSimulator(world, seed=self.seed, today=self.today).run(self.members)
        ensure_variety(people, world, today=self.today)
        memberships, periods = self._people(world, people)

        activity = Activity(world, people, seed=self.seed, today=self.today)
        officer_plans = activity.officers()
        officers = [
            Officer(branch=o.branch, person=o.person.obj, role=o.role, start_on=o.start_on, end_on=o.end_on)
            for o in officer_plans
        ]
        _bulk(officers, Officer, self.user)
        self._allowances()

        targets = [
            TargetPopulation(hamlet=hamlet, organization=world.orgs[org], year=year, count=count)
            for hamlet, org, year, count in activity.targets()
        ]
        _bulk(targets, TargetPopulation, self.user)

        grades = self._grades(world, activity.rating_years)
        ratings = [
            BranchRating(
                branch=r["branch"],
                year=r["year"],
                grade=grades[(world.org_code[r["branch"].organization_id], r["year"])][r["order"]],
                score=Decimal(str(r["score"])) if r["score"] is not None else None,
                note=r["note"],
                state=r["state"],
                submitted_at=_aware(r["submitted_at"]),
                approved_at=_aware(r["approved_at"]),
                approved_by=approver if r["approved_at"] else None,
            )
            for r in activity.ratings()
        ]
        _bulk(ratings, BranchRating, self.user)

        meeting_plans = activity.meetings(officer_plans)
        meetings = [
            Meeting(
                branch=p.branch,
                held_on=p.held_on,
                kind=p.kind,
                content=p.content,
                chaired_by=p.chaired_by,
                members_present=p.members_present,
                members_on_roll=p.members_on_roll,
            )
            for p in meeting_plans
        ]
        _bulk(meetings, Meeting, self.user)
        visits = [CadreVisit(meeting=m, **v) for m, p in zip(meetings, meeting_plans, strict=True) for v in p.visits]
        _bulk(visits, CadreVisit, self.user)

        # The history is written, in the old units; the reform moves it into the new ones.
        active_before = set(User.objects.filter(is_active=True).values_list("username", flat=True))
        reform = self._reform(world) if plan is not None else None
        accounts += self._accounts(ACCOUNTS_AFTER_REFORM)
        self._describe(accounts, active_before)
        # Cadre duty, in today's units: who attends which branch, the notes, the rates' sources, terms.
        duty_allowances.fill(user=self.user, today=self.today)
        duty_figures = {
            **duty_notes.fill(user=self.user, today=self.today, seed=self.seed),
            **duty.fill(user=self.user, today=self.today, seed=self.seed),
        }
        # Ageing out and letters of introduction, through the services (before the cards, which see them).
        book = book_letters.fill(user=self.user, today=self.today, seed=self.seed)
        # The member book: cards and their reissues, awards and discipline, on the history as written.
        book_cards_awards.fill(user=self.user, today=self.today, seed=self.seed)
        # Members' ratings: last year's approved, this year's begun in some branches.
        member_ratings.fill(user=self.user, approver=approver, today=self.today, seed=self.seed)
        # Fees: categories and rates, members' categories, fifteen months of payments on the history as written.
        fee_figures = fees.fill(user=self.user, today=self.today, seed=self.seed)

        return Summary(
            hamlets=len(world.hamlets),
            branches=len(world.branches),
            people=len(people) + book["people"],
            memberships=len(memberships) + book["memberships"],
            periods=len(periods),
            officers=len(officers),
            targets=len(targets),
            ratings=len(ratings),
            meetings=len(meetings),
            visits=len(visits),
            accounts=accounts,
            reform=reform,
            duty=duty_figures,
            fees=fee_figures,
        )


def seed_demo(*, members: int = 4000, seed: int = 2026, today: datetime.date | None = None) -> Summary:
    """Build the demo data; raise ``DemoAlreadyThere`` if the demo province already has branches."""
    return DemoBuilder(members=members, seed=seed, today=today).build()
