"""The members' part in a reorganisation: the preview counts the current memberships that move,
and a hamlet that ends hands the targets of the years after it to its successor."""

import datetime

from django.db.models import Count
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from areas.models import AreaLevel
from areas.reorganization import Moves, Participant

from .models import Membership, TargetPopulation


def first_year_after(effective_on: datetime.date) -> int:
    """The first year wholly in the successor: a year's target counts the people of the whole year."""
    return effective_on.year if (effective_on.month, effective_on.day) == (1, 1) else effective_on.year + 1


class MembersParticipant(Participant):
    def counts(self, *, area_ids):
        rows = (
            Membership.objects.filter(ended_on__isnull=True, branch__area_id__in=area_ids)
            .order_by()
            .values("branch__area_id")
            .annotate(n=Count("id"))
        )
        return {row["branch__area_id"]: {"memberships": row["n"]} for row in rows}

    def apply(self, *, event, moves: Moves) -> dict:
        """Targets of ended hamlets for the years after the date are added to the successor's."""
        successors = {pk: area for pk, area in moves.whole.items() if area.level == AreaLevel.HAMLET}
        moving = list(
            TargetPopulation.objects.filter(hamlet_id__in=successors, year__gte=first_year_after(moves.effective_on))
        )
        if not moving:
            return {}
        history = {"default_user": event.created_by, "default_change_reason": f"reorganisation #{event.pk}"}
        keys = {(successors[t.hamlet_id].pk, t.organization_id, t.year) for t in moving}
        existing = {
            (t.hamlet_id, t.organization_id, t.year): t
            for t in TargetPopulation.objects.filter(
                hamlet_id__in={k[0] for k in keys}, year__gte=first_year_after(moves.effective_on)
            )
            if (t.hamlet_id, t.organization_id, t.year) in keys
        }
        log = {"moved": [[t.hamlet_id, t.organization_id, t.year, t.count] for t in moving], "before": []}
        log["before"] = [[*key, target.count] for key, target in existing.items()]
        created = {}
        for target in moving:
            key = (successors[target.hamlet_id].pk, target.organization_id, target.year)
            into = existing.get(key) or created.get(key)
            if into is None:
                created[key] = TargetPopulation(hamlet_id=key[0], organization_id=key[1], year=key[2], count=0)
                into = created[key]
            into.count += target.count
        TargetPopulation.objects.filter(pk__in=[t.pk for t in moving]).delete()
        bulk_update_with_history(list(existing.values()), TargetPopulation, ["count"], **history)
        bulk_create_with_history(list(created.values()), TargetPopulation, **history)
        log["created"] = [list(key) for key in created]
        return log

    def undo(self, *, event, log):
        if not log:
            return
        history = {"default_user": event.undone_by, "default_change_reason": f"undo reorganisation #{event.pk}"}
        for hamlet_id, organization_id, year in log.get("created", []):
            TargetPopulation.objects.filter(hamlet_id=hamlet_id, organization_id=organization_id, year=year).delete()
        before = {(hamlet_id, org_id, year): count for hamlet_id, org_id, year, count in log["before"]}
        restored = list(TargetPopulation.objects.filter(hamlet_id__in={key[0] for key in before}))
        restored = [t for t in restored if (t.hamlet_id, t.organization_id, t.year) in before]
        for target in restored:
            target.count = before[target.hamlet_id, target.organization_id, target.year]
        bulk_update_with_history(restored, TargetPopulation, ["count"], **history)
        bulk_create_with_history(
            [
                TargetPopulation(hamlet_id=hamlet_id, organization_id=organization_id, year=year, count=count)
                for hamlet_id, organization_id, year, count in log["moved"]
            ],
            TargetPopulation,
            **history,
        )
