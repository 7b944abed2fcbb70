"""The branch book of a year (sổ chi đoàn / sổ chi hội) in one workbook: a sheet per table of
the paper book — the roll with its history, the officers, the meetings and their attendance,
the branch's rating, the members' ratings, the fees, the awards and discipline, the transfers
in and out.

Each sheet is a document (``core.sheets.write_table_sheet``: the branch's letterhead, the
title, the table, the signature). Every table is one query, whatever the branch's size.
"""

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext
from openpyxl import Workbook

from book.models import Award, TransferLetter
from branches.models import Branch, Officer
from core.documents import Letterhead
from core.sheets import Column, workbook_bytes, write_table_sheet
from fees.dues import month_dues
from meetings.exports import branch_place, meeting_log_table
from meetings.selectors import branch_meetings
from members.models import EndReason, Membership, MembershipPeriod
from ratings.member_selectors import rating_roll
from ratings.models import BranchRating, MemberRating, RatingState

MONTHS = range(1, 13)


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def roll_periods(branch: Branch, year: int):
    """Every stretch a membership spent in the branch during the year, with the branch before and after it."""
    first, last = _year(year)
    before = MembershipPeriod.objects.filter(membership=OuterRef("membership"), valid_to=OuterRef("valid_from"))
    after = MembershipPeriod.objects.filter(membership=OuterRef("membership"), valid_from=OuterRef("valid_to"))
    return (
        MembershipPeriod.objects.filter(branch=branch, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
        .annotate(
            came_from=Subquery(before.exclude(branch=branch).values("branch__name")[:1]),
            went_to=Subquery(after.exclude(branch=branch).values("branch__name")[:1]),
        )
        .select_related("person", "membership")
        .order_by("person__sort_key", "person_id", "valid_from")
    )


def _letters(branch: Branch, year: int):
    first, last = _year(year)
    return (
        TransferLetter.objects.filter(
            Q(from_branch=branch, issued_on__range=(first, last))
            | Q(received_branch=branch, received_on__range=(first, last))
        )
        .select_related("person", "from_branch", "to_branch", "received_branch")
        .order_by("issued_on", "pk")
    )


def _dated(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def roll_table(periods) -> tuple[list[Column], list[list]]:
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 26),
        Column(gettext("Born"), 12),
        Column(gettext("Gender"), 8),
        Column(gettext("Joined on"), 12),
        Column(gettext("Card number"), 14),
        Column(gettext("In the branch from"), 12),
        Column(gettext("Until (inclusive)"), 12),
        Column(gettext("Status"), 18),
        Column(gettext("Reason for the change"), 26),
        Column(gettext("Ending"), 24),
    ]
    rows = []
    for number, period in enumerate(periods, start=1):
        membership = period.membership
        ended = membership.ended_on and period.valid_to == membership.ended_on
        ending = f"{membership.get_end_reason_display()} {_dated(membership.ended_on)}" if ended else ""
        rows.append(
            [
                number,
                period.person.full_name,
                period.person.birth_date or period.person.birth_year,
                period.person.get_gender_display(),
                membership.joined_on,
                membership.card_number,
                period.valid_from,
                period.last_day,
                period.get_status_display(),
                period.change_reason,
                ending,
            ]
        )
    return columns, rows


def officers_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    first, last = _year(year)
    officers = (
        Officer.objects.filter(branch=branch, start_on__lte=last)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=first))
        .select_related("person", "term")
        .order_by("start_on", "person__sort_key")
    )
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 26),
        Column(gettext("Role"), 18),
        Column(gettext("From"), 12),
        Column(gettext("To (inclusive)"), 12),
        Column(gettext("Term"), 14),
    ]
    rows = [
        [
            number,
            officer.person.full_name,
            officer.get_role_display(),
            officer.start_on,
            officer.end_on,
            f"{officer.term.start_on.year}–{officer.term.end_on.year}" if officer.term else "",
        ]
        for number, officer in enumerate(officers, start=1)
    ]
    return columns, rows


def meetings_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    return meeting_log_table(branch_meetings(branch=branch, year=year).order_by("held_on", "pk"))


def rating_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    ratings = BranchRating.objects.filter(branch=branch, year=year).select_related("grade")
    columns = [
        Column(gettext("Year"), 8),
        Column(gettext("Grade"), 26),
        Column(gettext("Score"), 10, "0.00"),
        Column(gettext("State"), 14),
        Column(gettext("Note"), 40),
    ]
    rows = [
        [rating.year, rating.grade.label, rating.score, rating.get_state_display(), rating.note] for rating in ratings
    ]
    return columns, rows


def member_ratings_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    """The members the branch rates for the year (``rating_roll``), each with their rating if any."""
    rating = MemberRating.objects.filter(membership=OuterRef("membership"), year=year)
    members = (
        rating_roll(year)
        .filter(branch=branch)
        .annotate(
            grade_label=Subquery(rating.values("grade__label")[:1]),
            rating_state=Subquery(rating.values("state")[:1]),
            rating_note=Subquery(rating.values("note")[:1]),
        )
        .select_related("person")
        .order_by("person__sort_key", "person_id")
    )
    states = dict(RatingState.choices)
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 26),
        Column(gettext("Grade"), 30),
        Column(gettext("State"), 14),
        Column(gettext("Note"), 30),
    ]
    rows = [
        [
            number,
            period.person.full_name,
            period.grade_label or "",
            str(states.get(period.rating_state, gettext("Not yet rated"))),
            period.rating_note or "",
        ]
        for number, period in enumerate(members, start=1)
    ]
    return columns, rows


