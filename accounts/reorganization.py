"""The accounts' part in a reorganisation: scope follows a unit only where it went whole.

An account of a unit that went whole into one successor (a province, a merged commune)
moves to that successor. An account of a district, or of a commune that was divided, is
made inactive until an administrator gives it an area: its scope is never silently
widened to the successors' whole area.
"""

from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from areas.reorganization import Moves, Participant

from .models import User

MOVED, PAUSED = "moved", "paused"


def _decisions(moves: Moves) -> list[tuple[User, object | None]]:
    """Each account of an ending unit, with the unit it moves to (None: made inactive).

    An account follows only to a unit of its own level (an island district became a
    commune, but district staff are not commune staff).
    """
    ending = set(moves.successors) | moves.divided
    users = User.objects.filter(area_id__in=ending).select_related("area").order_by("username")
    decisions = []
    for user in users:
        successor = moves.whole.get(user.area_id)
        decisions.append((user, successor if successor is not None and successor.level == user.area.level else None))
    return decisions


class AccountsParticipant(Participant):
    def review(self, *, moves: Moves):
        return [
            {
                "username": user.username,
                "role": user.get_role_display(),
                "area": {"code": user.area.code, "name": user.area.full_name},
                "action": MOVED if successor is not None else PAUSED,
                "to": {"code": successor.code, "name": successor.full_name} if successor is not None else None,
            }
            for user, successor in _decisions(moves)
        ]

    def apply(self, *, event, moves: Moves) -> dict:
        changed, log = [], []
        for user, successor in _decisions(moves):
            log.append([user.pk, user.area_id, user.is_active])
            if successor is not None:
                user.area = successor
            else:
                user.is_active = False
            changed.append(user)
        reason = f"reorganisation #{event.pk}"
        bulk_update_with_history(
            changed, User, ["area", "is_active"], default_user=event.created_by, default_change_reason=reason
        )
        return {"users": log}

    def undo_blockers(self, *, event, new_area_ids):
        moved = {pk for pk, _area, _active in event.undo_log.get("accounts", {}).get("users", [])}
        given = User.objects.filter(area_id__in=new_area_ids).exclude(pk__in=moved)
        if given.exists():
            return [_("Accounts were given the new units since; change them first.")]
        return []

    def undo(self, *, event, log):
        before = {pk: (area_id, active) for pk, area_id, active in log.get("users", [])}
        users = list(User.objects.filter(pk__in=before))
        for user in users:
            user.area_id, user.is_active = before[user.pk]
        reason = f"undo reorganisation #{event.pk}"
        bulk_update_with_history(
            users, User, ["area", "is_active"], default_user=event.undone_by, default_change_reason=reason
        )
