"""How the apps above ``areas`` take part in a reorganisation of the tree, without ``areas`` importing them.

They also hear of corrections that rewrite paths, to follow them in the paths they keep.

``areas`` moves the units themselves (it ends the old ones, begins the new ones and moves
the hamlets); what sits on the units belongs to other apps: the branches on a commune
(``branches``), the members counted in the preview (``members``), the accounts whose area
ends (``accounts``). Each registers a ``Participant`` in its ``AppConfig.ready``; the
reorganisation calls them in the order they registered, and undoes them in reverse.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .models import Area


@dataclass
class Moves:
    """What a reorganisation moves, as the participants need it.

    The new units are ``Area`` objects; in a preview those not created yet are unsaved.
    """

    effective_on: datetime.date
    # Each old unit that ends (by primary key) -> its default successor.
    successors: dict[int, Area] = field(default_factory=dict)
    # The old units that end without a single successor: split communes, and districts.
    divided: set[int] = field(default_factory=set)
    # Each hamlet that moves (by primary key) -> the commune it moves to.
    hamlets: dict[int, Area] = field(default_factory=dict)
    # A split hamlet's branches (by code) -> the new hamlet each goes to (``areas.split``).
    branch_areas: dict[str, Area] = field(default_factory=dict)

    @property
    def whole(self) -> dict[int, Area]:
        """The old units that went whole into one successor: what sits on them can follow."""
        return {pk: area for pk, area in self.successors.items() if pk not in self.divided}


class Participant:
    """What an app does in a reorganisation; every step does nothing unless the app says otherwise."""

    def counts(self, *, area_ids: list[int]) -> dict[int, dict[str, int]]:
        """Figures that move with each area (per area id), for the preview."""
        return {}

    def merge_blockers(self, *, area_ids: list[int], on: datetime.date) -> list[str]:
        """Why the areas cannot be merged into another from ``on`` (something of theirs begins later)."""
        return []

    def split_blockers(self, *, area: Area, assigned: set[str]) -> list[str]:
        """Why the split's plan cannot divide what sits on ``area`` (``assigned``: the codes it places)."""
        return []

    def review(self, *, moves: Moves) -> list[dict]:
        """What the preview should point out to the administrator (accounts to look at, say)."""
        return []

    def apply(self, *, event, moves: Moves) -> dict:
        """Carry out the app's part; return what undoing it needs (kept with the event)."""
        return {}

    def undo_blockers(self, *, event, new_area_ids: set[int]) -> list[str]:
        """Why the event can no longer be undone (something entered in the new units since)."""
        return []

    def undo(self, *, event, log: dict) -> None:
        """Reverse ``apply`` from what it returned."""

    def rewrite_paths(self, *, old: str, new: str, history: dict) -> None:
        """A correction moved what lies below path ``old`` to ``new`` (a hamlet recoded, say)."""


_participants: dict[str, Participant] = {}


def register(name: str, participant: Participant) -> None:
    _participants[name] = participant


def participants() -> dict[str, Participant]:
    return dict(_participants)