def fees_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    """A line per member who owed in the branch: each month's payment (blank: not owed), what was due and paid."""
    owed = month_dues(year=year, months=list(MONTHS), branch_ids=[branch.pk])
    people = dict(
        Membership.objects.filter(pk__in={row["membership_id"] for row in owed}).values_list("pk", "person__full_name")
    )
    lines: dict[int, dict] = {}
    for row in owed:
        line = lines.setdefault(row["membership_id"], {"months": {}, "due": 0, "paid": 0})
        line["months"][row["month"]] = row["paid"]
        line["due"] += row["due"]
        line["paid"] += row["paid"]
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 26),
        *(Column(gettext("Month %(month)s") % {"month": month}, 9, "#,##0") for month in MONTHS),
        Column(gettext("Due (đồng)"), 11, "#,##0"),
        Column(gettext("Paid (đồng)"), 11, "#,##0"),
    ]
    ordered = sorted(lines.items(), key=lambda item: (people.get(item[0], ""), item[0]))
    rows = [
        [
            number,
            people.get(membership_id, ""),
            *(line["months"].get(month) for month in MONTHS),
            line["due"],
            line["paid"],
        ]
        for number, (membership_id, line) in enumerate(ordered, start=1)
    ]
    return columns, rows


def awards_table(branch: Branch, year: int) -> tuple[list[Column], list[list]]:
    awards = (
        Award.objects.filter(branch=branch, decided_on__year=year)
        .select_related("person")
        .order_by("decided_on", "pk")
    )
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 26),
        Column(gettext("Date"), 12),
        Column(gettext("Kind"), 12),
        Column(gettext("Form"), 24),
        Column(gettext("Level that decided"), 14),
        Column(gettext("Decision number"), 16),
        Column(gettext("Reason"), 36),
    ]
    rows = [
        [
            number,
            award.person.full_name,
            award.decided_on,
            award.get_kind_display(),
            award.get_form_display(),
            award.get_level_display(),
            award.decision_number,
            award.reason,
        ]
        for number, award in enumerate(awards, start=1)
    ]
    return columns, rows


def transfers_table(branch: Branch, year: int, periods: list[MembershipPeriod]) -> tuple[list[Column], list[list]]:
    """Members who came from another branch or left for one (or ended as transferred), with their letter."""
    first, last = _year(year)
    letters = list(_letters(branch, year))
    sent = {letter.membership_id: letter for letter in letters if letter.from_branch_id == branch.pk}
    received = {letter.received_membership_id: letter for letter in letters if letter.received_branch_id == branch.pk}
    arrived, left = gettext("Arrived"), gettext("Left")
    entries = []
    for period in periods:
        membership = period.membership
        if period.came_from and first <= period.valid_from <= last:
            letter = received.get(period.membership_id)
            entries.append((period.valid_from, arrived, period, period.came_from, letter))
        ended_transferred = membership.end_reason == EndReason.TRANSFERRED and period.valid_to == membership.ended_on
        if period.valid_to and first <= period.valid_to <= last and (period.went_to or ended_transferred):
            letter = sent.get(period.membership_id)
            elsewhere = period.went_to or membership.end_note or (letter.to_description if letter else "")
            entries.append((period.valid_to, left, period, elsewhere, letter))
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Date"), 12),
        Column(gettext("Movement"), 10),
        Column(gettext("Full name"), 26),
        Column(gettext("From or to"), 34),
        Column(gettext("Letter number"), 16),
    ]
    entries.sort(key=lambda entry: (entry[0], entry[2].person.sort_key))
    rows = [
        [number, day, movement, period.person.full_name, elsewhere, letter.number if letter else ""]
        for number, (day, movement, period, elsewhere, letter) in enumerate(entries, start=1)
    ]
    return columns, rows


def branch_book_xlsx(*, branch: Branch, year: int, letterhead: Letterhead) -> bytes:
    periods = list(roll_periods(branch, year))
    subtitle = f"{branch.organization.name} – {branch_place(branch)} – {gettext('Year')} {year}"
    tables = [
        (gettext("Roll and its history"), roll_table(periods)),
        (gettext("Officers"), officers_table(branch, year)),
        (gettext("Meetings and attendance"), meetings_table(branch, year)),
        (gettext("Branch rating"), rating_table(branch, year)),
        (gettext("Members' ratings"), member_ratings_table(branch, year)),
        (gettext("Fees"), fees_table(branch, year)),
        (gettext("Awards and discipline"), awards_table(branch, year)),
        (gettext("Transfers in and out"), transfers_table(branch, year, periods)),
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (columns, rows) in tables:
        write_table_sheet(
            workbook.create_sheet(),
            letterhead=letterhead,
            title=title,
            subtitle=subtitle,
            columns=columns,
            rows=rows,
        )
    return workbook_bytes(workbook)
