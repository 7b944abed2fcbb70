"""People and the life of their memberships, simulated in Python before anything is written.

Each membership's periods are built the way ``members.services`` would build them, one
change after another: a transfer or a status change closes the open period and opens
the next (a second change on the same day replaces the first), an ending closes the
last period. The builder then inserts them in bulk.

Identity (names, gender, birth date, CCCD…) comes from its own random stream, which
does not depend on today's date, so a seed gives the same people on any day; the dates
of joins and events are drawn from another stream and stop at today.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field

from members.models import EndReason, Gender, MembershipStatus

from . import vocab

DAY = datetime.timedelta(days=1)
HISTORY_START = datetime.date(2019, 1, 1)
# Associations' branches were founded by then (the veterans' association in 1989-1991).
ASSOCIATION_JOINS_FROM = datetime.date(1992, 1, 1)
PRESENT, AWAY, STOPPED = MembershipStatus.PRESENT, MembershipStatus.AWAY, MembershipStatus.STOPPED


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rand_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass(frozen=True)
class Profile:
    orgs: tuple[str, ...]
    female: float  # share of women
    born_from: datetime.date
    born_to: datetime.date
    occupations: str
    weight: float


PROFILES = {
    "youth": Profile(("DOAN",), 0.5, datetime.date(1989, 1, 1), datetime.date(2009, 12, 31), "youth", 28),
    "farmer": Profile(("HND",), 0.3, datetime.date(1950, 1, 1), datetime.date(2000, 12, 31), "farmer", 21),
    "woman": Profile(("LHPN",), 1.0, datetime.date(1952, 1, 1), datetime.date(2004, 12, 31), "woman", 21),
    "veteran": Profile(("CCB",), 0.08, datetime.date(1950, 1, 1), datetime.date(1980, 12, 31), "veteran", 9),
    # Some people belong to two organizations.
    "young_woman": Profile(("DOAN", "LHPN"), 1.0, datetime.date(1994, 1, 1), datetime.date(2006, 12, 31), "youth", 3),
    "farmer_veteran": Profile(
        ("HND", "CCB"), 0.0, datetime.date(1955, 1, 1), datetime.date(1978, 12, 31), "veteran", 3
    ),
    "farmer_woman": Profile(("HND", "LHPN"), 1.0, datetime.date(1960, 1, 1), datetime.date(1995, 12, 31), "farmer", 3),
}
PROFILE_NAMES = list(PROFILES)
PROFILE_WEIGHTS = [p.weight for p in PROFILES.values()]

# Yearly-ish chances of each event over a membership's years, from HISTORY_START to today.
EVENT_CHANCES = {
    "DOAN": {"away": 0.20, "stop": 0.07, "resign": 0.01, "remove": 0.01, "party": 0.07},
    "HND": {"away": 0.07, "stop": 0.04, "resign": 0.025, "remove": 0.01, "party": 0.03},
    "LHPN": {"away": 0.10, "stop": 0.04, "resign": 0.02, "remove": 0.01, "party": 0.0},
    "CCB": {"away": 0.02, "stop": 0.03, "resign": 0.01, "remove": 0.005, "party": 0.0},
}
CARD_PREFIX = {"DOAN": "DV", "HND": "ND", "LHPN": "PN", "CCB": "CB"}
# Order of same-day events: a branch closes, people move, statuses change, memberships end.
ORDER = {"dissolve": 0, "move": 1, "away": 2, "return": 2, "stop": 2, "resume": 2, "end": 3, "remove_stopped": 3}


@dataclass(eq=False)
class PersonPlan:
    index: int
    profile: str
    gender: str
    birth_date: datetime.date
    full_name: str
    ethnicity: str
    religion: str
    education: str
    occupation: str
    phone: str
    cccd: str | None
    home: object  # the hamlet (Area) they lived in first
    party_joined_on: datetime.date | None = None
    move_on: datetime.date | None = None
    new_home: object = None
    left_on: datetime.date | None = None  # died or moved out of the locality
    left_reason: str = ""
    memberships: list[MembershipPlan] = field(default_factory=list)
    obj: object = None  # the Person, once built

    @property
    def residence(self):
        return self.new_home if self.move_on else self.home

    def home_on(self, day: datetime.date):
        return self.new_home if self.move_on and day >= self.move_on else self.home


@dataclass(eq=False)
class MembershipPlan:
    person: PersonPlan
    org: str
    joined_on: datetime.date
    branch: object  # the branch joined
    card_number: str = ""
    periods: list[list] = field(default_factory=list)  # [branch, status, valid_from, valid_to]
    ended_on: datetime.date | None = None
    end_reason: str = ""
    introduced_to_party_on: datetime.date | None = None
    obj: object = None

    def status_on(self, day: datetime.date) -> str | None:
        for _branch, status, start, end in self.periods:
            if start <= day and (end is None or day < end):
                return status
        return None


class NameMaker:
    """Vietnamese full names that fit the gender, generation and ethnicity."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self, gender: str, birth_year: int, ethnicity: str = "Kinh") -> str:
        rng = self.rng
        families = {"Khmer": vocab.KHMER_FAMILY_NAMES, "Hoa": vocab.HOA_FAMILY_NAMES}.get(
            ethnicity, vocab.FAMILY_NAMES
        )
        family = weighted(rng, families)
        young = birth_year >= 1985
        if gender == Gender.MALE:
            middle = weighted(rng, vocab.MALE_MIDDLE_YOUNG if young else vocab.MALE_MIDDLE_OLD)
            given = rng.choice(vocab.MALE_GIVEN)
        else:
            middle = weighted(rng, vocab.FEMALE_MIDDLE_YOUNG if young else vocab.FEMALE_MIDDLE_OLD)
            given = rng.choice(vocab.FEMALE_GIVEN)
        if given == middle:
            given = rng.choice(vocab.FEMALE_GIVEN if gender == Gender.FEMALE else vocab.MALE_GIVEN)
        # A few younger people carry a second middle name: "Nguyễn Trần Minh Khang".
        if young and rng.random() < 0.08:
            return f"{family} {weighted(rng, vocab.FAMILY_NAMES)} {middle} {given}"
        return f"{family} {middle} {given}"


