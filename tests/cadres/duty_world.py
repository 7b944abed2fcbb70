"""A commune's quarter of cadre duty, with its own record of what each cadre did.

Quarter 1/2026 in Tân Mỹ (99101), looked at on 10/04/2026:
- branch A (Tân Phú): cadre X assigned until 15/02 (every meeting, 7 days), then cadre Y
  (every meeting, 5 days) — a reassignment mid-quarter; four meetings, one thematic;
- branch B (Tân Thạnh): cadre Y once a quarter (3 days); one meeting;
- branch C (Tân Thạnh, the farmers' association): no cadre; one meeting, a guest.
Visits and reports are written as a branch's staff and the cadres would, through the services.
"""

import datetime
from dataclasses import dataclass, field

from cadres import services as cadre_services
from cadres.models import Assignment, CadreLevel, Frequency
from meetings import services as meeting_services
from meetings.models import CadreVisit, Meeting, MeetingKind, MeetingQuality
from tests import factories

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
TODAY = datetime.date(2026, 4, 10)
D = datetime.date


@dataclass
class DutyWorld:
    tree: object
    a: object
    b: object
    c: object
    x: object
    y: object
    meetings: dict = field(default_factory=dict)


def meeting(branch, day, kind=MeetingKind.REGULAR):
    return Meeting.objects.create(branch=branch, held_on=day, kind=kind, members_present=5, members_on_roll=9)


def build(tree) -> DutyWorld:
    a = factories.branch(tree.hamlet_a1, "DOAN", code="A")
    b = factories.branch(tree.hamlet_a2, "DOAN", code="B")
    c = factories.branch(tree.hamlet_a2, "HND", code="C")
    x = cadre_services.add_cadre(
        name="Lê Văn Xuân", position="Phó Bí thư Đoàn xã", level=CadreLevel.COMMUNE, area=tree.commune_a
    )
    y = cadre_services.add_cadre(
        name="Phạm Thị Yến", position="Ủy viên BTV", level=CadreLevel.COMMUNE, area=tree.commune_a
    )
    cadre_services.assign(
        cadre=x,
        branch=a,
        start_on=D(2025, 10, 1),
        end_on=D(2026, 2, 15),
        frequency=Frequency.EVERY_MEETING,
        report_within_days=7,
    )
    cadre_services.assign(
        cadre=y, branch=a, start_on=D(2026, 2, 16), frequency=Frequency.EVERY_MEETING, report_within_days=5
    )
    cadre_services.assign(
        cadre=y, branch=b, start_on=D(2026, 1, 1), frequency=Frequency.QUARTERLY, report_within_days=3
    )
    world = DutyWorld(tree=tree, a=a, b=b, c=c, x=x, y=y)
    for name, branch, day, kind in (
        ("a_jan", a, D(2026, 1, 15), MeetingKind.REGULAR),
        ("a_feb", a, D(2026, 2, 15), MeetingKind.REGULAR),
        ("a_mar", a, D(2026, 3, 15), MeetingKind.REGULAR),
        ("a_theme", a, D(2026, 3, 20), MeetingKind.THEMATIC),
        ("a_dec", a, D(2025, 12, 15), MeetingKind.REGULAR),  # before the quarter
        ("b_feb", b, D(2026, 2, 20), MeetingKind.REGULAR),
        ("c_jan", c, D(2026, 1, 10), MeetingKind.REGULAR),
    ):
        world.meetings[name] = meeting(branch, day, kind)
    m = world.meetings
    good = {"quality": MeetingQuality.GOOD, "concerns": "Việc làm", "proposals": ""}
    meeting_services.file_visit_report(cadre=x, meeting=m["a_jan"], reported_on=D(2026, 1, 20), **good)
    meeting_services.add_visit(meeting=m["a_feb"], cadre=x)  # recorded by the branch, never reported
    meeting_services.file_visit_report(cadre=y, meeting=m["a_mar"], reported_on=D(2026, 3, 25), **good)  # late
    meeting_services.add_visit(meeting=m["a_theme"], cadre=y)
    meeting_services.add_visit(meeting=m["b_feb"], cadre=y)
    meeting_services.add_visit(meeting=m["c_jan"], cadre_name="Khách mời", level=CadreLevel.DISTRICT)
    meeting_services.file_visit_report(cadre=x, meeting=m["a_dec"], reported_on=D(2025, 12, 16), **good)
    return world


def expected_by_cadre(start=START, end=END, today=TODAY) -> dict[int, dict]:
    """Each cadre's figures counted the long way: every assignment, every day of the period."""
    figures: dict[int, dict] = {}
    for assignment in Assignment.objects.all():
        days = [start + datetime.timedelta(n) for n in range((end - start).days + 1)]
        days = [d for d in days if assignment.covers(d)]
        if not days:
            continue
        held = [mt for mt in Meeting.objects.filter(branch=assignment.branch) if mt.held_on in days]
        visits = [v for v in CadreVisit.objects.filter(cadre=assignment.cadre) if v.meeting in held]
        if assignment.frequency == Frequency.EVERY_MEETING:
            expected = sum(1 for mt in held if mt.kind == MeetingKind.REGULAR)
        elif assignment.frequency == Frequency.MONTHLY:
            expected = len({(d.year, d.month) for d in days})
        else:
            expected = len({(d.year, (d.month - 1) // 3) for d in days})
        row = figures.setdefault(
            assignment.cadre_id,
            dict.fromkeys(("meetings", "expected", "attended", "missed", "reports_filed", "reports_overdue"), 0),
        )
        row["meetings"] += len(held)
        row["expected"] += expected
        row["attended"] += len(visits)
        row["missed"] += max(0, expected - len(visits))
        row["reports_filed"] += sum(1 for v in visits if v.reported_on)
        row["reports_overdue"] += sum(1 for v in visits if not v.reported_on and v.report_due_on < today)
    return figures
