"""Hamlets merged into one from a date: a dated reorganisation of the smallest units.

The merged hamlets end the day before the effective date and the surviving hamlet holds
what they held from then on: their branches (through the apps' participants, as in the
reform) and the targets of the years that begin after it. Nothing of the past changes:
their placements are closed, never rewritten, so a report of an earlier date reads the
tree it read before. Undone like the reform (``reform.undo_reorganization``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .models import Area, AreaLevel, AreaPlacement, Reorganization, ReorganizationKind, Succession, SuccessionKind
from .reorganization import Moves, participants


@dataclass
class HamletMergePlan:
    into: Area
    hamlets: list[Area]
    effective_on: datetime.date
    moves: Moves
    # Per hamlet id, the figures that move with it (branches, current memberships).
    counts: dict[int, dict[str, int]] = field(default_factory=dict)

    def data(self) -> dict:
        """What the dry run shows (``--format json``) and what the event keeps."""

        def named(area: Area) -> dict:
            return {"code": area.code, "name": area.full_name}

        merged = [
            {
                **named(hamlet),
                "commune": named(hamlet.parent),
                "branches": self.counts.get(hamlet.pk, {}).get("branches", 0),
                "memberships": self.counts.get(hamlet.pk, {}).get("memberships", 0),
            }
            for hamlet in self.hamlets
        ]
        return {
            "effective_on": self.effective_on.isoformat(),
            "into": {**named(self.into), "commune": named(self.into.parent)},
            "merged": merged,
            "branches": sum(entry["branches"] for entry in merged),
            "memberships": sum(entry["memberships"] for entry in merged),
        }


def _day(on: datetime.date) -> str:
    return on.strftime("%d/%m/%Y")


def plan_hamlet_merge(*, into: Area, hamlets: list[Area], effective_on: datetime.date) -> HamletMergePlan:
    """The dry run of merging ``hamlets`` into ``into`` from ``effective_on``; ``ValidationError``
    naming every reason it cannot be done."""
    errors = []
    hamlets = sorted({hamlet.pk: hamlet for hamlet in hamlets if hamlet.pk != into.pk}.values(), key=lambda a: a.path)
    if not hamlets:
        errors.append(_("Choose at least one hamlet to merge into %(area)s.") % {"area": into})
    if into.valid_to is not None:
        errors.append(_("%(area)s has ended: hamlets are merged into a hamlet in force.") % {"area": into})
    for area in [into, *hamlets]:
        if area.level != AreaLevel.HAMLET:
            errors.append(_("%(area)s is not a hamlet: only hamlets are merged here.") % {"area": area})
        elif area.valid_to is not None and area.pk == into.pk:
            continue  # said above
        elif not area.in_force_on(effective_on):
            errors.append(_("%(area)s is not in force on %(date)s.") % {"area": area, "date": _day(effective_on)})
        elif area.valid_from is not None and area.valid_from >= effective_on:
            errors.append(
                _("%(area)s began on %(date)s: the merge must come after it began.")
                % {"area": area, "date": _day(area.valid_from)}
            )
    # The merge closes today's placements: one opened on or after the date would be left empty.
    later = AreaPlacement.objects.filter(area__in=hamlets, valid_to__isnull=True, valid_from__gte=effective_on)
    for placement in later.select_related("area"):
        errors.append(
            _("%(area)s moved on %(date)s: the merge must come after it.")
            % {"area": placement.area, "date": _day(placement.valid_from)}
        )
    for participant in participants().values():
        errors += participant.merge_blockers(area_ids=[hamlet.pk for hamlet in hamlets], on=effective_on)
    if errors:
        raise ValidationError(errors, code="merge")

    moves = Moves(effective_on=effective_on, successors={hamlet.pk: into for hamlet in hamlets})
    result = HamletMergePlan(into=into, hamlets=hamlets, effective_on=effective_on, moves=moves)
    for participant in participants().values():
        for area_id, figures in participant.counts(area_ids=[hamlet.pk for hamlet in hamlets]).items():
            result.counts.setdefault(area_id, {}).update(figures)
    return result


@transaction.atomic
def merge_hamlets(*, plan: HamletMergePlan, user=None) -> Reorganization:
    """Carry out a plan from ``plan_hamlet_merge``: the merged hamlets end, the surviving one
    takes what sat on them."""
    # Checked again under the lock of the hamlets: two administrators merging the same hamlet.
    locked = list(Area.objects.select_for_update().filter(pk__in=[plan.into.pk, *(h.pk for h in plan.hamlets)]))
    plan = plan_hamlet_merge(
        into=next(a for a in locked if a.pk == plan.into.pk),
        hamlets=[a for a in locked if a.pk != plan.into.pk],
        effective_on=plan.effective_on,
    )
    event = Reorganization.objects.create(
        kind=ReorganizationKind.HAMLET_MERGE,
        effective_on=plan.effective_on,
        provinces=[area.code for area in plan.into.ancestors() if area.level == AreaLevel.PROVINCE],
        created_by=user,
    )
    history = {"default_user": user, "default_change_reason": f"reorganisation #{event.pk}"}
    # Hamlets merged earlier into these now belong, like them, to the survivor.
    earlier = list(Area.objects.filter(successor_path__in=[hamlet.path for hamlet in plan.hamlets]))
    log: dict = {"areas": {"created": [], "restarted": [], "successors": [[a.pk, a.successor_path] for a in earlier]}}
    for hamlet in plan.hamlets:
        hamlet.valid_to = plan.effective_on
        hamlet.version += 1
    for area in [*plan.hamlets, *earlier]:
        area.successor_path = plan.into.path
    bulk_update_with_history([*plan.hamlets, *earlier], Area, ["valid_to", "successor_path", "version"], **history)
    placements = list(AreaPlacement.objects.filter(area__in=plan.hamlets, valid_to__isnull=True))
    for placement in placements:
        placement.valid_to, placement.closed_by = plan.effective_on, event
    bulk_update_with_history(placements, AreaPlacement, ["valid_to", "closed_by"], **history)
    Succession.objects.bulk_create(
        [Succession(event=event, predecessor=h, successor=plan.into, kind=SuccessionKind.MERGED) for h in plan.hamlets]
    )
    for name, participant in participants().items():
        log[name] = participant.apply(event=event, moves=plan.moves)
    event.summary, event.undo_log = plan.data(), log
    event.save(update_fields=["summary", "undo_log"])
    return event
