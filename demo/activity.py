"""What branches do with their members: officers, targets, ratings, meetings and cadre visits.

Everything here reads the simulated membership periods, so the figures agree with the
roll: officers are members of their branch while they serve, a meeting's roll is the
branch's roll that day, a hamlet's target exceeds the members present in it.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from branches.models import OfficerRole
from cadres.models import CadreLevel
from meetings.models import MeetingKind, MeetingQuality
from members.models import Gender
from ratings.models import RatingState

from . import vocab
from .people import DAY, PRESENT, STOPPED, MembershipPlan, NameMaker, PersonPlan, weighted

FIRST_TARGET_YEAR = 2019
FIRST_RATING_YEAR = 2020
GRADE_WEIGHTS = [60, 30, 8, 2]  # strong, good, average, weak (by the scheme's order)
SCORE_RANGES = {1: (85, 98), 2: (70, 84), 3: (50, 69), 4: (30, 49)}


@dataclass
class Stint:
    """A membership's unbroken time in one branch: [start, end)."""

    membership: MembershipPlan
    start: datetime.date
    end: datetime.date | None


@dataclass
class OfficerPlan:
    branch: object
    person: PersonPlan
    role: str
    start_on: datetime.date
    end_on: datetime.date | None


@dataclass
class MeetingPlan:
    branch: object
    held_on: datetime.date
    kind: str
    content: str
    chaired_by: str
    members_present: int
    members_on_roll: int
    visits: list


class Roll:
    """The periods and stints of every branch, for questions about a date."""

    def __init__(self, people: list[PersonPlan]):
        self.periods = defaultdict(list)  # branch pk -> [(start, end, status)]
        self.stints = defaultdict(list)  # branch pk -> [Stint]
        for person in people:
            for membership in person.memberships:
                stint, stint_branch = None, None
                for branch, status, start, end in membership.periods:
                    self.periods[branch.pk].append((start, end, status))
                    if stint is not None and stint_branch == branch.pk:
                        stint.end = end  # the same branch goes on with another status
                    else:
                        stint, stint_branch = Stint(membership, start, end), branch.pk
                        self.stints[branch.pk].append(stint)

    def counts_on(self, branch_pk: int, day: datetime.date) -> tuple[int, int]:
        """(members on the roll, members present in the locality) of a branch on a day."""
        on_roll = present = 0
        for start, end, status in self.periods.get(branch_pk, ()):
            if start <= day and (end is None or day < end):
                on_roll += 1
                present += status == PRESENT
        return on_roll, present


