"""The demo's member cards and its awards and discipline.

Cards: the numbers the roll was built with become first issues, dated a few weeks after joining;
most members who had none get one, so that about one current member in twenty is still
without a card; a few cards were lost (or damaged, or the details changed) and reissued.
Decisions: the commune's giấy khen at the end of each year and on the organizations' days, a few
bằng khen of the province and huy hiệu, a handful of reprimands and warnings, and an expulsion
for some of the members removed from the roll (on the day they were removed). Each decision
sits in the branch of the member's period on its date, as ``book.awards`` would put it.

Runs on the history as written (the reform included: branches keep their ids).
"""

import datetime
import random
from collections import defaultdict

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from book.models import Award, AwardForm, AwardKind, CardReason, DecisionLevel, MemberCard
from members.models import EndReason, Membership, MembershipPeriod

CHANGE_REASON = "seed_demo"
CARD_PREFIX = {"DOAN": "DV", "HND": "ND", "LHPN": "PN", "CCB": "CB"}
FIRST_YEAR = 2021
# Who signs a commune's decisions, by organization ("Số 25-QĐ/ĐTN").
DECISION_SIGNS = {"DOAN": "QĐ/ĐTN", "HND": "QĐ/HND", "LHPN": "QĐ/HLHPN", "CCB": "QĐ/CCB"}
# The organizations' days, when the commune hands out its certificates besides the year's end.
OWN_DAYS = {"DOAN": (3, 26), "HND": (10, 14), "LHPN": (10, 20), "CCB": (12, 6)}
AWARD_REASONS = {
    "DOAN": [
        "Hoàn thành xuất sắc nhiệm vụ năm {year}",
        "Có thành tích xuất sắc trong phong trào thanh niên tình nguyện hè {year}",
        "Tích cực tham gia xây dựng nông thôn mới năm {year}",
    ],
    "HND": [
        "Đạt danh hiệu hội viên nông dân sản xuất kinh doanh giỏi năm {year}",
        "Có thành tích trong phong trào nông dân thi đua sản xuất năm {year}",
    ],
    "LHPN": [
        "Hoàn thành xuất sắc nhiệm vụ công tác Hội năm {year}",
        "Có thành tích trong phong trào phụ nữ tích cực học tập, lao động sáng tạo năm {year}",
    ],
    "CCB": [
        "Hoàn thành xuất sắc nhiệm vụ năm {year}",
        "Gương mẫu trong phong trào Cựu chiến binh gương mẫu năm {year}",
    ],
}
DISCIPLINE_REASONS = {
    AwardForm.REPRIMAND: "Không tham gia sinh hoạt ba tháng liền không có lý do",
    AwardForm.WARNING: "Vi phạm Điều lệ, đã được nhắc nhở nhưng không sửa chữa",
    AwardForm.EXPULSION: "Vi phạm nghiêm trọng Điều lệ, bị xóa tên khỏi danh sách",
}


