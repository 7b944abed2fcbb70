"""The members' part in a reorganisation: the preview counts the current memberships that move."""

from django.db.models import Count

from areas.reorganization import Participant

from .models import Membership


class MembersParticipant(Participant):
    def counts(self, *, area_ids):
        rows = (
            Membership.objects.filter(ended_on__isnull=True, branch__area_id__in=area_ids)
            .order_by()
            .values("branch__area_id")
            .annotate(n=Count("id"))
        )
        return {row["branch__area_id"]: {"memberships": row["n"]} for row in rows}
