"""The branches' part in a reorganisation: every branch goes on where its area went.

A branch in a hamlet that moves keeps its hamlet, under the hamlet's new path; a branch
that sits on a unit that ends (a professional branch on an old commune) is placed on the
unit's default successor. Either way from the effective date: the placement open then is
closed, never changed, so the branch's past stays where it was.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from areas.models import AreaPlacement
from areas.reorganization import Moves, Participant

from .models import Branch, BranchPlacement

BATCH_SIZE = 500


class BranchesParticipant(Participant):
    def counts(self, *, area_ids):
        rows = Branch.objects.filter(area_id__in=area_ids).order_by().values("area_id").annotate(n=Count("id"))
        return {row["area_id"]: {"branches": row["n"]} for row in rows}

    def merge_blockers(self, *, area_ids, on):
        later = BranchPlacement.objects.filter(area_id__in=area_ids, valid_to__isnull=True, valid_from__gte=on)
        return [
            _("%(branch)s was placed there on %(date)s: the merge must come after it.")
            % {"branch": placement.branch, "date": placement.valid_from.strftime("%d/%m/%Y")}
            for placement in later.select_related("branch")
        ]

    def split_blockers(self, *, area, assigned):
        held = set(
            BranchPlacement.objects.filter(area=area, valid_to__isnull=True).values_list("branch__code", flat=True)
        )
        errors = [
            _("The plan does not say where branch %(branch)s goes.") % {"branch": code}
            for code in sorted(held - assigned)
        ]
        errors += [
            _("Branch %(branch)s does not sit in %(area)s.") % {"branch": code, "area": area}
            for code in sorted(assigned - held)
        ]
        return errors

    def apply(self, *, event, moves: Moves) -> dict:
        history = {"default_user": event.created_by, "default_change_reason": f"reorganisation #{event.pk}"}
        # Where each area the event touched sits from the effective date (a moved hamlet).
        moved = {p.area_id: p.path for p in AreaPlacement.objects.filter(opened_by=event)}
        touched = set(moved) | set(moves.successors)
        placed = BranchPlacement.objects.filter(area_id__in=touched, valid_to__isnull=True)
        closed = list(placed.select_related("branch"))
        opened, branches = [], []
        for placement in closed:
            placement.valid_to, placement.closed_by = moves.effective_on, event
            if placement.area_id in moved:
                area_id, path = placement.area_id, moved[placement.area_id]
            else:
                successor = moves.branch_areas.get(placement.branch.code) or moves.successors[placement.area_id]
                area_id, path = successor.pk, successor.path
                placement.branch.area_id = area_id
                placement.branch.version += 1
                branches.append(placement.branch)
            opened.append(
                BranchPlacement(
                    branch=placement.branch,
                    area_id=area_id,
                    path=path,
                    valid_from=moves.effective_on,
                    opened_by=event,
                )
            )
        bulk_update_with_history(closed, BranchPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history)
        bulk_create_with_history(opened, BranchPlacement, batch_size=BATCH_SIZE, **history)
        bulk_update_with_history(branches, Branch, ["area", "version"], batch_size=BATCH_SIZE, **history)
        return {}

    def undo_blockers(self, *, event, new_area_ids):
        added = BranchPlacement.objects.filter(area_id__in=new_area_ids).exclude(opened_by=event)
        if added.exists():
            return [_("Branches were placed in the new units since; undo would leave them nowhere.")]
        return []

    def undo(self, *, event, log):
        history = {"default_user": event.undone_by, "default_change_reason": f"undo reorganisation #{event.pk}"}
        reopened = list(BranchPlacement.objects.filter(closed_by=event).select_related("branch"))
        BranchPlacement.objects.filter(opened_by=event).delete()
        branches = []
        for placement in reopened:
            placement.valid_to, placement.closed_by = None, None
            if placement.branch.area_id != placement.area_id:
                placement.branch.area_id = placement.area_id
                placement.branch.version += 1
                branches.append(placement.branch)
        bulk_update_with_history(
            reopened, BranchPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history
        )
        bulk_update_with_history(branches, Branch, ["area", "version"], batch_size=BATCH_SIZE, **history)

    def rewrite_paths(self, *, old, new, history):
        placements = list(BranchPlacement.objects.filter(path__startswith=old))
        for placement in placements:
            placement.path = new + placement.path[len(old) :]
        bulk_update_with_history(placements, BranchPlacement, ["path"], batch_size=BATCH_SIZE, **history)
