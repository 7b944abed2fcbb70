"""Hamlets (ấp, khóm …) under the communes of the user's area."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel, AreaPlacement, code_validator

from ..columns import HAMLET_TYPE_LABELS
from ..models import ImportKind
from ..plan import Outcome, display
from .base import Planner, chunks

TYPE_DISPLAY = {code: label for label, code in HAMLET_TYPE_LABELS.items()}


class AreaPlanner(Planner):
    kind = ImportKind.AREAS
    order = [Area, AreaPlacement]

    def build(self, rows, results, writes):
        commune_codes = {row.values["commune_code"] for row in rows if "commune_code" in row.values}
        communes = self.visible_areas(commune_codes)
        ended = self.ended_units(commune_codes - communes.keys())
        codes = {row.values["hamlet_code"] for row in rows if "hamlet_code" in row.values}
        existing: dict[str, Area] = {}
        for chunk in chunks(codes):
            # A hamlet's key is its code; a unit of the first structure has the same key.
            for area in Area.objects.filter(key__in=chunk):
                existing[area.key] = area
        visible = set(self.visible_areas(existing).keys())
        seen: dict[str, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = values.get("hamlet_code", "")
            if self.missing(row, result, "commune_code", "hamlet_code", "name", "unit_type"):
                continue
            commune = communes.get(values["commune_code"])
            if values["commune_code"] in ended:
                result.refuse(self.header("commune_code"), ended[values["commune_code"]])
                continue
            if commune is None or commune.level != AreaLevel.COMMUNE:
                result.refuse(
                    self.header("commune_code"),
                    _("No commune with the code “%(code)s” in your area.") % {"code": values["commune_code"]},
                )
                continue
            code = values["hamlet_code"]
            try:
                code_validator(code)
            except ValidationError as error:
                result.refuse(self.header("hamlet_code"), error.messages[0])
                continue
            if code in seen:
                result.refuse(self.header("hamlet_code"), _("The same code is on row %(row)d.") % {"row": seen[code]})
                continue
            seen[code] = row.number
            if result.status == Outcome.REFUSED:
                continue
            area = existing.get(code)
            if area is None:
                hamlet = writes.create(
                    Area.hamlet_in(commune, code=code, name=values["name"], unit_type=values["unit_type"])
                )
                writes.create(AreaPlacement.first_of(hamlet))
                self.mark(result, Outcome.CREATED)
                continue
            if code not in visible:
                result.refuse(self.header("hamlet_code"), _("This code is already used outside your area."))
                continue
            if area.level != AreaLevel.HAMLET or area.parent_id != commune.pk:
                result.refuse(
                    self.header("hamlet_code"),
                    _("This code belongs to another area (%(area)s); an import does not move areas.") % {"area": area},
                )
                continue
            for key in ("name", "unit_type"):
                if getattr(area, key) != values[key]:
                    shown = TYPE_DISPLAY if key == "unit_type" else {}
                    result.changes.append(
                        [
                            self.header(key),
                            shown.get(getattr(area, key), display(getattr(area, key))),
                            shown.get(values[key], values[key]),
                        ]
                    )
            if writes.update(area, name=values["name"], unit_type=values["unit_type"]):
                self.mark(result, Outcome.UPDATED)
