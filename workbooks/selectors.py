"""Reads: the batches a user may see, a page of a batch's row outcomes, and exports."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from areas.models import Area, AreaLevel
from branches.models import Branch, Organization
from members.models import Membership

from . import storage
from .columns import BRANCH_KIND_DISPLAY, GENDER_DISPLAY, STATUS_DISPLAY
from .models import BLOB_FIELDS, ImportBatch
from .personal import HIDDEN_DATE, OutcomeMask, mask_number
from .plan import Outcome

PAGE_SIZE = 100
# Refused rows first, then the rows that change something, then the others.
STATUS_ORDER = {Outcome.REFUSED: 0, Outcome.CREATED: 1, Outcome.UPDATED: 2, Outcome.UNCHANGED: 3}


def batches_for(user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.visible_to(user).select_related("created_by").defer(*BLOB_FIELDS)


@dataclass
class OutcomeRow:
    number: int
    status: str
    label: str
    messages: list
    changes: list

    @property
    def status_label(self) -> str:
        return Outcome(self.status).label


def outcome_rows(batch: ImportBatch, *, personal: bool, status: str | None = None) -> list[OutcomeRow]:
    """The batch's row outcomes; CCCD, phone and Party dates masked unless ``personal`` (``workbooks.personal``)."""
    rows = [OutcomeRow(*row) for row in storage.unpack(batch.rows, typed=False) or []]
    if status:
        rows = [row for row in rows if row.status == status]
    rows.sort(key=lambda row: (STATUS_ORDER.get(row.status, 9), row.number))
    if not personal:
        mask = OutcomeMask(batch.kind)
        for row in rows:
            row.changes, row.messages = mask.changes(row.changes), mask.messages(row.messages)
    return rows


def outcome_page(batch: ImportBatch, *, personal: bool, page: int | str = 1, status: str | None = None) -> Page:
    return Paginator(outcome_rows(batch, personal=personal, status=status), PAGE_SIZE).get_page(page)


# --- what an export may be limited to ---------------------------------------------------------


def export_organizations(user) -> QuerySet[Organization]:
    """The organizations that have open branches the user sees."""
    branches = Branch.objects.visible_to(user).filter(organization=OuterRef("pk"), dissolved_on__isnull=True)
    return Organization.objects.filter(Exists(branches)).order_by("sort_order", "code")


def export_areas(user, *, on: datetime.date) -> QuerySet[Area]:
    """The areas the user sees that are in force on ``on``, down to the communes (not the hamlets), in tree order.

    Someone who sees the whole country is offered the provinces that hold branches and what lies in them.
    """
    areas = Area.objects.visible_to(user).in_force_on(on).exclude(level=AreaLevel.HAMLET)
    if user.sees_everything:
        holding = Branch.objects.filter(area__path__startswith=OuterRef("path"))
        provinces = list(areas.filter(Exists(holding), level=AreaLevel.PROVINCE).values_list("path", flat=True))
        within = Q()
        for path in provinces:
            within |= Q(path__startswith=path)
        areas = areas.filter(within) if provinces else areas.none()
    return areas.order_by("path")


def names_above(user, areas: QuerySet[Area]) -> dict[str, str]:
    """By path, the names of the units the ``areas`` lie in, those above the user's own area included (one query)."""
    units = areas.filter(level__in=(AreaLevel.PROVINCE, AreaLevel.DISTRICT))
    if user.area_id is not None:
        units = units | Area.objects.filter(path__in=user.area.ancestor_paths())
    return {area.path: area.full_name for area in units.only("path", "unit_type", "name")}


# --- exports in the templates' layout ---------------------------------------------------------


def branches_for_export(user, *, organization: str | None = None, area_path: str | None = None) -> Iterator[list]:
    queryset = Branch.objects.visible_to(user).filter(dissolved_on__isnull=True)
    if organization:
        queryset = queryset.filter(organization__code=organization)
    if area_path:
        queryset = queryset.filter(area__path__startswith=area_path)
    return branch_rows(queryset)


def branch_rows(queryset: QuerySet[Branch]) -> Iterator[list]:
    """Branches in the layout of the branches template."""
    fields = ("code", "name", "organization__short_name", "area__code", "kind", "founded_on")
    for code, name, org, area, kind, founded in (
        queryset.order_by("area__path", "code").values_list(*fields).iterator(chunk_size=2000)
    ):
        yield [code, name, org, area, BRANCH_KIND_DISPLAY.get(kind, kind), founded]


def members_for_export(
    user, *, organization: str | None = None, area_path: str | None = None, branch: str | None = None
) -> Iterator[list]:
    """One row per open membership in the user's area; personal values only for those who may change people."""
    queryset = Membership.objects.visible_to(user).filter(ended_on__isnull=True)
    if organization:
        queryset = queryset.filter(organization__code=organization)
    if area_path:
        queryset = queryset.filter(branch__area__path__startswith=area_path)
    if branch:
        queryset = queryset.filter(branch__code=branch)
    return member_rows(queryset, personal=user.can_edit)


def member_rows(queryset: QuerySet[Membership], *, personal: bool) -> Iterator[list]:
    """Open memberships in the layout of the members template; CCCD, phone and Party date only if ``personal``.

    For readers they are masked (``0870•••••234``, ``••/••/••••``), as the pages show them: enough
    to tell two rows apart. The import reads a masked cell as a blank one, which leaves the stored
    value (``workbooks.table``), so an editor re-importing a reader's export changes nothing either.
    """
    queryset = queryset.filter(ended_on__isnull=True)
    fields = (
        "person__full_name",
        "person__birth_date",
        "person__birth_year",
        "person__gender",
        "person__ethnicity",
        "person__religion",
        "person__cccd",
        "person__phone",
        "person__education",
        "person__occupation",
        "joined_on",
        "person__party_joined_on",
        "branch__code",
        "status",
        "note",
    )
    ordered = queryset.order_by("branch__area__path", "branch__code", "person__sort_key", "pk")
    for number, row in enumerate(ordered.values_list(*fields).iterator(chunk_size=2000), start=1):
        (name, birth_date, birth_year, gender, ethnicity, religion, cccd, phone, education, occupation) = row[:10]
        joined, party, code, status, note = row[10:]
        yield [
            number,
            name,
            birth_date or birth_year,
            GENDER_DISPLAY.get(gender, gender),
            ethnicity,
            religion,
            (cccd or "") if personal else mask_number(cccd),
            phone if personal else mask_number(phone),
            education,
            occupation,
            joined,
            party if personal or not party else HIDDEN_DATE,
            code,
            STATUS_DISPLAY.get(status, status),
            note,
        ]