class Activity:
    def __init__(self, world, people: list[PersonPlan], *, seed: int, today: datetime.date):
        self.world = world
        self.people = people
        self.today = today
        self.rng = random.Random(f"{seed}:activity")
        self.roll = Roll(people)
        self.names = NameMaker(self.rng)
        self.resident_heads: set[int] = set()
        # Targets up to this year; ratings up to last year (a year is rated after it ends),
        # that last round still in progress in places.
        self.target_years = range(FIRST_TARGET_YEAR, today.year + 1)
        self.rating_years = range(FIRST_RATING_YEAR, today.year)

    # --- officers ---------------------------------------------------------------------------

    def _candidates(self, branch, day: datetime.date, *, until: datetime.date | None) -> list[Stint]:
        """Members of the branch on ``day`` (or joining soon after), not stopped, serving at least a month."""
        found = []
        for stint in self.roll.stints.get(branch.pk, ()):
            if stint.start > day + 180 * DAY or (stint.end is not None and stint.end <= day + 30 * DAY):
                continue
            if stint.membership.status_on(max(day, stint.start)) == STOPPED:
                continue
            if until is not None and stint.start >= until:
                continue
            found.append(stint)
        # Those present on the day first, then those who will stay longest (up to a few years):
        # members elect someone settled in the hamlet.
        horizon = day + 5 * 365 * DAY

        def stays(stint: Stint) -> int:
            return (min(stint.end or horizon, horizon) - max(day, stint.start)).days

        found.sort(key=lambda s: (s.membership.status_on(max(day, s.start)) != PRESENT, -stays(s), s.start))
        return found

    def _serve(self, branch, stint: Stint, role: str, start: datetime.date, end: datetime.date | None):
        start = max(start, stint.start)
        if stint.end is not None and stint.end <= self.today:
            end = min(end, stint.end - DAY) if end else stint.end - DAY
        if end is not None and end < start:
            return None
        return OfficerPlan(branch, stint.membership.person, role, start, end)

    def _term_starts(self, branch) -> list[datetime.date]:
        starts = []
        for year, month in vocab.TERMS[self.world.org_code[branch.organization_id]]:
            day = datetime.date(year, month, self.rng.randint(5, 25))
            if branch.founded_on and day < branch.founded_on:
                day = branch.founded_on + 15 * DAY
            in_time = day <= self.today and (branch.dissolved_on is None or day < branch.dissolved_on)
            if in_time and (not starts or day > starts[-1]):
                starts.append(day)
        return starts

    def officers(self) -> list[OfficerPlan]:
        rng, rows = self.rng, []
        for branch in self.world.branches:
            starts = self._term_starts(branch)
            head: tuple[OfficerPlan, Stint] | None = None
            for i, start in enumerate(starts):
                term_end = starts[i + 1] - DAY if i + 1 < len(starts) else branch.dissolved_on
                candidates = self._candidates(branch, start, until=term_end)
                term: dict[int, OfficerPlan] = {}  # id(stint) -> the row of this term
                roles = [OfficerRole.HEAD, OfficerRole.DEPUTY] + [OfficerRole.COMMITTEE] * rng.randint(1, 3)
                # A head still on the roll is usually re-elected: the same row goes on.
                if head and head[0].end_on == start - DAY and head[1] in candidates and rng.random() < 0.6:
                    renewed = self._serve(branch, head[1], OfficerRole.HEAD, head[0].start_on, term_end)
                    if renewed:
                        head[0].end_on = renewed.end_on
                        candidates.remove(head[1])
                        term[id(head[1])] = head[0]
                        roles.pop(0)
                else:
                    head = None
                for role in roles:
                    if not candidates:
                        break
                    stint = candidates.pop(rng.randrange(min(3, len(candidates))))
                    row = self._serve(branch, stint, role, start, term_end)
                    if row:
                        rows.append(row)
                        term[id(stint)] = row
                        if role == OfficerRole.HEAD:
                            head = (row, stint)
                if head is None:
                    fallback = self._resident_head(branch, start, term_end)
                    if fallback:
                        rows.append(fallback)
                else:
                    head = self._by_elections(branch, head, term_end, term, rows)
        self._one_branch_without_head(rows)
        return rows

    def _by_elections(self, branch, head, term_end, term: dict, rows: list) -> tuple[OfficerPlan, Stint]:
        """When the head leaves during the term, the committee elects another, the deputy first."""
        term_over = term_end or self.today
        row, stint = head
        for _ in range(5):
            if not row.end_on or row.end_on >= term_over:
                break
            day = row.end_on + self.rng.randint(20, 60) * DAY
            if day > self.today or (term_end and day >= term_end):
                break
            others = [s for s in self._candidates(branch, day, until=term_end) if s is not stint and s.start <= day]
            others.sort(key=lambda s: getattr(term.get(id(s)), "role", "") != OfficerRole.DEPUTY)
            if not others:
                break
            new_row = self._serve(branch, others[0], OfficerRole.HEAD, day, term_end)
            if new_row is None:
                break
            former = term.get(id(others[0]))
            if former is not None and (former.end_on is None or former.end_on >= day):
                if former.start_on >= day:
                    rows.remove(former)
                else:
                    former.end_on = day - DAY  # promoted: the old role ends the day before
            rows.append(new_row)
            term[id(others[0])] = new_row
            row, stint = new_row, others[0]
        return row, stint

    def _resident_head(self, branch, start, end) -> OfficerPlan | None:
        """A branch with no member to lead it is led by someone living in the hamlet who leads nothing else."""
        org = self.world.org_code[branch.organization_id]
        eligible = []
        for person in self.world.residents.get(branch.area_id, ()):
            if person.left_on is not None or person.index in self.resident_heads:
                continue
            age = (start - person.birth_date).days // 365
            if age < 18 or (org == "DOAN" and age > 30) or (org == "LHPN" and person.gender != Gender.FEMALE):
                continue
            eligible.append(person)
        if not eligible:
            return None
        person = eligible[self.rng.randrange(len(eligible))]
        self.resident_heads.add(person.index)
        return OfficerPlan(branch, person, OfficerRole.HEAD, start, end)

    def _one_branch_without_head(self, rows: list[OfficerPlan]) -> None:
        heads = defaultdict(list)
        for row in rows:
            if row.role == OfficerRole.HEAD:
                heads[row.branch.pk].append(row)
        open_heads = [rs[-1] for rs in heads.values() if rs[-1].end_on is None and rs[-1].start_on < self.today]
        if not open_heads:
            return
        row = open_heads[self.rng.randrange(len(open_heads))]
        row.end_on = max(row.start_on, self.today - self.rng.randint(60, 200) * DAY)

    # --- targets ----------------------------------------------------------------------------

    def targets(self) -> list[tuple]:
        """(hamlet, org, year, count) with count above the members present in the hamlet."""
        present = defaultdict(int)
        year_ends = [(year, datetime.date(year, 12, 31)) for year in self.target_years]
        for person in self.people:
            for membership in person.memberships:
                for branch, status, start, end in membership.periods:
                    if status != PRESENT or branch.area_id not in self.world.hamlet_ids:
                        continue
                    for year, day in year_ends:
                        if start <= day and (end is None or day < end):
                            present[(branch.area_id, membership.org, year)] += 1
        rows = []
        for hamlet in self.world.hamlets:
            for org in self.world.org_codes:
                rate = self.rng.uniform(0.5, 0.85)
                for year in self.target_years:
                    members = present[(hamlet.pk, org, year)]
                    year_rate = min(0.9, max(0.4, rate + self.rng.uniform(-0.05, 0.05)))
                    count = max(members + 1, round(members / year_rate)) if members else self.rng.randint(1, 4)
                    rows.append((hamlet, org, year, count))
        return rows

    # --- ratings ----------------------------------------------------------------------------

    def ratings(self) -> list[dict]:
        """One rating per branch and year it was active; the last year still in progress in places.

        A commune rates its branches together after the year ends, so how far the last
        round went is the commune's: for a year after the reform, the new commune's.
        """
        rng = self.rng
        last_year = self.rating_years[-1]
        year_end = datetime.date(last_year, 12, 31)
        communes = sorted({self.world.commune_on(b.area_id, year_end) for b in self.world.branches}, key=str)
        states = [RatingState.APPROVED, RatingState.SUBMITTED, RatingState.DRAFT, None]
        rng.shuffle(communes)
        commune_state = {}
        for i, commune in enumerate(communes):
            commune_state[commune] = states[i] if i < len(states) else rng.choices(states, [50, 25, 15, 10])[0]
        # Nothing is submitted or approved after the demo's today (early in January, say).
        latest = datetime.datetime.combine(self.today - DAY, datetime.time(16, 0))
        rows = []
        for branch in self.world.branches:
            order = None
            for year in self.rating_years:
                if branch.founded_on and branch.founded_on.year > year:
                    continue
                if branch.dissolved_on and branch.dissolved_on.year <= year:
                    continue
                if order is None or rng.random() >= 0.5:
                    order = rng.choices([1, 2, 3, 4], GRADE_WEIGHTS)[0]
                state = RatingState.APPROVED
                if year == last_year:
                    state = commune_state[self.world.commune_on(branch.area_id, year_end)]
                    if rng.random() < 0.15:
                        state = rng.choice(states)
                    if state is None:
                        continue
                low, high = SCORE_RANGES[order]
                score = rng.randint(low * 10, high * 10) / 10 if rng.random() < 0.7 else None
                note = rng.choice(vocab.RATING_NOTES["average" if order == 3 else "weak"]) if order >= 3 else ""
                approved_at = submitted_at = None
                if state != RatingState.DRAFT:
                    approved = datetime.datetime(year + 1, 1, rng.randint(10, 28), rng.randint(8, 16), 0)
                    approved = min(approved, latest)
                    submitted_at = approved - datetime.timedelta(days=rng.randint(3, 15))
                    if state == RatingState.APPROVED:
                        approved_at = approved
                rows.append(
                    {
                        "branch": branch,
                        "year": year,
                        "order": order,
                        "score": score,
                        "note": note,
                        "state": state,
                        "submitted_at": submitted_at,
                        "approved_at": approved_at,
                    }
                )
        return rows

    # --- meetings ---------------------------------------------------------------------------

    def _cadres(self) -> dict:
        """A few cadres per organization at each level who visit meetings, in the units of either structure."""
        pool = {}
        world = self.world
        scopes = [("province", ("old", world.province.pk), world.province)]
        scopes += [("district", ("old", d.pk), d) for d in world.districts]
        scopes += [("commune", ("old", c.pk), c) for c in world.communes]
        if world.reform_on is not None:
            scopes += [("province", ("new", world.new_province.code), world.new_province)]
            scopes += [("commune", ("new", code), c) for code, c in sorted(world.new_communes.items())]
        for level, key, area in scopes:
            unit = area.get_unit_type_display().lower()
            for org in self.world.org_codes:
                people = []
                for position in vocab.CADRE_POSITIONS[org][level][:2]:
                    female = org == "LHPN" or self.rng.random() < 0.25
                    gender = Gender.FEMALE if female else Gender.MALE
                    name = self.names(gender, self.rng.randint(1968, 1992))
                    people.append((name, position.format(unit=unit)))
                pool[(level, key, org)] = people
        return pool

    def meetings(self, officers: list[OfficerPlan]) -> list[MeetingPlan]:
        rng, today = self.rng, self.today
        cadres = self._cadres()
        leaders = defaultdict(list)
        for row in officers:
            if row.role in (OfficerRole.HEAD, OfficerRole.DEPUTY):
                leaders[row.branch.pk].append(row)
        months = []
        year, month = today.year, today.month
        for _ in range(24):
            months.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.reverse()
        rows = []
        for branch in self.world.branches:
            if (branch.dissolved_on and branch.dissolved_on < today) or rng.random() < 0.08:
                continue  # a few branches hold no meeting at all
            org = self.world.org_code[branch.organization_id]
            skip = rng.choice([0, 0, 0.05, 0.1, 0.15, 0.3])
            usual_day = rng.randint(5, 25)
            for year, month in months:
                if rng.random() < skip:
                    continue
                # Most meetings fall on the branch's usual day; some a few days either side.
                offset = rng.randint(-3, 3)
                offset = offset if abs(offset) == 3 else 0
                held_on = datetime.date(year, month, min(28, max(1, usual_day + offset)))
                if held_on > today:
                    continue
                on_roll, present = self.roll.counts_on(branch.pk, held_on)
                if present == 0:
                    continue
                attended = min(present, round(present * rng.uniform(0.55, 0.98)))
                draw = rng.random()
                if draw < 0.15:
                    kind, content = MeetingKind.THEMATIC, rng.choice(vocab.MEETING_THEMES[org])
                elif draw < 0.17:
                    kind, content = MeetingKind.EXTRAORDINARY, vocab.MEETING_EXTRAORDINARY
                else:
                    kind, content = MeetingKind.REGULAR, vocab.MEETING_REGULAR[org]
                chair = self._chair(leaders.get(branch.pk, ()), held_on)
                visits = self._visits(branch, org, held_on, cadres) if rng.random() < 0.15 else []
                rows.append(
                    MeetingPlan(
                        branch, held_on, kind, f"Tháng {month}/{year}. {content}", chair, attended, on_roll, visits
                    )
                )
        return rows

    @staticmethod
    def _chair(leaders, day: datetime.date) -> str:
        serving = [r for r in leaders if r.start_on <= day and (r.end_on is None or day <= r.end_on)]
        serving.sort(key=lambda r: r.role != OfficerRole.HEAD)
        return serving[0].person.full_name if serving else ""

    def _visits(self, branch, org: str, held_on: datetime.date, cadres: dict) -> list[dict]:
        rng, visits, world = self.rng, [], self.world
        if world.reformed_on(held_on):
            # No districts any more: cadres come from the new commune, or the province.
            levels = [(CadreLevel.COMMUNE, 85), (CadreLevel.PROVINCE, 15)]
            province = ("new", world.new_province.code)
        else:
            levels = [(CadreLevel.COMMUNE, 55), (CadreLevel.DISTRICT, 37), (CadreLevel.PROVINCE, 8)]
            province = ("old", world.province.pk)
        for _ in range(2 if rng.random() < 0.1 else 1):
            level = weighted(rng, levels)
            area = {
                CadreLevel.COMMUNE: lambda: world.commune_on(branch.area_id, held_on),
                CadreLevel.DISTRICT: lambda: ("old", world.district_of[branch.area_id]),
                CadreLevel.PROVINCE: lambda: province,
            }[level]()
            name, position = rng.choice(cadres[(level, area, org)])
            if any(v["cadre_name"] == name for v in visits):
                continue
            visit = {"cadre_name": name, "position": position, "level": level, "quality": "", "concerns": ""}
            visit.update(proposals="", reported_on=None)
            reported_on = held_on + rng.randint(1, 7) * DAY
            if rng.random() < 0.85 and reported_on <= self.today:
                visit["quality"] = weighted(
                    rng, [(MeetingQuality.GOOD, 60), (MeetingQuality.FAIR, 32), (MeetingQuality.POOR, 8)]
                )
                visit["concerns"] = " ".join(rng.sample(vocab.CONCERNS, rng.randint(1, 2)))
                visit["proposals"] = rng.choice(vocab.PROPOSALS) if rng.random() < 0.7 else ""
                visit["reported_on"] = reported_on
            visits.append(visit)
        return visits
