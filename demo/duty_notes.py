"""The demo's regular meeting days and monthly orientation notes (QĐ 784).

Runs last, on today's units: the branches get their regular day (most the day of the month they
usually meet on, some the first Sunday), the meetings already written are flagged on or off that
day as if it had been set when they were logged, the province publishes a note for each of the
last three months (one with a PDF) and a commune one of its own, and some regular meetings of
those months record that the note was discussed.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.db.models.functions import ExtractDay
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from areas.models import Area, AreaLevel
from branches.models import Branch, MeetingDayRule, Organization, Weekday, WeekOfMonth
from cadres import notes
from meetings.models import Meeting, MeetingKind

CHANGE_REASON = "seed_demo"
BATCH = 500
COMMUNE = "30130"  # Xã Thanh Bình (2025), whose staff account the demo has
COMMUNE_ACCOUNT = "xa30130"
# (share of the branches, the rule's fields): most keep the day they usually meet on (None here).
RULES = [
    (0.85, None),
    (
        0.10,
        {"meeting_rule": MeetingDayRule.WEEKDAY, "meeting_weekday": Weekday.SUNDAY, "meeting_week": WeekOfMonth.FIRST},
    ),
    (0.05, {}),
]
TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Tuyên truyền phòng, chống tác hại của ma túy trong thanh thiếu niên",
    "Chuyển đổi số và kỹ năng an toàn trên không gian mạng",
    "Phát động phong trào xây dựng nông thôn mới, đô thị văn minh",
]


def fill(*, user: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    province = Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True, code__in=("82", "87")).first()
    if province is None:
        return {"branches_with_day": 0, "meetings_flagged": 0, "notes": 0, "discussed": 0}
    branches = list(Branch.objects.filter(area__path__startswith=province.path).order_by("pk"))
    _set_days(branches, rng, user)
    flagged = _flag_meetings(branches, user)
    months = _last_months(today, 3)
    published = _publish(province, months, user)
    discussed = _discussed(branches, months, rng, user)
    return {
        "branches_with_day": len(branches),
        "meetings_flagged": flagged,
        "notes": published,
        "discussed": discussed,
    }


def _usual_days(branches: list[Branch]) -> dict[int, int]:
    """Each branch's most frequent day of the month among its meetings (one grouped query)."""
    counts = (
        Meeting.objects.filter(branch_id__in=[b.pk for b in branches])
        .annotate(day=ExtractDay("held_on"))
        .order_by()
        .values("branch_id", "day")
        .annotate(n=Count("pk"))
    )
    usual: dict[int, tuple[int, int]] = {}
    for row in counts:
        if row["n"] > usual.get(row["branch_id"], (0, 0))[0]:
            usual[row["branch_id"]] = (row["n"], row["day"])
    return {branch_id: day for branch_id, (_n, day) in usual.items()}


def _set_days(branches: list[Branch], rng: random.Random, user: User) -> None:
    blank = {"meeting_rule": MeetingDayRule.NONE, "meeting_day": None, "meeting_weekday": None, "meeting_week": None}
    usual = _usual_days(branches)
    for branch in branches:
        draw, fields = rng.random(), RULES[-1][1]
        for share, rule in RULES:
            if draw < share:
                fields = rule
                break
            draw -= share
        if fields is None:
            day = usual.get(branch.pk, 15)
            fields = {"meeting_rule": MeetingDayRule.DAY_OF_MONTH, "meeting_day": day}
        for name, value in {**blank, **fields}.items():
            setattr(branch, name, value)
    bulk_update_with_history(
        branches,
        Branch,
        list(blank),
        batch_size=BATCH,
        default_user=user,
        default_change_reason=CHANGE_REASON,
    )


def _flag_meetings(branches: list[Branch], user: User) -> int:
    """Each meeting on or off its branch's regular day of that month (``log_meeting``'s rule)."""
    by_pk = {branch.pk: branch for branch in branches}
    # Whole rows: the history rows copy every field, and a deferred one costs a query each.
    meetings = list(Meeting.objects.filter(branch_id__in=by_pk))
    for meeting in meetings:
        regular = by_pk[meeting.branch_id].regular_day(meeting.held_on.year, meeting.held_on.month)
        meeting.on_regular_day = None if regular is None else meeting.held_on == regular
    bulk_update_with_history(
        meetings,
        Meeting,
        ["on_regular_day"],
        batch_size=BATCH,
        default_user=user,
        default_change_reason=CHANGE_REASON,
    )
    return len(meetings)


def _last_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of this month and the ``count - 1`` before it, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months[::-1]


def _publish(province: Area, months: list[datetime.date], user: User) -> int:
    organizations = list(Organization.objects.order_by("sort_order", "code"))
    for number, month in enumerate(months):
        topic = TOPICS[number % len(TOPICS)]
        files = []
        if month == months[-1]:
            name = f"dinh-huong-sinh-hoat-{month:%m-%Y}.pdf"
            files = [SimpleUploadedFile(name, minimal_pdf(f"Dinh huong sinh hoat thang {month:%m/%Y}"))]
        notes.publish_note(
            user=user,
            area=province,
            month=month,
            title=f"Định hướng sinh hoạt chi đoàn, chi hội tháng {month:%m/%Y}",
            text=f"Chủ đề sinh hoạt: {topic}.\nCác chi đoàn, chi hội tổ chức sinh hoạt đúng ngày quy định.",
            organizations=organizations,
            files=files,
        )
    commune = Area.objects.filter(code=COMMUNE, level=AreaLevel.COMMUNE, valid_to__isnull=True).first()
    if commune is None:
        return len(months)
    staff = User.objects.filter(username=COMMUNE_ACCOUNT, is_active=True).first() or user
    notes.publish_note(
        user=staff,
        area=commune,
        month=months[-1],
        title=f"Đoàn xã {commune.name}: nội dung sinh hoạt tháng {months[-1]:%m/%Y}",
        text="Ra quân vệ sinh môi trường các tuyến đường liên ấp vào ngày chủ nhật xanh.",
        organizations=[org for org in organizations if org.code == "DOAN"],
    )
    return len(months) + 1


def _discussed(branches: list[Branch], months: list[datetime.date], rng: random.Random, user: User) -> int:
    """About two regular meetings in three of the notes' months presented and discussed the note."""
    meetings = [
        meeting
        for meeting in Meeting.objects.filter(
            branch_id__in=[branch.pk for branch in branches], kind=MeetingKind.REGULAR, held_on__gte=months[0]
        ).order_by("pk")
        if rng.random() < 0.65
    ]
    for meeting in meetings:
        meeting.orientation_discussed = True
    bulk_update_with_history(
        meetings,
        Meeting,
        ["orientation_discussed"],
        batch_size=BATCH,
        default_user=user,
        default_change_reason=CHANGE_REASON,
    )
    return len(meetings)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing a line of ASCII text (the 14 standard fonts have no Vietnamese)."""
    line = text.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 18 Tf 72 770 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
