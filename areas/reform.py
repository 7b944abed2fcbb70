"""The 2025 reform as a dated event: its plan (the dry run), applying it, undoing it.

Applying ends the old provinces, districts and communes the day before the effective
date, begins the 2025 units of the provinces concerned (the whole new provinces, from the
committed file), moves every hamlet of an old commune into its successor (a hamlet of a
split commune into the commune the plan names, else the default successor), records the
successions, and lets the apps above move what sits on the units (``reorganization``).
Nothing of the past is rewritten: old placements are closed, never changed, so a report
of an earlier date reads the tree it read before.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import (
    Area,
    AreaLevel,
    AreaPlacement,
    Reorganization,
    ReorganizationKind,
    Structure,
    Succession,
)
from .official import Successor, read_official_units, successors_2025
from .reorganization import Moves, participants

OLD_LEVELS = (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE)
# What the progress bar says while each app moves its part (``reorganization.register`` names).
PARTICIPANT_STAGES = {
    "branches": gettext_lazy("Moving the branches"),
    "members": gettext_lazy("Moving the targets"),
    "accounts": gettext_lazy("Moving the accounts"),
}
BATCH_SIZE = 500


@dataclass
class HamletMove:
    hamlet: Area
    old_commune: Area
    new_commune: Area
    # The successors of a split commune, the default first; empty when the commune has one.
    candidates: tuple[Area, ...] = ()
    from_plan: bool = False


@dataclass
class ReformPlan:
    """What applying the reform would do. The new units not created yet are unsaved ``Area`` s."""

    effective_on: datetime.date
    old_provinces: list[Area] = field(default_factory=list)
    already: list[Area] = field(default_factory=list)  # old provinces a reorganisation ended before
    new_units: list[Area] = field(default_factory=list)  # parents first
    ending: list[Area] = field(default_factory=list)
    successions: list[tuple[Area, Area, Successor]] = field(default_factory=list)
    hamlets: list[HamletMove] = field(default_factory=list)
    moves: Moves | None = None
    # Where each ending unit's past belongs (``Area.successor_path``), by primary key.
    successor_paths: dict[int, str] = field(default_factory=dict)
    created_ids: set[int] = field(default_factory=set)  # once applied: the new units it created
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    review: list[dict] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.ending

    @property
    def to_review(self) -> list[HamletMove]:
        return [move for move in self.hamlets if move.candidates]


def _lowest_common_path(paths: list[str]) -> str:
    """The path of the nearest area holding all of ``paths``."""
    parts = [path.strip("/").split("/") for path in paths]
    common = []
    for keys in zip(*parts, strict=False):
        if len(set(keys)) != 1:
            break
        common.append(keys[0])
    return "/" + "".join(f"{key}/" for key in common) if common else ""


# --- the plan --------------------------------------------------------------------------------


def _old_provinces(province_codes: list[str] | None) -> list[Area]:
    provinces = Area.objects.filter(level=AreaLevel.PROVINCE, structure=Structure.PRE_2025)
    if province_codes:
        found = {province.code: province for province in provinces.filter(code__in=province_codes)}
        unknown = sorted(set(province_codes) - found.keys())
        if unknown:
            raise ValidationError(
                _("No province of the structure before 2025 has the code %(codes)s."),
                params={"codes": ", ".join(unknown)},
                code="unknown_province",
            )
        return sorted(found.values(), key=lambda province: province.code)
    # By default, every old province that holds hamlets (where the data lies).
    with_data = [
        province
        for province in provinces.order_by("code")
        if Area.objects.filter(path__startswith=province.path, level=AreaLevel.HAMLET).exists()
    ]
    return with_data


def _check_date(effective_on: datetime.date, provinces: list[Area]) -> None:
    last = Reorganization.objects.filter(undone_at__isnull=True, effective_on__gt=effective_on).first()
    if last is not None:
        raise ValidationError(
            _("The effective date %(date)s is before the last reorganisation (%(last)s)."),
            params={"date": effective_on.strftime("%d/%m/%Y"), "last": last.effective_on.strftime("%d/%m/%Y")},
            code="before_last",
        )
    started = [p for p in provinces if p.valid_from is not None and p.valid_from >= effective_on]
    if started:
        raise ValidationError(
            _("%(area)s only came into force on %(date)s."),
            params={"area": started[0].full_name, "date": started[0].valid_from.strftime("%d/%m/%Y")},
            code="before_start",
        )


def _successors(area: Area, successions: dict) -> tuple[Successor, ...]:
    found = successions.get((area.level, area.code), ())
    if not found and area.level != AreaLevel.DISTRICT:
        raise ValidationError(
            _("The succession file says nothing of %(area)s (%(code)s)."),
            params={"area": area.full_name, "code": area.code},
            code="no_successor",
        )
    return found


def _new_units(new_province_codes: set[str]) -> list[Area]:
    """Every 2025 unit of the new provinces: the loaded ones, and unsaved ones for the rest."""
    units = [u for u in read_official_units(structure=Structure.FROM_2025) if u.province_code in new_province_codes]
    existing = {
        area.code: area
        for area in Area.objects.filter(structure=Structure.FROM_2025, code__in=[u.code for u in units])
    }
    areas: dict[str, Area] = {}
    for unit in units:
        area = existing.get(unit.code)
        if area is None:
            area = Area(
                code=unit.code,
                structure=Structure.FROM_2025,
                key=unit.key,
                path=unit.path,
                level=unit.level,
                unit_type=unit.unit_type,
                name=unit.name,
                parent=areas.get(unit.parent_code),
            )
        areas[unit.code] = area
    return list(areas.values())


def plan_reform(
    *, effective_on: datetime.date, province_codes: list[str] | None = None, plan: dict[str, str] | None = None
) -> ReformPlan:
    """The dry run: what applying the reform would do; ``ValidationError`` on bad input.

    ``plan`` maps hamlet codes of split communes to the code of the new commune chosen.
    """
    plan = plan or {}
    successions = successors_2025()
    chosen = _old_provinces(province_codes)
    result = ReformPlan(effective_on=effective_on, already=[p for p in chosen if p.valid_to is not None])
    chosen = [p for p in chosen if p.valid_to is None]
    if not chosen:
        if plan:
            raise ValidationError(_("The plan names hamlets, but there is nothing to reorganise."), code="plan")
        return result
    new_codes = {_successors(province, successions)[0].new_code for province in chosen}
    # A new province begins once: every old province it receives ends with it.
    related = Area.objects.filter(level=AreaLevel.PROVINCE, structure=Structure.PRE_2025, valid_to__isnull=True)
    result.old_provinces = sorted(
        {p.pk: p for p in [*chosen, *related] if _successors(p, successions)[0].new_code in new_codes}.values(),
        key=lambda province: province.code,
    )
    _check_date(effective_on, result.old_provinces)

    result.new_units = _new_units(new_codes)
    new_by_key = {(area.level == AreaLevel.PROVINCE, area.code): area for area in result.new_units}
    inside = Q()
    for province in result.old_provinces:
        inside |= Q(path__startswith=province.path)
    ending = Area.objects.filter(inside, level__in=OLD_LEVELS, valid_to__isnull=True)
    result.ending = list(ending.select_related("parent").order_by("path"))
    moves = Moves(effective_on=effective_on)
    successors_of: dict[int, list[Area]] = {}
    for area in result.ending:
        found = _successors(area, successions)
        successors_of[area.pk] = [new_by_key[(area.level == AreaLevel.PROVINCE, s.new_code)] for s in found]
        result.successions += [(area, new_by_key[(area.level == AreaLevel.PROVINCE, s.new_code)], s) for s in found]
        if len(found) == 1:
            moves.successors[area.pk] = successors_of[area.pk][0]
        elif found:
            moves.successors[area.pk] = successors_of[area.pk][0]  # the default
            moves.divided.add(area.pk)
        else:  # a district: it is succeeded through its communes
            moves.divided.add(area.pk)
    result.moves = moves
    _plan_hamlets(result, successors_of, plan)
    _successor_paths(result, successors_of)

    area_ids = [move.hamlet.pk for move in result.hamlets] + [area.pk for area in result.ending]
    for participant in participants().values():
        for area_id, figures in participant.counts(area_ids=area_ids).items():
            result.counts.setdefault(area_id, {}).update(figures)
        result.review += participant.review(moves=moves)
    return result


def _plan_hamlets(result: ReformPlan, successors_of: dict[int, list[Area]], plan: dict[str, str]) -> None:
    communes = {area.pk: area for area in result.ending if area.level == AreaLevel.COMMUNE}
    hamlets = Area.objects.filter(level=AreaLevel.HAMLET, parent_id__in=communes, valid_to__isnull=True).order_by(
        "path"
    )
    late = AreaPlacement.objects.filter(area__in=hamlets, valid_to__isnull=True, valid_from__gte=result.effective_on)
    if late.exists():
        raise ValidationError(
            _("Some hamlets were already moved on or after %(date)s; undo that first."),
            params={"date": result.effective_on.strftime("%d/%m/%Y")},
            code="moved_later",
        )
    unused = dict(plan)
    for hamlet in hamlets:
        old = communes[hamlet.parent_id]
        candidates = successors_of[old.pk]
        move = HamletMove(hamlet=hamlet, old_commune=old, new_commune=candidates[0])
        if len(candidates) > 1:
            move.candidates = tuple(candidates)
            code = unused.pop(hamlet.code, None)
            if code is not None:
                picked = next((area for area in candidates if area.code == code), None)
                if picked is None:
                    raise ValidationError(
                        _(
                            "The plan puts %(hamlet)s (%(code)s) in %(commune)s, which is not a successor of %(old)s: "
                            "choose one of %(choices)s."
                        ),
                        params={
                            "hamlet": hamlet.full_name,
                            "code": hamlet.code,
                            "commune": code,
                            "old": old.full_name,
                            "choices": ", ".join(f"{area.full_name} ({area.code})" for area in candidates),
                        },
                        code="plan",
                    )
                move.new_commune, move.from_plan = picked, True
        result.hamlets.append(move)
        result.moves.hamlets[hamlet.pk] = move.new_commune
    if unused:
        raise ValidationError(
            _("The plan names hamlets that are not in a divided commune of these provinces: %(codes)s."),
            params={"codes": ", ".join(sorted(unused))},
            code="plan",
        )


def _successor_paths(result: ReformPlan, successors_of: dict[int, list[Area]]) -> None:
    """Where each ending unit's past belongs: the nearest new unit holding all its successors
    (for a divided commune, all its candidates, wherever the plan sends its hamlets)."""
    paths: dict[int, list[str]] = {area.pk: [s.path for s in successors_of[area.pk]] for area in result.ending}
    # A district (or a province) holds what its communes became; deepest first so each
    # parent sees its children's successors.
    for area in sorted(result.ending, key=lambda a: -a.path.count("/")):
        if area.parent_id in paths:
            paths[area.parent_id] += paths[area.pk]
    result.successor_paths = {pk: _lowest_common_path(found) for pk, found in paths.items() if found}


# --- applying it -----------------------------------------------------------------------------


@transaction.atomic
def apply_reform(
    result: ReformPlan, *, user=None, plan_name: str = "", plan_sha256: str = "", progress=None
) -> Reorganization | None:
    """Carry out a plan from ``plan_reform``; None when there was nothing to do.

    ``progress(stage, done, total)`` hears of each step (the page's progress bar).
    """
    if result.nothing_to_do:
        return None
    steps = participants()
    total = 4 + len(steps)

    def step(done: int, stage: str) -> None:
        if progress is not None:
            progress(stage, done, total)

    event = Reorganization.objects.create(
        kind=ReorganizationKind.REFORM,
        effective_on=result.effective_on,
        provinces=[province.code for province in result.old_provinces],
        plan_name=plan_name[:255],
        plan_sha256=plan_sha256,
        created_by=user,
    )
    history = {"default_user": user, "default_change_reason": f"reorganisation #{event.pk}"}
    step(0, _("Beginning the new units"))
    log: dict = {"areas": _begin_new_units(result, event, history)}
    result.created_ids = set(log["areas"]["created"])
    step(1, _("Ending the old units"))
    _end_old_units(result, event, history)
    step(2, _("Moving the hamlets"))
    _move_hamlets(result, event, history)
    step(3, _("Recording the successions"))
    Succession.objects.bulk_create(
        [
            Succession(event=event, predecessor=old, successor=new, kind=s.kind, is_default=s.is_default)
            for old, new, s in result.successions
        ],
        batch_size=BATCH_SIZE,
    )
    for done, (name, participant) in enumerate(steps.items(), start=4):
        step(done, PARTICIPANT_STAGES.get(name, _("Moving what sits on the units")))
        log[name] = participant.apply(event=event, moves=result.moves)
    step(total, _("Done"))
    event.summary = reform_data(result)
    event.undo_log = log
    event.save(update_fields=["summary", "undo_log"])
    return event


def _begin_new_units(result: ReformPlan, event: Reorganization, history: dict) -> dict:
    """Create the new units not loaded yet; date the loaded ones from the effective day."""
    effective_on = result.effective_on
    created = [area for area in result.new_units if area.pk is None]
    restarted = [
        [area.pk, area.valid_from.isoformat() if area.valid_from else None]
        for area in result.new_units
        if area.pk is not None and area.valid_from != effective_on
    ]
    for level in (AreaLevel.PROVINCE, AreaLevel.COMMUNE):  # a commune needs its province's primary key
        batch = [area for area in created if area.level == level]
        for area in batch:
            area.valid_from = effective_on
            area.parent_id = area.parent.pk if area.parent else None
        bulk_create_with_history(batch, Area, batch_size=BATCH_SIZE, **history)
    placements = [AreaPlacement.first_of(area) for area in created]
    for placement in placements:
        placement.opened_by = event
    bulk_create_with_history(placements, AreaPlacement, batch_size=BATCH_SIZE, **history)
    if restarted:
        ids = [pk for pk, _before in restarted]
        Area.objects.filter(pk__in=ids).update(valid_from=effective_on, version=F("version") + 1)
        AreaPlacement.objects.filter(area_id__in=ids, valid_to__isnull=True).update(valid_from=effective_on)
    return {"created": [area.pk for area in created], "restarted": restarted}


def _end_old_units(result: ReformPlan, event: Reorganization, history: dict) -> None:
    effective_on = result.effective_on
    for area in result.ending:
        area.valid_to = effective_on
        area.successor_path = result.successor_paths.get(area.pk, "")
        area.version += 1
    bulk_update_with_history(
        result.ending, Area, ["valid_to", "successor_path", "version"], batch_size=BATCH_SIZE, **history
    )
    placements = list(AreaPlacement.objects.filter(area__in=result.ending, valid_to__isnull=True))
    for placement in placements:
        placement.valid_to, placement.closed_by = effective_on, event
    bulk_update_with_history(placements, AreaPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history)


def _move_hamlets(result: ReformPlan, event: Reorganization, history: dict) -> None:
    effective_on = result.effective_on
    hamlets = [move.hamlet for move in result.hamlets]
    closed = list(AreaPlacement.objects.filter(area__in=hamlets, valid_to__isnull=True))
    for placement in closed:
        placement.valid_to, placement.closed_by = effective_on, event
    bulk_update_with_history(closed, AreaPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history)
    opened = []
    for move in result.hamlets:
        hamlet = move.hamlet
        hamlet.parent = move.new_commune
        hamlet.path = hamlet.build_path()
        hamlet.version += 1
        opened.append(
            AreaPlacement(
                area=hamlet,
                parent=move.new_commune,
                path=hamlet.path,
                valid_from=effective_on,
                opened_by=event,
            )
        )
    bulk_update_with_history(hamlets, Area, ["parent", "path", "version"], batch_size=BATCH_SIZE, **history)
    bulk_create_with_history(opened, AreaPlacement, batch_size=BATCH_SIZE, **history)


# --- undoing it ------------------------------------------------------------------------------


def _new_area_ids(event: Reorganization) -> set[int]:
    opened = AreaPlacement.objects.filter(opened_by=event).values_list("parent_id", flat=True)
    successors = Succession.objects.filter(event=event).values_list("successor_id", flat=True)
    new_ids = set(successors) | {pk for pk in opened if pk is not None}
    # The new communes' provinces too.
    return new_ids | set(Area.objects.filter(pk__in=new_ids).exclude(parent=None).values_list("parent_id", flat=True))


def undo_blockers(event: Reorganization) -> list[str]:
    """Why ``event`` can no longer be undone; empty when it can."""
    if event.undone_at is not None:
        return [_("This reorganisation was undone already.")]
    reasons = []
    later = Reorganization.objects.filter(undone_at__isnull=True, created_at__gt=event.created_at)
    if later.exists():
        reasons.append(_("A later reorganisation was applied; undo it first."))
    # A merge of hamlets begins no unit: what its surviving hamlet holds besides was there before.
    if event.kind == ReorganizationKind.REFORM:
        new_ids = _new_area_ids(event)
    else:
        new_ids = set(event.undo_log.get("areas", {}).get("created", []))
    # Official units loaded beforehand sit there too; anything else was added since.
    foreign = AreaPlacement.objects.filter(parent_id__in=new_ids).exclude(opened_by=event)
    foreign = foreign.exclude(area__structure=Structure.FROM_2025)
    if new_ids and foreign.exists():
        reasons.append(_("Areas were added to the new units since; they would have nowhere to go back to."))
    for participant in participants().values():
        reasons += participant.undo_blockers(event=event, new_area_ids=new_ids)
    return reasons


@transaction.atomic
def undo_reorganization(event: Reorganization, *, user=None) -> Reorganization:
    """Restore the tree as it was before ``event``; ``ValidationError`` when something stands in the way."""
    event = Reorganization.objects.select_for_update().get(pk=event.pk)
    reasons = undo_blockers(event)
    if reasons:
        raise ValidationError(reasons, code="undo")
    event.undone_by = user  # the participants record who undid it
    history = {"default_user": user, "default_change_reason": f"undo reorganisation #{event.pk}"}
    log = event.undo_log
    for name, participant in reversed(participants().items()):
        participant.undo(event=event, log=log.get(name, {}))
    Succession.objects.filter(event=event).delete()
    # The hamlets go back to where they were, and the old units come back into force.
    opened = AreaPlacement.objects.filter(opened_by=event)
    reopened = list(AreaPlacement.objects.filter(closed_by=event).select_related("area"))
    # Areas the event both closed and opened a placement of moved; those it only closed ended.
    moved_ids = set(opened.values_list("area_id", flat=True)) & {p.area_id for p in reopened}
    created = set(log["areas"]["created"])
    for placement in list(opened):
        placement.delete()
    areas = []
    for placement in reopened:
        placement.valid_to, placement.closed_by = None, None
        area = placement.area
        if area.pk in moved_ids:
            area.parent_id, area.path = placement.parent_id, placement.path
        else:
            area.valid_to, area.successor_path = None, ""
        area.version += 1
        areas.append(area)
    bulk_update_with_history(reopened, AreaPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history)
    bulk_update_with_history(
        areas, Area, ["parent", "path", "valid_to", "successor_path", "version"], batch_size=BATCH_SIZE, **history
    )
    for pk, successor_path in log["areas"].get("successors", []):  # a merge of hamlets (areas.merge)
        Area.objects.filter(pk=pk).update(successor_path=successor_path)
    for pk, before in log["areas"]["restarted"]:
        valid_from = datetime.date.fromisoformat(before) if before else None
        Area.objects.filter(pk=pk).update(valid_from=valid_from, version=F("version") + 1)
        AreaPlacement.objects.filter(area_id=pk, valid_to__isnull=True).update(valid_from=valid_from)
    # Units the event created go, children first.
    for area in Area.objects.filter(pk__in=created).order_by("-path"):
        area.delete()
    event.undone_at, event.undone_by = timezone.now(), user
    event.save(update_fields=["undone_at", "undone_by"])
    return event


# --- the plan as data ------------------------------------------------------------------------


def _named(area: Area) -> dict:
    return {"code": area.code, "name": area.full_name}


def reform_data(result: ReformPlan) -> dict:
    """What the dry run shows (``--format json``), and what the event keeps of what moved.

    Per new commune: the old communes it receives, and their hamlets, each with the
    branches and current memberships that move with it.
    """

    def figures(area_id: int) -> dict:
        counts = result.counts.get(area_id, {})
        return {"branches": counts.get("branches", 0), "memberships": counts.get("memberships", 0)}

    receives: dict[int, dict[int, dict]] = {}
    for old, new, succession in result.successions:
        if old.level != AreaLevel.COMMUNE:
            continue
        entry = {**_named(old), "kind": succession.kind, "default": succession.is_default, "hamlets": []}
        # What sits on the old commune itself goes to its default successor.
        entry.update(figures(old.pk) if succession.is_default else {"branches": 0, "memberships": 0})
        receives.setdefault(id(new), {})[old.pk] = entry
    for move in result.hamlets:
        hamlet = {**_named(move.hamlet), **figures(move.hamlet.pk), "to_review": bool(move.candidates)}
        hamlet["from_plan"] = move.from_plan
        entry = receives[id(move.new_commune)][move.old_commune.pk]
        entry["hamlets"].append(hamlet)
        for key in ("branches", "memberships"):
            entry[key] += hamlet[key]

    provinces = []
    for province in (area for area in result.new_units if area.level == AreaLevel.PROVINCE):
        communes = []
        for commune in (
            a for a in result.new_units if a.level != AreaLevel.PROVINCE and a.path.startswith(province.path)
        ):
            received = list(receives.get(id(commune), {}).values())
            if not received:
                continue
            communes.append(
                {
                    **_named(commune),
                    "created": commune.pk is None or commune.pk in result.created_ids,
                    "branches": sum(entry["branches"] for entry in received),
                    "memberships": sum(entry["memberships"] for entry in received),
                    "receives": received,
                }
            )
        provinces.append({**_named(province), "communes": communes})
    return {
        "effective_on": result.effective_on.isoformat(),
        "old_provinces": [_named(province) for province in result.old_provinces],
        "already_reorganised": [
            {**_named(province), "until": province.last_day.isoformat()} for province in result.already
        ],
        "new_provinces": provinces,
        "to_review": [
            {
                "hamlet": _named(move.hamlet),
                "old_commune": _named(move.old_commune),
                "new_commune": _named(move.new_commune),
                "candidates": [_named(area) for area in move.candidates],
                "from_plan": move.from_plan,
            }
            for move in result.to_review
        ],
        "review": result.review,
        "ending": len(result.ending),
        "hamlets": len(result.hamlets),
        "new_units": sum(1 for area in result.new_units if area.pk is None or area.pk in result.created_ids),
    }
