"""The demo's ageing out and letters of introduction, written through the services, on today's units.

Ageing out: the simulation ends each Youth Union member soon after their 31st birthday, so a few
current members are put over the limit this year and next (some known by their birth year only,
one already over it since an earlier year: the branch has not ended them yet); of those who aged
out last year, a few have joined an association since. Letters: over the last two years (from the
reform on, so that the letters are numbered by the communes that issued them), some received by a
branch of another commune, one still waiting for the arrival, some to units outside the province,
and one member who arrived with a letter from outside.

Runs after the reform and before the member cards, which then see the memberships added here.
"""

import datetime
import random

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least

from accounts.models import User
from areas.models import REFORM_2025
from book import letters
from branches.models import Branch, BranchKind, Officer
from meetings.models import Meeting
from members import services as member_services
from members.models import EndReason, Gender, Membership, MembershipPeriod, MembershipStatus, Person, TargetPopulation

DAY = datetime.timedelta(days=1)
YOUTH_LIMIT = 30  # the Youth Union's max_age (branches migration 0003)
OUTSIDE_UNITS = [
    "Đoàn phường Tân Định, Quận 1, Thành phố Hồ Chí Minh",
    "Đoàn xã Long Hậu, huyện Cần Giuộc, tỉnh Long An",
    "Đoàn phường An Khánh, quận Ninh Kiều, thành phố Cần Thơ",
    "Đoàn Khu công nghiệp Tân Tạo, Thành phố Hồ Chí Minh",
]
REASONS = [
    "Chuyển nơi cư trú theo gia đình",
    "Đi làm việc tại khu công nghiệp",
    "Kết hôn, chuyển về nơi ở mới",
    "Theo học tại trường cao đẳng",
]
FROM_OUTSIDE = {
    "full_name": "Trương Thị Ngọc Hân",
    "birth_date": datetime.date(2001, 9, 14),
    "gender": Gender.FEMALE,
    "occupation": "Công nhân",
    "education": "12/12",
}


