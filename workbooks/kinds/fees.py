"""Fee payments: one row per member and month paid, the member found among those who owed that
month in the branch (``fees.dues``), by CCCD, or by full name and birth date.

The rules are the collection grid's (``fees.services``): a month the member owed there, an
amount above 0 up to the month's due, paid on a day not after today. A row of a month already
recorded changes its amount, date and collector; the same values leave it unchanged.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from branches.models import Branch
from fees import dues
from fees.models import FeePayment
from fees.services import amount_problem, date_problem
from members.models import Membership

from .. import bulk
from ..lookups import chunk_size
from ..models import ImportKind
from ..personal import mask_number
from ..plan import Outcome, display
from .base import Planner, where_in
from .people import fold

ALL_MONTHS = tuple(range(1, 13))


def _id_chunks(ids, months) -> Iterator[list]:
    """Ids in chunks small enough for the dues' query, which repeats them once per month."""
    ids = sorted(set(ids))
    size = max(1, chunk_size() // max(1, len(months)))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class FeePlanner(Planner):
    kind = ImportKind.FEES
    order = [FeePayment]

    def build(self, rows, results, writes):
        branches = self.visible_branches(row.values["branch_code"] for row in rows if "branch_code" in row.values)
        branches_by_year = defaultdict(set)
        for row in rows:
            branch = branches.get(row.values.get("branch_code"))
            if branch is not None and "year" in row.values:
                branches_by_year[row.values["year"]].add(branch.pk)
        # (branch, year) -> membership -> month -> the dues' row: the whole year, so that a month not
        # owed is told apart from a member who is not there.
        owed: dict[tuple, dict[int, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
        for year, branch_ids in branches_by_year.items():
            for chunk in _id_chunks(branch_ids, ALL_MONTHS):
                for due in dues.month_dues(year=year, months=ALL_MONTHS, branch_ids=chunk):
                    owed[due["branch_id"], year][due["membership_id"]][due["month"]] = due
        member_ids = {pk for by_member in owed.values() for pk in by_member}
        people = {}  # membership -> (cccd, folded name, birth date, birth year, full name)
        for queryset in where_in(Membership.objects.all(), "pk", member_ids):
            fields = ("pk", "person__cccd", "person__name_key", "person__birth_date", "person__birth_year")
            for pk, *person in queryset.values_list(*fields, "person__full_name"):
                people[pk] = person
        existing = {}
        for queryset in where_in(FeePayment.objects.all(), "membership_id", member_ids):
            for payment in queryset.filter(year__in=list(branches_by_year)):
                existing[payment.membership_id, payment.year, payment.month] = payment
        seen: dict[tuple, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = " ".join(str(values.get(key, "")) for key in ("full_name", "month", "year")).strip()
            if self.missing(row, result, "branch_code", "full_name", "year", "month", "amount", "paid_on"):
                continue
            if result.status == Outcome.REFUSED:
                continue
            branch = branches.get(values["branch_code"])
            if branch is None:
                self.refuse_unknown_branch(result, values["branch_code"])
                continue
            members = owed.get((branch.pk, values["year"]), {})
            membership_id = self.find_member(values, result, members, people)
            if membership_id is None:
                continue
            self.payment(row, result, branch, membership_id, members[membership_id], existing, seen, writes)

    def find_member(self, values, result, members: dict, people: dict) -> int | None:
        """The membership of the row among those owing fees in the branch that year, or None (refused)."""
        name = fold(values["full_name"])
        cccd = values.get("cccd")
        if cccd:
            found = [pk for pk in members if people[pk][0] == cccd]
            if found and people[found[0]][1] != name:
                result.refuse(
                    self.header("cccd"),
                    _("This CCCD number belongs to %(name)s in the system.") % {"name": people[found[0]][4]},
                )
                return None
            if not found:
                result.refuse(
                    self.header("cccd"),
                    _("No member of this branch with this CCCD number owed fees in %(year)d.")
                    % {"year": values["year"]},
                )
                return None
            return found[0]
        birth = values.get("birth")
        found = [pk for pk in members if people[pk][1] == name and _born(people[pk], birth)]
        if len(found) > 1:
            result.refuse(
                self.header("full_name"),
                _("Several members of the branch have this name; give the birth date or the CCCD number."),
            )
            return None
        if not found:
            result.refuse(
                self.header("full_name"),
                _("No member of this branch with this name and birth date owed fees in %(year)d.")
                % {"year": values["year"]},
            )
            return None
        return found[0]

    def payment(self, row, result, branch: Branch, membership_id: int, months: dict, existing, seen, writes):
        values = row.values
        year, month = values["year"], values["month"]
        due = months.get(month)
        if due is None:
            result.refuse(
                self.header("month"),
                _("%(name)s did not owe the fee of month %(month)d/%(year)d in %(branch)s.")
                % {"name": values["full_name"], "month": month, "year": year, "branch": branch.name},
            )
            return
        problem = amount_problem(amount=values["amount"], due=due["due"])
        if problem:
            result.refuse(self.header("amount"), _capital(problem))
        problem = date_problem(values["paid_on"], today=self.today)
        if problem:
            result.refuse(self.header("paid_on"), problem)
        key = (membership_id, year, month)
        if key in seen:
            result.refuse(
                self.header("month"), _("The same member and month are on row %(row)d.") % {"row": seen[key]}
            )
        seen.setdefault(key, row.number)
        if result.status == Outcome.REFUSED:
            return
        payment = existing.get(key)
        if payment is None:
            writes.create(
                bulk.new(
                    FeePayment,
                    membership_id=membership_id,
                    year=year,
                    month=month,
                    amount=values["amount"],
                    paid_on=values["paid_on"],
                    collected_by=values.get("collected_by", ""),
                    recorded_by_id=self.user.pk,
                )
            )
            self.mark(result, Outcome.CREATED)
            return
        new = {"amount": values["amount"], "paid_on": values["paid_on"]}
        if "collected_by" in values:
            new["collected_by"] = values["collected_by"]
        for name, value in new.items():
            if getattr(payment, name) != value:
                result.changes.append([self.header(name), display(getattr(payment, name)), display(value)])
        if writes.update(payment, **new):
            writes.update(payment, recorded_by_id=self.user.pk)
            self.mark(result, Outcome.UPDATED)


def _born(person, birth) -> bool:
    """Whether a member's birth matches the row's: the date, or the year when one of them has only that."""
    if birth is None:
        return True
    _cccd, _name, birth_date, birth_year, _full = person
    if isinstance(birth, datetime.date):
        return birth_date == birth if birth_date else birth_year == birth.year
    return birth_year == birth


# --- export: the payments in the template's layout -------------------------------------------


def payments_for_export(
    user, *, organization: str | None = None, area_path: str | None = None, branch: str | None = None
) -> Iterator[list]:
    queryset = FeePayment.objects.visible_to(user)
    if organization:
        queryset = queryset.filter(membership__organization__code=organization)
    if area_path:
        queryset = queryset.filter(membership__branch__area__path__startswith=area_path)
    if branch:
        queryset = queryset.filter(membership__branch__code=branch)
    return export_rows(queryset, personal=user.can_edit)


def export_rows(queryset: QuerySet[FeePayment], *, personal: bool) -> Iterator[list]:
    """Payments in the layout of the fees template, each under the branch its month was owed in
    (the member's branch now, for a month no longer owed); the CCCD masked unless ``personal``."""
    fields = (
        "membership_id",
        "year",
        "month",
        "amount",
        "paid_on",
        "collected_by",
        "membership__branch__code",
        "membership__person__cccd",
        "membership__person__full_name",
        "membership__person__birth_date",
        "membership__person__birth_year",
        "membership__person__sort_key",
    )
    payments = list(queryset.order_by().values_list(*fields))
    by_year = defaultdict(set)
    for payment in payments:
        by_year[payment[1]].add(payment[0])
    owed_in = {}  # (membership, year, month) -> branch
    for year, member_ids in by_year.items():
        for chunk in _id_chunks(member_ids, ALL_MONTHS):
            for due in dues.month_dues(year=year, months=ALL_MONTHS, membership_ids=chunk):
                owed_in[due["membership_id"], year, due["month"]] = due["branch_id"]
    codes = dict(Branch.objects.filter(pk__in=set(owed_in.values())).values_list("pk", "code"))
    lines = []
    for member, year, month, amount, paid_on, collector, current, cccd, name, birth_date, birth_year, key in payments:
        code = codes.get(owed_in.get((member, year, month)), current)
        number = (cccd or "") if personal else mask_number(cccd)
        line = [code, number, name, birth_date or birth_year, year, month, amount, paid_on, collector]
        lines.append(((code, key, member, year, month), line))
    lines.sort(key=lambda item: item[0])
    for _key, line in lines:
        yield line
