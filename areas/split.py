"""A hamlet split into new hamlets from a date (a tổ dân phố divided in two, say).

The hamlet ends the day before; the new hamlets begin in its commune on the date, and each
of its branches is placed on the new hamlet the plan names (through the branches'
participant, as in the reform). Its past stays its own: the placements are closed, never
rewritten. Its targets stay with it (a hamlet's population does not divide by itself):
the new hamlets' targets are entered for them. Undone like the reform.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .models import Area, AreaLevel, AreaPlacement, Reorganization, ReorganizationKind, Succession, SuccessionKind
from .reorganization import Moves, participants


@dataclass
class HamletSplitPlan:
    hamlet: Area
    effective_on: datetime.date
    new_hamlets: list[Area]  # unsaved
    branches: dict[str, str]  # branch code -> new hamlet code

    def data(self) -> dict:
        return {
            "effective_on": self.effective_on.isoformat(),
            "hamlet": {"code": self.hamlet.code, "name": self.hamlet.full_name},
            "new_hamlets": [
                {
                    "code": area.code,
                    "name": area.full_name,
                    "branches": sorted(code for code, to in self.branches.items() if to == area.code),
                }
                for area in self.new_hamlets
            ],
        }


def plan_hamlet_split(
    *, hamlet: Area, effective_on: datetime.date, names: dict[str, str], branches: dict[str, str]
) -> HamletSplitPlan:
    """The dry run: ``names`` the new hamlets (code -> name), ``branches`` where each branch of the
    hamlet goes (code -> new hamlet code). ``ValidationError`` naming every reason it cannot be done."""
    errors = []
    day = effective_on.strftime("%d/%m/%Y")
    if hamlet.level != AreaLevel.HAMLET:
        errors.append(_("%(area)s is not a hamlet: only hamlets are split here.") % {"area": hamlet})
    elif not hamlet.in_force_on(effective_on) or (hamlet.valid_from and hamlet.valid_from >= effective_on):
        errors.append(_("%(area)s is not in force on %(date)s and before it.") % {"area": hamlet, "date": day})
    if len(names) < 2:
        errors.append(_("A split needs at least two new hamlets."))
    new_hamlets = []
    for code, name in names.items():
        area = Area.hamlet_in(hamlet.parent, code=code, name=name, unit_type=hamlet.unit_type, valid_from=effective_on)
        try:
            area.full_clean(exclude=["path"])
        except ValidationError as error:
            errors += [f"{code}: {message}" for message in error.messages]
        new_hamlets.append(area)
    for code, to in sorted(branches.items()):
        if to not in names:
            errors.append(
                _("Branch %(branch)s goes to %(code)s, which is not a new hamlet.") % {"branch": code, "code": to}
            )
    if AreaPlacement.objects.filter(area=hamlet, valid_to__isnull=True, valid_from__gte=effective_on).exists():
        errors.append(
            _("%(area)s moved on or after %(date)s: the split must come after it.") % {"area": hamlet, "date": day}
        )
    for participant in participants().values():
        errors += participant.merge_blockers(area_ids=[hamlet.pk], on=effective_on)
        errors += participant.split_blockers(area=hamlet, assigned=set(branches))
    if errors:
        raise ValidationError(errors, code="split")
    return HamletSplitPlan(hamlet=hamlet, effective_on=effective_on, new_hamlets=new_hamlets, branches=branches)


@transaction.atomic
def split_hamlet(*, plan: HamletSplitPlan, user=None) -> Reorganization:
    hamlet = Area.objects.select_for_update().get(pk=plan.hamlet.pk)
    if hamlet.valid_to is not None:
        raise ValidationError(_("%(area)s has ended already.") % {"area": hamlet})
    event = Reorganization.objects.create(
        kind=ReorganizationKind.HAMLET_SPLIT,
        effective_on=plan.effective_on,
        provinces=[area.code for area in hamlet.ancestors() if area.level == AreaLevel.PROVINCE],
        created_by=user,
    )
    history = {"default_user": user, "default_change_reason": f"reorganisation #{event.pk}"}
    for area in plan.new_hamlets:
        area.save()  # with its first placement, from the effective date
    AreaPlacement.objects.filter(area__in=plan.new_hamlets).update(opened_by=event)
    hamlet.valid_to, hamlet.successor_path = plan.effective_on, hamlet.parent.path  # divided: its commune holds all
    hamlet.version += 1
    bulk_update_with_history([hamlet], Area, ["valid_to", "successor_path", "version"], **history)
    AreaPlacement.objects.filter(area=hamlet, valid_to__isnull=True).update(
        valid_to=plan.effective_on, closed_by=event
    )
    Succession.objects.bulk_create(
        [
            Succession(event=event, predecessor=hamlet, successor=area, kind=SuccessionKind.SPLIT, is_default=i == 0)
            for i, area in enumerate(plan.new_hamlets)
        ]
    )
    by_code = {area.code: area for area in plan.new_hamlets}
    moves = Moves(
        effective_on=plan.effective_on,
        successors={hamlet.pk: plan.new_hamlets[0]},
        divided={hamlet.pk},
        branch_areas={code: by_code[to] for code, to in plan.branches.items()},
    )
    log: dict = {"areas": {"created": [area.pk for area in plan.new_hamlets], "restarted": []}}
    for name, participant in participants().items():
        log[name] = participant.apply(event=event, moves=moves)
    event.summary, event.undo_log = plan.data(), log
    event.save(update_fields=["summary", "undo_log"])
    return event