def fill(*, user: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:letters")
    youth = list(
        Membership.objects.filter(organization__code="DOAN", ended_on__isnull=True)
        .select_related("person__residence", "branch__area__parent", "organization")
        .order_by("pk")
    )
    rng.shuffle(youth)
    # The communes of the demo's commune accounts first, so that their staff see it all; the branches'
    # officers last: a head seldom moves away (a small demo has few members besides them).
    officers = set(Officer.objects.values_list("person_id", flat=True))
    accounts = User.objects.filter(username__startswith="xa", area__isnull=False).select_related("area")
    staffed = [account.area.path for account in accounts]
    youth.sort(
        key=lambda m: (m.person_id in officers, not any(m.branch.area.path.startswith(path) for path in staffed))
    )
    over = _over_the_limit(youth, today=today)
    joined = _joined_an_association(rng, today=today)
    movers = [m for m in youth if m not in over and m.status == MembershipStatus.PRESENT]
    sent, received, people = _letters(rng, movers, user=user, today=today)
    _settle_derived_figures()
    # The memberships and people added here, for the demo's summary.
    return {
        "over_limit": len(over),
        "joined_associations": joined,
        "letters": sent,
        "received": received,
        "memberships": joined + people,
        "people": people,
    }


def _over_the_limit(memberships: list[Membership], *, today: datetime.date) -> list[Membership]:
    """Two members over the limit this year by their birth year alone, one long over it, one next year.

    Each made older than the simulation had them, yet under the limit when they joined; their CCCD,
    which holds the century, the gender and the birth year, follows. Returns the memberships changed.
    """
    plans = [
        (today.year - YOUTH_LIMIT - 1, None),
        (today.year - YOUTH_LIMIT - 1, None),
        (today.year - YOUTH_LIMIT - 3, None),
        (today.year - YOUTH_LIMIT, datetime.date(today.year - YOUTH_LIMIT, 8, 19)),
    ]
    changed = []
    for membership in memberships:
        if len(changed) == len(plans):
            break
        person, (year, born) = membership.person, plans[len(changed)]
        if year > person.birth_year or membership.joined_on.year - year > YOUTH_LIMIT - 1:
            continue
        cccd = _cccd_born(person, year)
        if cccd and Person.objects.filter(cccd=cccd).exclude(pk=person.pk).exists():
            continue
        member_services.update_person(
            person=person, expected_version=None, birth_date=born, birth_year=year, cccd=cccd
        )
        changed.append(membership)
    return changed


def _cccd_born(person: Person, year: int) -> str | None:
    """The person's CCCD with another birth year: its 4th digit is the century and gender, then the year."""
    if not person.cccd:
        return person.cccd
    century = (year // 100 - 19) * 2 + (person.gender == Gender.FEMALE)
    return f"{person.cccd[:3]}{century}{year % 100:02d}{person.cccd[6:]}"


def _joined_an_association(rng: random.Random, *, today: datetime.date) -> int:
    """A few of last year's aged-out members joined the farmers' or the women's association weeks later."""
    aged_out = (
        Membership.objects.filter(end_reason=EndReason.AGED_OUT, ended_on__year=today.year - 1)
        .select_related("person__residence")
        .order_by("ended_on", "pk")
    )
    joined = 0
    for membership in aged_out:
        person = membership.person
        code = "LHPN" if person.gender == Gender.FEMALE else "HND"
        if joined == 3 or person.memberships.filter(organization__code=code).exists():
            continue
        branch = Branch.objects.filter(
            organization__code=code, area=person.residence, kind=BranchKind.RESIDENTIAL, dissolved_on__isnull=True
        ).first()
        on = min(today, membership.ended_on + rng.randint(10, 60) * DAY)
        if branch is None or (branch.founded_on and branch.founded_on > on):
            continue
        member_services.create_membership(
            person=person, branch=branch, joined_on=on, note="Trưởng thành đoàn, kết nạp hội"
        )
        joined += 1
    return joined


def _other_branch(rng: random.Random, membership: Membership) -> Branch | None:
    """A branch of the same organization in another commune today: where the member moves."""
    commune = letters.commune_of(membership.branch)
    branches = list(
        Branch.objects.filter(
            organization_id=membership.organization_id, dissolved_on__isnull=True, kind=BranchKind.RESIDENTIAL
        )
        .exclude(area__path__startswith=commune.path)
        .order_by("code")
    )
    return rng.choice(branches) if branches else None


def _letters(
    rng: random.Random, memberships: list[Membership], *, user: User, today: datetime.date
) -> tuple[int, int, int]:
    start = max(today - 730 * DAY, REFORM_2025) if today > REFORM_2025 + 60 * DAY else today - 730 * DAY
    signers = {u.area_id: u for u in User.objects.filter(username__startswith="xa", area__isnull=False)}
    # To a branch and received; to a branch, waiting; to outside.
    plan = ["received", "received", "received", "waiting", "outside", "outside"]
    planned = []  # (date, membership, kind, destination)
    for membership in memberships:
        if not plan:
            break
        # Settled before the two years began: the letter may fall on any day of them.
        period = membership.periods.order_by("valid_from").last()
        if period.valid_from >= start or start > today - 20 * DAY:
            continue
        kind = plan.pop(0)
        issued_on = start + rng.randint(0, (today - 20 * DAY - start).days) * DAY
        if kind == "waiting":
            issued_on = today - rng.randint(3, 10) * DAY
        if kind == "outside":
            destination = {"to_description": rng.choice(OUTSIDE_UNITS)}
        else:
            destination = {"to_branch": _other_branch(rng, membership)}
            if destination["to_branch"] is None:
                continue
        planned.append((issued_on, membership, kind, destination))
    # Issued in the order of their dates, so that each commune's numbers follow the days.
    planned.sort(key=lambda letter: (letter[0], letter[1].pk))
    received = 0
    for issued_on, membership, kind, destination in planned:
        commune = letters.commune_of(membership.branch)
        letter = letters.issue_letter(
            membership=membership,
            issued_on=issued_on,
            reason=rng.choice(REASONS),
            valid_until=issued_on + 30 * DAY,
            user=signers.get(commune.pk, user),
            **destination,
        )
        if kind == "received":
            letters.receive_letter(letter=letter, branch=letter.to_branch, on=issued_on + rng.randint(4, 18) * DAY)
            received += 1
    sent = len(planned)
    people = _from_outside(rng, today=today)
    return sent, received, people


def _from_outside(rng: random.Random, *, today: datetime.date) -> int:
    """A young woman who arrived from Long An with her letter, a few months ago."""
    branch = Branch.objects.filter(organization__code="DOAN", kind=BranchKind.RESIDENTIAL, dissolved_on__isnull=True)
    branch = branch.select_related("area").order_by("code").first()
    if branch is None or Person.objects.filter(full_name=FROM_OUTSIDE["full_name"]).exists():
        return 0
    arrived = today - rng.randint(60, 120) * DAY
    letters.record_letter_from_outside(
        person_fields={**FROM_OUTSIDE, "residence": branch.area},
        branch=branch,
        received_on=arrived,
        number="15-GGT/ĐTN",
        from_description="Đoàn xã Long Hậu, huyện Cần Giuộc, tỉnh Long An",
        issued_on=arrived - 6 * DAY,
        status=MembershipStatus.PRESENT,
        card_number="",
    )
    return 1


def _settle_derived_figures() -> None:
    """The meetings and targets were written from the rolls before this module moved members: a
    meeting's roll is what it was on its day, and a hamlet's target stays above its members present."""
    held = OuterRef("held_on")
    on_roll = (
        MembershipPeriod.objects.filter(branch=OuterRef("branch"), valid_from__lte=held)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=held))
        .order_by()
        .values("branch")
        .annotate(count=Count("pk"))
        .values("count")
    )
    roll = Coalesce(Subquery(on_roll), 0)
    Meeting.objects.update(members_on_roll=roll, members_present=Least(F("members_present"), roll))
    for year in TargetPopulation.objects.order_by().values_list("year", flat=True).distinct():
        day = datetime.date(year, 12, 31)
        present = (
            MembershipPeriod.objects.filter(
                status=MembershipStatus.PRESENT,
                branch__kind=BranchKind.RESIDENTIAL,
                branch__area=OuterRef("hamlet"),
                membership__organization=OuterRef("organization"),
                valid_from__lte=day,
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .order_by()
            .values("branch__area")
            .annotate(count=Count("pk"))
            .values("count")
        )
        TargetPopulation.objects.filter(year=year, count__lte=Coalesce(Subquery(present), 0)).update(
            count=Subquery(present) + 1
        )
