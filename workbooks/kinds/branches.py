"""Branches (chi đoàn, chi hội) in the hamlets and communes of the user's area."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from areas.models import AreaLevel, AreaPlacement, code_validator
from branches.models import Branch, BranchKind, BranchPlacement

from ..columns import BRANCH_KIND_DISPLAY
from ..models import ImportKind
from ..plan import Outcome, display
from .base import Planner, chunks


class BranchPlanner(Planner):
    kind = ImportKind.BRANCHES
    order = [Branch, BranchPlacement]

    def build(self, rows, results, writes):
        organizations = self.organizations()
        area_codes = {row.values["area_code"] for row in rows if "area_code" in row.values}
        areas = self.visible_areas(area_codes)
        ended = self.ended_units(area_codes - areas.keys())
        codes = {row.values["branch_code"] for row in rows if "branch_code" in row.values}
        existing: dict[str, Branch] = {}
        for chunk in chunks(codes):
            for branch in Branch.objects.filter(code__in=chunk).select_related("area", "organization"):
                existing[branch.code] = branch
        # Where each area has sat: a new branch follows its area's placements.
        area_placements: dict[int, list[AreaPlacement]] = {}
        for chunk in chunks([area.pk for area in areas.values()]):
            for placement in AreaPlacement.objects.filter(area_id__in=chunk):
                area_placements.setdefault(placement.area_id, []).append(placement)
        # Where the existing branches are now: a new area corrects it, as the branch form does.
        current = {
            placement.branch_id: placement
            for chunk in chunks([branch.pk for branch in existing.values()])
            for placement in BranchPlacement.objects.filter(branch_id__in=chunk, valid_to__isnull=True)
        }
        visible = set(self.visible_branches(existing).keys())
        seen: dict[str, int] = {}
        for row, result in zip(rows, results, strict=True):
            values = row.values
            result.label = values.get("branch_code", "")
            if self.missing(row, result, "branch_code", "name", "organization", "area_code"):
                continue
            org = self.organization(organizations, row, result)
            code = values["branch_code"]
            try:
                code_validator(code)
            except ValidationError as error:
                result.refuse(self.header("branch_code"), error.messages[0])
            area = areas.get(values["area_code"])
            kind = values.get("kind", BranchKind.RESIDENTIAL)
            allowed = {AreaLevel.HAMLET} if kind == BranchKind.RESIDENTIAL else {AreaLevel.HAMLET, AreaLevel.COMMUNE}
            if values["area_code"] in ended:
                result.refuse(self.header("area_code"), ended[values["area_code"]])
            elif area is None:
                result.refuse(
                    self.header("area_code"),
                    _("No hamlet or commune with the code “%(code)s” in your area.") % {"code": values["area_code"]},
                )
            elif area.level not in allowed:
                result.refuse(
                    self.header("area_code"),
                    _("A residential branch sits in a hamlet; a professional one in a hamlet or a commune."),
                )
            if code in seen:
                result.refuse(self.header("branch_code"), _("The same code is on row %(row)d.") % {"row": seen[code]})
            seen.setdefault(code, row.number)
            if result.status == Outcome.REFUSED:
                continue
            branch = existing.get(code)
            if branch is None:
                branch = writes.create(
                    Branch(
                        code=code,
                        name=values["name"],
                        organization=org,
                        area=area,
                        kind=kind,
                        founded_on=values.get("founded_on"),
                    )
                )
                for placement in BranchPlacement.following(branch, area_placements[area.pk]):
                    writes.create(placement)
                self.mark(result, Outcome.CREATED)
                continue
            if code not in visible:
                result.refuse(self.header("branch_code"), _("This code is already used outside your area."))
                continue
            if branch.organization_id != org.pk:
                result.refuse(
                    self.header("organization"),
                    _("The branch belongs to %(organization)s; an import does not change it.")
                    % {"organization": branch.organization.short_name},
                )
                continue
            new = {"name": values["name"], "area_id": area.pk, "kind": kind}
            if "founded_on" in values:
                new["founded_on"] = values["founded_on"]
                if branch.dissolved_on and values["founded_on"] > branch.dissolved_on:
                    result.refuse(self.header("founded_on"), _("A branch cannot be dissolved before it was founded."))
                    continue
            shown = {
                "name": (branch.name, values["name"]),
                "area_id": (branch.area.code, area.code),
                "kind": (BRANCH_KIND_DISPLAY.get(branch.kind), BRANCH_KIND_DISPLAY.get(kind)),
                "founded_on": (display(branch.founded_on), display(values.get("founded_on"))),
            }
            headers = {"name": "name", "area_id": "area_code", "kind": "kind", "founded_on": "founded_on"}
            for key, value in new.items():
                if getattr(branch, key) != value:
                    result.changes.append([self.header(headers[key]), *shown[key]])
            if writes.update(branch, **new):
                self.mark(result, Outcome.UPDATED)
                if branch.pk in current:
                    writes.update(current[branch.pk], area_id=area.pk, path=area.path)
