"""The branches' part in a reorganisation: a branch that sits on a unit that ends follows it.

Branches in hamlets need nothing: the hamlet moves, and they with it. A branch that sits
on an old commune (a professional branch) is placed on the commune's default successor
from the effective date; its earlier placement is closed, not changed.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from areas.reorganization import Moves, Participant

from .models import Branch, BranchPlacement

BATCH_SIZE = 500


class BranchesParticipant(Participant):
    def counts(self, *, area_ids):
        rows = Branch.objects.filter(area_id__in=area_ids).order_by().values("area_id").annotate(n=Count("id"))
        return {row["area_id"]: {"branches": row["n"]} for row in rows}

    def apply(self, *, event, moves: Moves) -> dict:
        history = {"default_user": event.created_by, "default_change_reason": f"reorganisation #{event.pk}"}
        closed = list(
            BranchPlacement.objects.filter(area_id__in=moves.successors, valid_to__isnull=True).select_related(
                "branch"
            )
        )
        opened, branches = [], []
        for placement in closed:
            successor = moves.successors[placement.area_id]
            placement.valid_to, placement.closed_by = moves.effective_on, event
            opened.append(
                BranchPlacement(
                    branch=placement.branch, area=successor, valid_from=moves.effective_on, opened_by=event
                )
            )
            placement.branch.area = successor
            placement.branch.version += 1
            branches.append(placement.branch)
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
            placement.branch.area_id = placement.area_id
            placement.branch.version += 1
            branches.append(placement.branch)
        bulk_update_with_history(
            reopened, BranchPlacement, ["valid_to", "closed_by"], batch_size=BATCH_SIZE, **history
        )
        bulk_update_with_history(branches, Branch, ["area", "version"], batch_size=BATCH_SIZE, **history)
