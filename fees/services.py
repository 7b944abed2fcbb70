"""Writes of the fees: a branch's collection grid (payments recorded, changed, removed) and a
member's fee category.

A payment is for one month a member owed in a branch (``fees.dues``): a positive amount up
to the month's due, paid on a day not after today. The grid is saved all or nothing; its
history is kept by the payments' AuditHistory (created, changed, deleted). The workbook
import (``workbooks.kinds.fees``) checks each row with ``amount_problem`` and ``date_problem``,
the rules the grid applies.
"""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from core.concurrency import stale_error
from members.models import Membership

from . import dues
from .models import CategoryAssignment, FeeCategory, FeePayment


def money(amount: int) -> str:
    """5.000: whole đồng with the thousands separator of the active language."""
    return formats.number_format(amount, force_grouping=True)


def amount_problem(*, amount: int, due: int) -> str | None:
    """Why ``amount`` cannot be recorded for a month whose due is ``due`` (None: it can)."""
    if amount < 0:
        return _("the amount cannot be negative.")
    if due <= 0:
        return _("no rate is set for the member's category that month, so nothing is due.")
    if amount == 0:
        return _("type an amount above 0, or empty the cell to remove the payment.")
    if amount > due:
        return _("%(amount)s đ is more than the month's due (%(due)s đ).") % {
            "amount": money(amount),
            "due": money(due),
        }
    return None


def date_problem(paid_on: datetime.date, *, today: datetime.date) -> str | None:
    if paid_on > today:
        return _("The payment date cannot be later than today.")
    return None


def payments_stamp(payments: Iterable[FeePayment]) -> str:
    """A digest of the payments a grid page was drawn with (which, and their versions)."""
    text = ",".join(f"{p.pk}:{p.version}" for p in sorted(payments, key=lambda p: p.pk))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FeeCell:
    """One cell of the grid as entered: ticked (the month's due), an amount typed, or neither (no payment)."""

    membership_id: int
    month: int
    full: bool = False
    amount: int | None = None


@dataclass(frozen=True)
class GridResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


def _require_editor(user) -> None:
    if not user.can_edit:
        raise PermissionDenied(_("Only district and commune staff record fee payments."))


def _cell_error(name: str, month: int, year: int, problem: str) -> str:
    return _("%(member)s, month %(month)s/%(year)s: %(problem)s") % {
        "member": name,
        "month": month,
        "year": year,
        "problem": problem,
    }


Write = tuple[FeeCell, FeePayment | None, int | None]  # the cell, its payment, the amount (None: remove)


def _planned(cells, *, owed: dict, payments: dict, names: dict, year: int, branch: Branch) -> tuple[list, list]:
    """What the cells change (the writes), and why some cannot be saved (the errors)."""
    errors: list[str] = []
    writes: list[Write] = []
    for cell in cells:
        key = (cell.membership_id, cell.month)
        asks = cell.full or cell.amount is not None
        if key not in owed:
            if asks:
                errors.append(
                    _("Month %(month)s/%(year)s was not owed in %(branch)s by the member of this cell.")
                    % {"month": cell.month, "year": year, "branch": branch.name}
                )
            continue
        payment, due = payments.get(key), owed[key]["due"]
        if not asks:
            if payment is not None:
                writes.append((cell, payment, None))
            continue
        wanted = due if cell.full else cell.amount
        problem = amount_problem(amount=wanted, due=due)
        if problem:
            errors.append(_cell_error(names.get(cell.membership_id, "?"), cell.month, year, problem))
        elif payment is None or payment.amount != wanted:
            writes.append((cell, payment, wanted))
    return writes, errors


@transaction.atomic
def save_fee_grid(
    *,
    user,
    branch: Branch,
    year: int,
    cells: list[FeeCell],
    paid_on: datetime.date | None,
    collected_by: str,
    expected_stamp: str | None = None,
) -> GridResult:
    """Record what a grid page says of its cells, all or none.

    A ticked cell is paid the month's due, a typed amount is that amount, an empty cell has
    no payment (one recorded is removed). Cells that say what is recorded are left as they
    are; the others take ``paid_on`` and ``collected_by``. ``expected_stamp`` is the
    ``payments_stamp`` of the page as drawn: if someone changed those payments since, nothing
    is saved.
    """
    _require_editor(user)
    if not Branch.objects.visible_to(user).filter(pk=branch.pk).exists():
        raise ValidationError(_("%(branch)s lies outside your area.") % {"branch": branch.name}, code="scope")
    if not cells:
        return GridResult()
    months = sorted({cell.month for cell in cells if 1 <= cell.month <= 12})
    member_ids = {cell.membership_id for cell in cells}
    owed = {
        (row["membership_id"], row["month"]): row
        for row in (dues.month_dues(year=year, months=months, branch_ids=[branch.pk]) if months else [])
    }
    # Names for the messages: the members owing here, wherever they are now.
    names = dict(
        Membership.objects.filter(pk__in={mid for mid, _month in owed} & member_ids).values_list(
            "pk", "person__full_name"
        )
    )
    payments = {
        (p.membership_id, p.month): p
        for p in FeePayment.objects.select_for_update().filter(
            membership_id__in=member_ids, year=year, month__in=months
        )
    }
    if expected_stamp is not None:
        keys = {(cell.membership_id, cell.month) for cell in cells}
        drawn = [payments[key] for key in keys if key in owed and key in payments]
        if payments_stamp(drawn) != expected_stamp:
            raise stale_error()
    writes, errors = _planned(cells, owed=owed, payments=payments, names=names, year=year, branch=branch)
    if errors:
        raise ValidationError(errors, code="cells")
    if any(amount is not None for _cell, _payment, amount in writes):
        if paid_on is None:
            raise ValidationError({"paid_on": _("Give the date the fees were paid.")}, code="paid_on")
        problem = date_problem(paid_on, today=timezone.localdate())
        if problem:
            raise ValidationError({"paid_on": problem}, code="paid_on")
    created = updated = removed = 0
    for cell, payment, amount in writes:
        if amount is None:
            payment.delete()
            removed += 1
            continue
        if payment is None:
            payment = FeePayment(membership_id=cell.membership_id, year=year, month=cell.month)
            created += 1
        else:
            updated += 1
        payment.amount, payment.paid_on, payment.collected_by = amount, paid_on, collected_by.strip()
        payment.recorded_by = user
        payment.full_clean()
        payment.save()
    return GridResult(created=created, updated=updated, removed=removed)


@transaction.atomic
def assign_category(*, membership: Membership, category: FeeCategory, valid_from: datetime.date) -> CategoryAssignment:
    """From ``valid_from`` on, the membership pays in ``category`` (until its next assignment)."""
    if category.organization_id != membership.organization_id:
        raise ValidationError(
            {"category": _("This category belongs to another organization.")}, code="other_organization"
        )
    if CategoryAssignment.objects.filter(membership=membership, valid_from=valid_from).exists():
        raise ValidationError(
            {
                "valid_from": _("The member's category already changes on %(date)s.")
                % {"date": valid_from.strftime("%d/%m/%Y")}
            },
            code="duplicate",
        )
    assignment = CategoryAssignment(membership=membership, category=category, valid_from=valid_from)
    assignment.full_clean()
    assignment.save()
    return assignment