def fill(*, user: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:book")
    memberships = list(Membership.objects.select_related("organization").order_by("pk"))
    cards, reissued = _cards(memberships, rng=rng, user=user, today=today)
    decisions = _decisions(memberships, rng=rng, user=user, today=today)
    disciplines = sum(1 for d in decisions if d.kind == AwardKind.DISCIPLINE)
    return {
        "cards": cards,
        "reissued": reissued,
        "awards": len(decisions) - disciplines,
        "disciplines": disciplines,
    }


def _cards(memberships: list[Membership], *, rng: random.Random, user: User, today: datetime.date) -> tuple[int, int]:
    used = {m.card_number for m in memberships if m.card_number}
    serial = defaultdict(lambda: 90000)

    def new_number(org: str, year: int) -> str:
        while True:
            serial[org, year] += 1
            number = f"{CARD_PREFIX.get(org, 'TV')}{year}{serial[org, year]:05d}"
            if number not in used:
                used.add(number)
                return number

    cards, changed, reissued = [], [], 0
    for m in memberships:
        last = min(today, m.ended_on or today)
        org = m.organization.code
        if not m.card_number:
            # Most members without a number get one; a current member keeps none one time in four.
            if m.ended_on is not None or rng.random() < 0.25:
                continue
            issued = _shortly_after(rng, m.joined_on, last)
            m.card_number = new_number(org, issued.year)
            changed.append(m)
        else:
            issued = _shortly_after(rng, m.joined_on, last)
        first = MemberCard(membership=m, number=m.card_number, issued_on=issued, reason=CardReason.FIRST)
        cards.append(first)
        if (last - issued).days > 400 and rng.random() < 0.04:
            reason = rng.choices([CardReason.LOST, CardReason.DAMAGED, CardReason.CHANGED], weights=[6, 3, 1])[0]
            again = issued + datetime.timedelta(days=rng.randint(365, (last - issued).days))
            m.card_number = new_number(org, again.year)
            note = "Mất thẻ, có đơn trình báo" if reason == CardReason.LOST else ""
            cards.append(MemberCard(membership=m, number=m.card_number, issued_on=again, reason=reason, note=note))
            if m not in changed:
                changed.append(m)
            reissued += 1
    bulk_create_with_history(
        cards, MemberCard, batch_size=1000, default_user=user, default_change_reason=CHANGE_REASON
    )
    bulk_update_with_history(
        changed,
        Membership,
        ["card_number"],
        batch_size=1000,
        default_user=user,
        default_change_reason=CHANGE_REASON,
    )
    return len(cards), reissued


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _shortly_after(rng: random.Random, joined: datetime.date, last: datetime.date) -> datetime.date:
    return min(last, joined + datetime.timedelta(days=rng.randint(14, 90)))


def _decisions(memberships: list[Membership], *, rng: random.Random, user: User, today: datetime.date) -> list[Award]:
    """Who is decided upon when, then each decision placed in the branch of that day's period.

    The shares are fixed rather than drawn, so that a small demo has some of each: one award in
    twelve is the province's bằng khen, one in twenty a huy hiệu; one member in three hundred is
    reprimanded or warned; one in eight of those removed from the roll lately is expelled.
    """
    plans = []  # (membership, form, level, day)
    for m in memberships:
        org = m.organization.code
        for year in range(FIRST_YEAR, today.year + 1):
            month, day = OWN_DAYS.get(org, (12, 20)) if rng.random() < 0.3 else (12, 20)
            on = datetime.date(year, month, day)
            if m.joined_on < on <= today and (m.ended_on is None or on < m.ended_on) and rng.random() < 0.04:
                plans.append((m, AwardForm.CERTIFICATE, DecisionLevel.COMMUNE, on))
    for index, (m, _form, _level, on) in enumerate(plans):
        if index % 12 == 5:
            plans[index] = (m, AwardForm.MERIT, DecisionLevel.PROVINCE, on)
        elif index % 20 == 9:
            plans[index] = (m, AwardForm.BADGE, DecisionLevel.DISTRICT, on)
    for m in rng.sample(memberships, max(3, len(memberships) // 300)):
        last = min(today, m.ended_on - datetime.timedelta(days=1) if m.ended_on else today)
        if last > m.joined_on:
            form = AwardForm.REPRIMAND if rng.random() < 0.7 else AwardForm.WARNING
            plans.append((m, form, DecisionLevel.BRANCH, _between(rng, m.joined_on, last)))
    removed = [
        m for m in memberships if m.end_reason == EndReason.REMOVED and m.ended_on and m.ended_on.year >= FIRST_YEAR
    ]
    for m in removed[::8]:
        plans.append((m, AwardForm.EXPULSION, DecisionLevel.COMMUNE, m.ended_on))
    periods = defaultdict(list)
    wanted = {m.pk for m, *_rest in plans}
    for period in MembershipPeriod.objects.filter(membership_id__in=wanted).order_by("membership_id", "valid_from"):
        periods[period.membership_id].append(period)
    decisions, numbers = [], defaultdict(int)
    for m, form, level, on in sorted(plans, key=lambda plan: (plan[3], plan[0].pk)):
        branch_id = _branch_on(periods[m.pk], on)
        if branch_id is None:  # never, as drawn; kept so that a change of the draws cannot misplace one
            continue
        org = m.organization.code
        numbers[org, on.year] += 1
        discipline = form in DISCIPLINE_REASONS
        reason = DISCIPLINE_REASONS[form] if discipline else rng.choice(AWARD_REASONS.get(org, ["{year}"]))
        decisions.append(
            Award(
                person_id=m.person_id,
                organization_id=m.organization_id,
                kind=AwardForm.kind_of(form),  # bulk_create skips Award.save
                form=form,
                decided_on=on,
                level=level,
                branch_id=branch_id,
                decision_number=f"{numbers[org, on.year]}-{DECISION_SIGNS.get(org, 'QĐ')}",
                reason=reason.format(year=on.year),
            )
        )
    bulk_create_with_history(decisions, Award, batch_size=1000, default_user=user, default_change_reason=CHANGE_REASON)
    return decisions


def _branch_on(periods: list[MembershipPeriod], day: datetime.date) -> int | None:
    """The branch of the period that day, or of the last one ending that day (``book.awards.period_on``)."""
    found = [p for p in periods if p.valid_from <= day and (p.valid_to is None or p.valid_to >= day)]
    return max(found, key=lambda p: p.valid_from).branch_id if found else None
