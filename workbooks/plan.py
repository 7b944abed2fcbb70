"""What an import will do: the outcome of every row, and the writes that carry it out."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from .bulk import model_of


class Outcome(TextChoices):
    CREATED = "created", _("New")
    UPDATED = "updated", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    REFUSED = "refused", _("Refused")


@dataclass(slots=True)
class RowResult:
    number: int
    status: str = Outcome.UNCHANGED
    label: str = ""  # who or what the row is about: a name, a code
    messages: list = field(default_factory=list)  # [(column, message)] of a refused row
    changes: list = field(default_factory=list)  # [(column, before, after)] of an updated row

    def refuse(self, column: str, message) -> None:
        self.status = Outcome.REFUSED
        self.messages.append((column, str(message)))

    def as_list(self) -> list:
        return [self.number, str(self.status), self.label, self.messages, self.changes]

    @classmethod
    def from_list(cls, data: list) -> RowResult:
        return cls(*data)


def display(value) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


class Writes:
    """The objects to create and the objects to change, in the order they must be written.

    An update keeps the values it replaces (``before``), which is what undo restores.
    """

    def __init__(self, order: list[type[models.Model]]):
        self.order = order
        self.creates: dict[type, list] = defaultdict(list)
        self.updates: dict[type, dict] = defaultdict(dict)  # model -> {pk: (obj, {attname: before})}
        # Writes of derived flags that carry no history, run after the rest: (function, args),
        # a module-level function so that a preview can keep it (workbooks.keep).
        self.followups: list[tuple] = []

    def after(self, function, *args) -> None:
        self.followups.append((function, args))

    def create(self, obj):
        self.creates[model_of(obj)].append(obj)
        return obj

    def update(self, obj: models.Model, **new_values) -> bool:
        """Set the values that differ; return whether any did."""
        model = model_of(obj)
        _obj, before = self.updates[model].get(obj.pk, (obj, {}))
        changed = False
        for attname, value in new_values.items():
            current = getattr(obj, attname)
            if current == value:
                continue
            before.setdefault(attname, current)
            setattr(obj, attname, value)
            changed = True
        if changed and hasattr(obj, "version") and "version" not in before:
            # Forms holding the earlier version (core.concurrency) must see the row changed.
            before["version"] = obj.version
            obj.version += 1
        if changed or obj.pk in self.updates[model]:
            self.updates[model][obj.pk] = (obj, before)
        return changed

    @property
    def empty(self) -> bool:
        return not any(self.creates.values()) and not any(self.updates.values())


@dataclass
class Plan:
    kind: str
    results: list[RowResult]
    writes: Writes

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Outcome.values, 0)
        for result in self.results:
            counts[result.status] += 1
        return counts

    @property
    def refused(self) -> bool:
        return any(result.status == Outcome.REFUSED for result in self.results)

    def signature(self) -> list:
        """What the preview showed, row by row: the confirmation must find the same."""
        return [[r.number, str(r.status), r.changes] for r in self.results]
