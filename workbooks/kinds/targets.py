"""Target populations: eligible people per hamlet, organization and year."""

from __future__ import annotations

from django.utils.translation import gettext as _

from areas.models import AreaLevel
from members.models import TargetPopulation

from ..models import ImportKind
from ..plan import Outcome, display
from .base import Planner, chunks


class TargetPlanner(Planner):
    kind = ImportKind.TARGETS
    order = [TargetPopulation]

    def build(self, rows, results, writes):
        organizations = self.organizations()
        hamlets = self.visible_areas(row.values["hamlet_code"] for row in rows if "hamlet_code" in row.values)
        years = {row.values["year"] for row in rows if "year" in row.values}
        existing = {}
        for chunk in chunks([area.pk for area in hamlets.values()]):
            for target in TargetPopulation.objects.filter(hamlet_id__in=chunk, year__in=years):
                existing[target.hamlet_id, target.organization_id, target.year] = target
        seen: dict[tuple, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = " ".join(str(values.get(key, "")) for key in ("hamlet_code", "year"))
            if self.missing(row, result, "hamlet_code", "organization", "year", "count"):
                continue
            org = self.organization(organizations, row, result)
            hamlet = hamlets.get(values["hamlet_code"])
            if hamlet is None or hamlet.level != AreaLevel.HAMLET:
                result.refuse(
                    self.header("hamlet_code"),
                    _("No hamlet with the code “%(code)s” in your area.") % {"code": values["hamlet_code"]},
                )
            if result.status == Outcome.REFUSED:
                continue
            key = (hamlet.pk, org.pk, values["year"])
            if key in seen:
                result.refuse(
                    self.header("year"),
                    _("The same hamlet, organization and year are on row %(row)d.") % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            target = existing.get(key)
            if target is None:
                writes.create(
                    TargetPopulation(hamlet=hamlet, organization=org, year=values["year"], count=values["count"])
                )
                self.mark(result, Outcome.CREATED)
            elif target.count != values["count"]:
                result.changes.append([self.header("count"), display(target.count), display(values["count"])])
                writes.update(target, count=values["count"])
                self.mark(result, Outcome.UPDATED)
