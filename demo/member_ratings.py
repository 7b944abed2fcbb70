"""The demo's members' ratings (đánh giá, xếp loại đoàn viên, hội viên).

Last year: every member to rate (``ratings.member_selectors.rating_roll``) has a rating, approved
in January by the province: most "Hoàn thành tốt nhiệm vụ", some "xuất sắc", a few "hoàn thành"
and "không hoàn thành" (most of those among members who stopped attending). This year: a third
of the branches have begun, their lines drafts, a few branches' already submitted.

Runs last, on the history as written (the reform included: memberships keep their ids).
"""

import datetime
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from members.models import MembershipStatus
from ratings.member_selectors import member_grades, rating_roll
from ratings.models import MemberRating, RatingState

CHANGE_REASON = "seed_demo"
# How likely each grade is, by its order in the scheme (1 the best), for a member present or away,
# and for one who stopped attending.
WEIGHTS = [18, 66, 13, 3]
STOPPED_WEIGHTS = [0, 5, 40, 55]
NOTES = {
    1: ["Tích cực tham gia các phong trào, hoạt động của chi.", "Được giới thiệu là điển hình của chi."],
    3: ["Tham gia sinh hoạt chưa đều.", "Đi làm ăn xa, ít tham gia hoạt động."],
    4: ["Không tham gia sinh hoạt nhiều tháng trong năm.", "Không đóng đoàn phí, hội phí cả năm."],
}
DRAFTING_SHARE = 1 / 3  # of the branches, this year
SUBMITTED_SHARE = 1 / 4  # of those, already submitted


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def fill(*, user: User, approver: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:member_ratings")
    last_year, this_year = today.year - 1, today.year
    grades: dict[tuple[int, int], list] = {}

    def grade(organization_id: int, year: int, order: int):
        if (organization_id, year) not in grades:
            grades[organization_id, year] = member_grades(organization_id=organization_id, year=year)
        return grades[organization_id, year][order - 1]

    def draw(status: str) -> int:
        return rng.choices([1, 2, 3, 4], STOPPED_WEIGHTS if status == MembershipStatus.STOPPED else WEIGHTS)[0]

    def note(order: int) -> str:
        return rng.choice(NOTES[order]) if order in NOTES and rng.random() < 0.6 else ""

    ratings = []
    # Approved in the second half of January, never after the demo's yesterday.
    latest = _at(today - datetime.timedelta(days=1), 16)
    for membership_id, org_id, status in _roll(last_year):
        order = draw(status)
        approved = min(_at(datetime.date(this_year, 1, rng.randint(12, 28)), rng.randint(8, 16)), latest)
        ratings.append(
            MemberRating(
                membership_id=membership_id,
                year=last_year,
                grade=grade(org_id, last_year, order),
                note=note(order),
                state=RatingState.APPROVED,
                submitted_at=approved - datetime.timedelta(days=rng.randint(3, 10)),
                approved_at=approved,
                approved_by=approver,
            )
        )
    approved_count = len(ratings)

    this_roll = list(_roll(this_year, with_branch=True))
    branches = sorted({branch_id for _m, _o, _s, branch_id in this_roll})
    drafting = set(rng.sample(branches, round(len(branches) * DRAFTING_SHARE)))
    submitting = set(rng.sample(sorted(drafting), round(len(drafting) * SUBMITTED_SHARE)))
    for membership_id, org_id, status, branch_id in this_roll:
        if branch_id not in drafting or rng.random() < 0.1:  # a line or two left for later
            continue
        order = draw(status)
        submitted = branch_id in submitting
        ratings.append(
            MemberRating(
                membership_id=membership_id,
                year=this_year,
                grade=grade(org_id, this_year, order),
                note=note(order),
                state=RatingState.SUBMITTED if submitted else RatingState.DRAFT,
                submitted_at=latest if submitted else None,
            )
        )
    bulk_create_with_history(
        ratings, MemberRating, batch_size=2000, default_user=user, default_change_reason=CHANGE_REASON
    )
    return {"approved": approved_count, "this_year": len(ratings) - approved_count}


def _roll(year: int, *, with_branch: bool = False):
    fields = ["membership_id", "membership__organization_id", "status", *(["branch_id"] if with_branch else [])]
    return rating_roll(year).order_by("membership_id").values_list(*fields)