class PeopleSimulator:
    """Draws the people and the history of their memberships over the world's hamlets."""

    def __init__(self, world, *, seed: int, today: datetime.date):
        self.world = world
        self.today = today
        self.rng_id = random.Random(f"{seed}:people")
        self.rng = random.Random(f"{seed}:life")
        self.names = NameMaker(self.rng_id)
        self.cccds: set[str] = set()
        self.card_serial = dict.fromkeys(CARD_PREFIX, 0)

    # --- identity -------------------------------------------------------------------------

    def _cccd(self, gender: str, birth: datetime.date) -> str | None:
        rng = self.rng_id
        random_part = rng.randint(0, 999_999)
        known = rng.random() >= 0.02
        century = (birth.year // 100) - 19  # 0 for the 1900s, 1 for the 2000s
        digit = century * 2 + (1 if gender == Gender.FEMALE else 0)
        while True:
            number = f"087{digit}{birth.year % 100:02d}{random_part:06d}"
            if number not in self.cccds:
                break
            random_part = (random_part + 7919) % 1_000_000
        self.cccds.add(number)
        return number if known else None

    def _person(self, index: int) -> PersonPlan:
        rng = self.rng_id
        profile_name = rng.choices(PROFILE_NAMES, weights=PROFILE_WEIGHTS)[0]
        profile = PROFILES[profile_name]
        gender = Gender.FEMALE if rng.random() < profile.female else Gender.MALE
        birth = rand_date(rng, profile.born_from, profile.born_to)
        ethnicity = weighted(rng, vocab.ETHNICITIES)
        full_name = self.names(gender, birth.year, ethnicity)
        religion = weighted(rng, vocab.RELIGIONS)
        education = weighted(rng, vocab.EDUCATION_YOUNG if birth.year >= 1980 else vocab.EDUCATION_OLD)
        occupation = weighted(rng, vocab.OCCUPATIONS[profile.occupations])
        # Jobs that fit the age today.
        year = self.today.year
        if occupation == "Học sinh" and birth.year < year - 18:
            occupation = "Sinh viên" if birth.year >= year - 23 else "Lao động tự do"
        elif occupation == "Sinh viên" and birth.year < year - 24:
            occupation = "Lao động tự do"
        elif occupation == "Hưu trí" and birth.year > year - 60:
            occupation = "Làm ruộng"
        phone_number = f"09{rng.randint(0, 99_999_999):08d}"
        phone = phone_number if rng.random() < 0.9 else ""
        cccd = self._cccd(gender, birth)
        home = rng.choices(self.world.hamlets, cum_weights=self.world.hamlet_cum_weights)[0]
        # Party members before the history starts: veterans often joined in the army.
        party = None
        chance = rng.random()
        years = rng.randint(19, 45)
        if "CCB" in profile.orgs and chance < 0.45:
            party = add_years(birth, min(years, 28))
        elif ("HND" in profile.orgs and chance < 0.06) or (profile_name == "woman" and chance < 0.05):
            party = add_years(birth, max(years, 24))
        if party and (party > self.today - 400 * DAY or party < add_years(birth, 18)):
            party = None
        return PersonPlan(
            index=index,
            profile=profile_name,
            gender=gender,
            birth_date=birth,
            full_name=full_name,
            ethnicity=ethnicity,
            religion=religion,
            education=education,
            occupation=occupation,
            phone=phone,
            cccd=cccd,
            home=home,
            party_joined_on=party,
        )

    # --- joining ----------------------------------------------------------------------------

    def _join_date(self, org: str, birth: datetime.date) -> datetime.date:
        rng, today = self.rng, self.today
        if org == "DOAN":
            low, high = add_years(birth, 16), min(add_years(birth, 31) - DAY, today)
            joined = low + datetime.timedelta(days=int(abs(rng.gauss(0, 700))))
            return joined if joined <= high else rand_date(rng, low, high)
        min_age = 25 if org == "CCB" else 18
        low = max(add_years(birth, min_age), ASSOCIATION_JOINS_FROM)
        before = {"HND": 0.55, "LHPN": 0.5, "CCB": 0.7}[org]
        if low < HISTORY_START and rng.random() < before:
            return rand_date(rng, low, HISTORY_START - DAY)
        return rand_date(rng, max(low, HISTORY_START), today)

    def _membership(self, person: PersonPlan, org: str) -> MembershipPlan:
        rng = self.rng
        joined = self._join_date(org, person.birth_date)
        branch = None
        if org == "HND" and rng.random() < 0.35:
            branch = self.world.professional_branch_for(person.home)
            if branch is not None:
                last = branch.dissolved_on - 60 * DAY if branch.dissolved_on else self.today
                low = max(branch.founded_on, add_years(person.birth_date, 18))
                if low > last:
                    branch = None
                elif not low <= joined <= last:
                    joined = rand_date(rng, low, last)
        membership = MembershipPlan(person=person, org=org, joined_on=joined, branch=branch)
        if rng.random() < 0.8:
            self.card_serial[org] += 1
            membership.card_number = f"{CARD_PREFIX[org]}{joined.year}{self.card_serial[org]:05d}"
        return membership

    # --- events -----------------------------------------------------------------------------

    def _person_events(self, person: PersonPlan) -> None:
        rng, today = self.rng, self.today
        first = min(m.joined_on for m in person.memberships)
        last = max(m.joined_on for m in person.memberships)
        start = max(first + 60 * DAY, HISTORY_START)
        if rng.random() < 0.06 and start < today:
            person.move_on = rand_date(rng, start, today)
            person.new_home = self.world.other_hamlet(rng, person.home, far=rng.random() < 0.35, on=person.move_on)
        start = max(last + 60 * DAY, HISTORY_START)
        age = (HISTORY_START.year + today.year) // 2 - person.birth_date.year  # in the middle of the history
        death = 0.12 if age >= 70 else 0.05 if age >= 60 else 0.015 if age >= 45 else 0.003
        leave = 0.05 if person.profile == "youth" else 0.03
        chance = rng.random()
        if start < today and chance < death + leave:
            person.left_on = rand_date(rng, start, today - DAY)
            reason = EndReason.DECEASED if chance < death else EndReason.TRANSFERRED
            person.left_reason = reason
            if person.move_on and person.move_on >= person.left_on:
                person.move_on = person.new_home = None

    def _membership_events(self, membership: MembershipPlan) -> list[tuple]:
        rng, today, person = self.rng, self.today, membership.person
        chances = EVENT_CHANCES[membership.org]
        events = []
        start = max(membership.joined_on + 30 * DAY, HISTORY_START)
        if start < today:
            if rng.random() < chances["away"]:
                away = rand_date(rng, start, today)
                events.append((away, "away", None))
                if rng.random() < 0.55:
                    events.append((away + rng.randint(90, 720) * DAY, "return", None))
            if rng.random() < chances["stop"]:
                stop = rand_date(rng, start, today)
                events.append((stop, "stop", None))
                then = rng.random()
                if then < 0.35:
                    events.append((stop + rng.randint(180, 540) * DAY, "remove_stopped", EndReason.REMOVED))
                elif then < 0.55:
                    events.append((stop + rng.randint(60, 400) * DAY, "resume", None))
            if rng.random() < chances["resign"]:
                events.append((rand_date(rng, start, today), "end", EndReason.RESIGNED))
            if rng.random() < chances["remove"]:
                events.append((rand_date(rng, start, today), "end", EndReason.REMOVED))
            if rng.random() < chances["party"]:
                membership.introduced_to_party_on = rand_date(rng, start, today)  # kept if present that day
        if membership.org == "DOAN":
            aged_out = add_years(person.birth_date, 31) + rng.randint(0, 45) * DAY
            events.append((max(aged_out, membership.joined_on + DAY), "end", EndReason.AGED_OUT))
        if person.move_on and person.move_on > membership.joined_on:
            events.append((person.move_on, "move", person.new_home))
        if person.left_on:
            events.append((person.left_on, "end", person.left_reason))
        branch = membership.branch
        if branch is not None and branch.dissolved_on:
            events.append((branch.dissolved_on, "dissolve", None))
        return events

    def _apply(self, membership: MembershipPlan, events: list[tuple]) -> None:
        """Build the periods from the events, as members.services would record them."""
        world, org = self.world, membership.org
        periods = membership.periods = [[membership.branch, PRESENT, membership.joined_on, None]]
        for day, kind, arg in sorted(events, key=lambda e: (e[0], ORDER[e[1]])):
            if day > self.today:
                break
            current = periods[-1]
            branch, status, start = current[0], current[1], current[2]
            if kind in ("end", "remove_stopped"):
                if kind == "remove_stopped" and status != STOPPED:
                    continue
                close_period(membership, max(day, start + DAY), arg, self.today)
                if membership.ended_on:
                    break
                continue
            if kind == "move":
                branch = world.residential[(arg.pk, org)]
            elif kind == "dissolve":
                if branch.dissolved_on != day:
                    continue
                branch = world.residential[(membership.person.home_on(day).pk, org)]
            elif kind == "away" and status == PRESENT:
                status = AWAY
            elif kind == "return" and status == AWAY:
                status = PRESENT
            elif kind == "stop" and status == PRESENT:
                status = STOPPED
            elif kind == "resume" and status == STOPPED:
                status = PRESENT
            change_period(membership, day, branch, status)

    def _party(self, membership: MembershipPlan) -> None:
        day = membership.introduced_to_party_on
        if day is None:
            return
        if membership.status_on(day) != PRESENT:
            membership.introduced_to_party_on = None
            return
        person = membership.person
        admitted = day + self.rng.randint(180, 450) * DAY
        still_here = person.left_on is None or admitted < person.left_on
        if self.rng.random() < 0.6 and admitted <= self.today and person.party_joined_on is None and still_here:
            person.party_joined_on = admitted

    # --- the whole population ---------------------------------------------------------------

    def run(self, target_memberships: int) -> list[PersonPlan]:
        people: list[PersonPlan] = []
        count = 0
        while count < target_memberships:
            person = self._person(len(people))
            orgs = PROFILES[person.profile].orgs
            if count + len(orgs) > target_memberships and len(orgs) > 1:
                orgs = orgs[:1]
            person.memberships = [self._membership(person, org) for org in orgs]
            people.append(person)
            count += len(orgs)
        for person in people:
            self._person_events(person)
            for membership in person.memberships:
                if membership.branch is None:
                    membership.branch = self.world.residential[
                        (person.home_on(membership.joined_on).pk, membership.org)
                    ]
                self._apply(membership, self._membership_events(membership))
                self._party(membership)
        return people


def ensure_variety(people: list[PersonPlan], world, *, today: datetime.date) -> None:
    """Make sure a small demo still shows every kind of change, whatever the seed drew.

    Each fix is a change that members.services could have made on an open membership.
    """
    memberships = [m for person in people for m in person.memberships]

    def open_ones(check=lambda m: True):
        return [m for m in memberships if m.ended_on is None and m.periods[-1][2] <= today - 120 * DAY and check(m)]

    def midway(m: MembershipPlan, share: float = 0.5) -> datetime.date:
        start = m.periods[-1][2]
        return start + int((today - start).days * share) * DAY

    def districts(m: MembershipPlan) -> set:
        """The old districts a membership was in before the reform."""
        return {world.district_of[period[0].area_id] for period in m.periods if not world.reformed_on(period[2])}

    def moved_between_new_communes(m: MembershipPlan) -> bool:
        """A transfer after the reform, from one new commune to another."""
        return any(
            world.reformed_on(after[2])
            and world.new_commune_of[before[0].area_id] != world.new_commune_of[after[0].area_id]
            for before, after in itertools.pairwise(m.periods)
        )

    def move(m: MembershipPlan, day: datetime.date) -> None:
        person = m.person
        person.move_on = day
        person.new_home = world.other_hamlet(None, person.home, far=True, on=day)
        change_period(m, day, world.residential[(person.new_home.pk, m.org)], m.periods[-1][1])

    def settled(m: MembershipPlan) -> bool:
        """An open residential membership of someone who holds no other and has not moved or left."""
        person = m.person
        single = len(person.memberships) == 1 and m.branch.kind == "residential"
        return single and person.move_on is None and person.left_on is None

    if not any(len(districts(m)) > 1 for m in memberships):
        # A move across the old districts, before the reform.
        last_day = min(today, world.reform_on - DAY) if world.reform_on else today
        for m in open_ones(lambda m: settled(m) and m.periods[-1][2] < last_day - 120 * DAY):
            start = m.periods[-1][2]
            move(m, start + (last_day - start) // 2)
            break
    after_reform = world.reform_on is not None and today >= world.reform_on + 60 * DAY
    if after_reform and not any(moved_between_new_communes(m) for m in memberships):
        # A move between new communes, after the reform (there are no districts any more).
        for m in open_ones(settled):
            start = max(m.periods[-1][2] + DAY, world.reform_on)
            move(m, start + (today - start) // 2)
            break
    if not any([p[1] for p in m.periods[:3]] == [PRESENT, AWAY, PRESENT] for m in memberships):
        for m in open_ones(lambda m: m.periods[-1][1] == PRESENT):
            change_period(m, midway(m, 0.3), m.periods[-1][0], AWAY)
            change_period(m, midway(m, 0.6), m.periods[-1][0], PRESENT)
            break
    if not any(p[1] == STOPPED for m in memberships for p in m.periods):
        for m in open_ones(lambda m: m.periods[-1][1] == PRESENT):
            change_period(m, midway(m), m.periods[-1][0], STOPPED)
            break
    reasons = {m.end_reason for m in memberships}
    for reason in (EndReason.RESIGNED, EndReason.REMOVED):
        if reason not in reasons:
            for m in open_ones():
                close_period(m, midway(m), reason, today)
                break
    for reason in (EndReason.DECEASED, EndReason.TRANSFERRED):
        if reason not in reasons:
            for m in open_ones(lambda m: all(o.ended_on is None for o in m.person.memberships)):
                person = m.person
                day = max(midway(o) for o in person.memberships)
                person.left_on, person.left_reason = day, reason
                for other in person.memberships:
                    close_period(other, day, reason, today)
                break
    if not any(m.introduced_to_party_on for m in memberships if m.org == "DOAN"):
        for m in open_ones(lambda m: m.org == "DOAN" and m.periods[-1][1] == PRESENT):
            m.introduced_to_party_on = midway(m)
            break


def change_period(membership: MembershipPlan, day: datetime.date, branch, status: str) -> None:
    """A transfer or status change from ``day`` (services.transfer_membership / change_membership_status)."""
    current = membership.periods[-1]
    if (branch, status) == (current[0], current[1]):
        return
    if day == current[2]:
        current[0], current[1] = branch, status
    else:
        current[3] = day
        membership.periods.append([branch, status, day, None])


def close_period(membership: MembershipPlan, day: datetime.date, reason: str, today: datetime.date) -> None:
    """End the membership on ``day`` (services.end_membership), if that day has come."""
    current = membership.periods[-1]
    if day > today or day <= current[2]:
        return
    current[3] = day
    membership.ended_on, membership.end_reason = day, reason
