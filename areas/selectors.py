"""Reads of the area tree through time: which unit a code names on a date, and the tree of a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Area, AreaLevel, AreaPlacement, Succession, SuccessionKind, in_force_q

DAY = datetime.timedelta(days=1)


def nearest_day(area: Area, on: datetime.date) -> datetime.date:
    """``on`` if the area was in force that day, else the nearest day it was (its first or last)."""
    if area.valid_from is not None and on < area.valid_from:
        return area.valid_from
    if area.valid_to is not None and on >= area.valid_to:
        return area.valid_to - DAY
    return on


def resolve_code(
    code: str, *, on: datetime.date, structure: str | None = None, areas: QuerySet[Area] | None = None
) -> Area | None:
    """The area ``code`` names on a date, in a structure if one is given.

    The unit in force that day; of two in force (both structures loaded, the reform not
    applied yet), the one in force the longest, where the data still lies; if none was in
    force that day, the one nearest in time. Hamlets answer to their code in any structure.
    """
    candidates = (areas if areas is not None else Area.objects.all()).filter(code=code)
    if structure:
        candidates = candidates.filter(Q(structure=structure) | Q(structure=""))

    def distance(area: Area) -> tuple:
        day = nearest_day(area, on)
        return (abs((day - on).days), area.valid_from or datetime.date.min, area.level != AreaLevel.HAMLET)

    found = sorted(candidates, key=distance)
    return found[0] if found else None


def placement_on(area: Area, on: datetime.date) -> AreaPlacement | None:
    """Where the area sat on a date (its parent and path then)."""
    return AreaPlacement.objects.filter(in_force_q(on), area=area).first()


def ancestors_on(area: Area, on: datetime.date) -> list[Area]:
    """From the province down to ``area`` as the tree stood on a date (two queries)."""
    placement = placement_on(area, on)
    if placement is None:
        return list(area.ancestors())
    keys = placement.path.strip("/").split("/")
    return sorted(Area.objects.filter(key__in=keys), key=lambda ancestor: keys.index(ancestor.key))


def predecessors(area: Area) -> list[Area]:
    """The old units a unit received in the reorganisation that began it (one query)."""
    successions = Succession.objects.filter(successor=area, event__undone_at__isnull=True).select_related(
        "predecessor"
    )
    return sorted({s.predecessor for s in successions}, key=lambda old: old.path)


def holder_now(area: Area) -> Area | None:
    """For an area that ended: the area in force that holds everything it held, or None."""
    if not area.successor_path:
        return None
    return Area.objects.filter(path=area.successor_path).first()


def default_successors(areas: Iterable[Area]) -> dict[int, Succession]:
    """Each ended area's default successor in the reorganisation that ended it (one query)."""
    successions = (
        Succession.objects.filter(
            predecessor__in=[area.pk for area in areas], is_default=True, event__undone_at__isnull=True
        )
        .select_related("successor", "event")
        .order_by("event__effective_on")
    )
    return {succession.predecessor_id: succession for succession in successions}


BECAME = gettext_lazy("%(area)s (%(code)s) became %(successor)s (%(successor_code)s) from %(date)s.")
ENDED_MESSAGES = {
    SuccessionKind.MERGED: gettext_lazy(
        "%(area)s (%(code)s) was merged into %(successor)s (%(successor_code)s) from %(date)s."
    ),
    SuccessionKind.RENAMED: BECAME,
    SuccessionKind.UNCHANGED: BECAME,
    SuccessionKind.SPLIT: gettext_lazy(
        "%(area)s (%(code)s) was divided from %(date)s, most of it into %(successor)s (%(successor_code)s)."
    ),
}


def ended_message(area: Area, succession: Succession | None) -> str:
    """What became of an area that ended: "Xã Tân Quới (30133) đã sáp nhập vào Xã Tân Long (30154) từ 01/07/2025"."""
    if succession is None:
        return _("%(area)s (%(code)s) ended on %(date)s.") % {
            "area": area.full_name,
            "code": area.code,
            "date": area.last_day.strftime("%d/%m/%Y"),
        }
    return ENDED_MESSAGES[succession.kind] % {
        "area": area.full_name,
        "code": area.code,
        "successor": succession.successor.full_name,
        "successor_code": succession.successor.code,
        "date": succession.event.effective_on.strftime("%d/%m/%Y"),
    }
