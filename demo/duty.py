"""The demo's cadre duty (QĐ 784): cadres of the province and of each commune assigned to the
branches, one reassignment, and their visits and reports on the meetings since, some overdue.

Runs after the reform, on today's units: what a province's cadres look like in their first year.
"""

import datetime
import random

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from areas.models import Area, AreaLevel
from branches.models import Branch
from cadres.models import Assignment, Cadre, CadreLevel, Frequency
from meetings.models import CadreVisit, Meeting, MeetingKind, MeetingQuality

CHANGE_REASON = "seed_demo"
# The position of each organization's commune cadre who attends its branches.
POSITIONS = {
    "DOAN": "Phó Bí thư Đoàn xã",
    "HND": "Phó Chủ tịch Hội Nông dân xã",
    "LHPN": "Phó Chủ tịch Hội LHPN xã",
    "CCB": "Phó Chủ tịch Hội CCB xã",
}
NAMES = [
    "Phạm Văn Lợi",
    "Trần Thị Mỹ Linh",
    "Nguyễn Hoàng Nam",
    "Lê Thị Kim Thoa",
    "Võ Văn Hiếu",
    "Đặng Thị Hồng",
    "Huỳnh Minh Trí",
    "Bùi Thị Thanh Tuyền",
    "Ngô Văn Dũng",
    "Dương Thị Cẩm Tú",
    "Lâm Quốc Việt",
    "Trương Văn Sang",
]
CADRE_ACCOUNT = "canbo30130"  # the demo's cadre account: Xã Thanh Bình's Youth Union cadre
CONCERNS = [
    "Đoàn viên mong được hỗ trợ vốn khởi nghiệp.",
    "Thanh niên đi làm xa nhiều, khó tập trung sinh hoạt.",
    "Đề nghị tổ chức thêm lớp tập huấn kỹ năng chuyển đổi số.",
    "Hội viên phản ánh giá vật tư nông nghiệp tăng.",
]


def fill(*, user: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    start = (today.replace(day=1) - datetime.timedelta(days=200)).replace(day=1)
    province = Area.objects.filter(level=AreaLevel.PROVINCE, code="82", valid_to__isnull=True).first()
    communes = list(
        Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True, branches__isnull=False)
        .distinct()
        .order_by("code")
    )
    if province is None or not communes:
        return {"cadres": 0, "assignments": 0, "visits": 0}
    names = iter(NAMES * 50)
    cadres, plans = [], []  # plans: (cadre, branches, from, to, frequency)
    for commune in communes:
        branches = list(
            Branch.objects.filter(area__path__startswith=commune.path, dissolved_on__isnull=True).select_related(
                "organization"
            )
        )
        for code, position in POSITIONS.items():
            theirs = [b for b in branches if b.organization.code == code and rng.random() < 0.9]
            if not theirs:
                continue
            cadre = Cadre(name=next(names), position=position, level=CadreLevel.COMMUNE, area=commune)
            cadres.append(cadre)
            plans.append((cadre, theirs, start, None, Frequency.EVERY_MEETING))
    # A reassignment three months ago: the first commune's Youth Union cadre hands over.
    first_cadre, first_branches, *_rest = plans[0]
    successor = Cadre(
        name="Nguyễn Thị Bích Trâm", position=POSITIONS["DOAN"], level=CadreLevel.COMMUNE, area=first_cadre.area
    )
    handover = (today.replace(day=1) - datetime.timedelta(days=85)).replace(day=1)
    plans[0] = (first_cadre, first_branches, start, handover - datetime.timedelta(days=1), Frequency.EVERY_MEETING)
    plans.append((successor, first_branches, handover, None, Frequency.EVERY_MEETING))
    cadres.append(successor)
    # A provincial cadre who attends a few branches once a quarter.
    visitor = Cadre(
        name="Nguyễn Văn Hùng", position="Ủy viên Ban Thường vụ Tỉnh Đoàn", level=CadreLevel.PROVINCE, area=province
    )
    cadres.append(visitor)
    all_branches = [b for plan in plans for b in plan[1]]
    plans.append((visitor, rng.sample(all_branches, min(6, len(all_branches))), start, None, Frequency.QUARTERLY))

    account = User.objects.filter(username=CADRE_ACCOUNT).first()
    by_commune = [c for c in cadres if c.area.code == "30130" and c.position == POSITIONS["DOAN"]]
    if account is not None and by_commune:
        by_commune[-1].user = account
    bulk_create_with_history(cadres, Cadre, default_user=user, default_change_reason=CHANGE_REASON)

    assignments = [
        Assignment(
            cadre=cadre,
            branch=branch,
            start_on=first,
            end_on=last,
            frequency=frequency,
            report_within_days=7 if cadre.level == CadreLevel.COMMUNE else 10,
        )
        for cadre, branches, first, last, frequency in plans
        for branch in branches
    ]
    bulk_create_with_history(assignments, Assignment, default_user=user, default_change_reason=CHANGE_REASON)
    visits = _visits(assignments, today=today, rng=rng)
    bulk_create_with_history(
        visits, CadreVisit, batch_size=500, default_user=user, default_change_reason=CHANGE_REASON
    )
    return {"cadres": len(cadres), "assignments": len(assignments), "visits": len(visits)}


def _visits(assignments: list[Assignment], *, today: datetime.date, rng: random.Random) -> list[CadreVisit]:
    """The assigned cadres' visits to the meetings held while they were assigned."""
    by_branch: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_branch.setdefault(assignment.branch_id, []).append(assignment)
    first = min(a.start_on for a in assignments)
    meetings = Meeting.objects.filter(branch_id__in=by_branch, held_on__gte=first, held_on__lte=today)
    visits, quarters_seen = [], set()
    for meeting in meetings.filter(Q(kind=MeetingKind.REGULAR) | Q(kind=MeetingKind.THEMATIC)).order_by("held_on"):
        for assignment in by_branch[meeting.branch_id]:
            if not assignment.covers(meeting.held_on):
                continue
            if assignment.frequency == Frequency.QUARTERLY:
                quarter = (assignment.pk, meeting.held_on.year, (meeting.held_on.month - 1) // 3)
                if quarter in quarters_seen or rng.random() < 0.5:
                    continue
                quarters_seen.add(quarter)
            elif rng.random() < 0.15:
                continue  # a meeting the cadre missed
            cadre = assignment.cadre
            due = meeting.held_on + datetime.timedelta(days=assignment.report_within_days)
            reported = None
            if rng.random() < 0.8:
                reported = min(today, meeting.held_on + datetime.timedelta(days=rng.randint(1, 12)))
            visits.append(
                CadreVisit(
                    meeting=meeting,
                    cadre=cadre,
                    cadre_name=cadre.name,
                    position=cadre.position,
                    level=cadre.level,
                    report_due_on=due,
                    reported_on=reported,
                    quality=rng.choice([MeetingQuality.GOOD, MeetingQuality.GOOD, MeetingQuality.FAIR])
                    if reported
                    else "",
                    concerns=rng.choice(CONCERNS) if reported else "",
                )
            )
    return visits
