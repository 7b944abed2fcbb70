"""Personal values in what the workbooks app shows: only those who may change the person see them (SPEC 10).

Personal numbers (CCCD, phone) are masked for everyone else, keeping the first 4 and the last 3
characters (``0870•••••234``): enough to tell two rows apart, not enough to use the number. Party
dates are personal too; a reader sees that one changed, not the date. The stored outcome keeps the
values (an editor of the area reads them later); the masking happens when a reader reads it.
"""

from __future__ import annotations

import re

from .columns import COLUMNS
from .values import MASK

HIDDEN_DATE = "••/••/••••"
# Column keys holding personal numbers, and personal dates, in any kind of workbook.
NUMBER_KEYS = frozenset({"cccd", "phone"})
DATE_KEYS = frozenset({"party_joined_on"})
# The kinds whose rows are people: their outcome workbooks are downloads of personal data (``core.downloads``).
PERSONAL_KINDS = frozenset(
    kind for kind, columns in COLUMNS.items() if any(column.key in {"full_name", *NUMBER_KEYS} for column in columns)
)
# A value a message quotes: “…” (the Vietnamese catalogue keeps the same quotation marks).
QUOTED = re.compile(r"“([^”]*)”")


def mask_number(value) -> str:
    """0870•••••234: the first 4 and the last 3 characters; a shorter value is hidden whole."""
    text = "" if value is None else str(value)
    if len(text) <= 7:
        return MASK * len(text)
    return text[:4] + MASK * (len(text) - 7) + text[-3:]


def _headers(kind: str, keys: frozenset) -> frozenset:
    return frozenset(column.header for column in COLUMNS.get(kind, ()) if column.key in keys)


class OutcomeMask:
    """Masks the personal values of a kind's row outcomes (changes and messages are keyed by column header)."""

    def __init__(self, kind: str):
        self.numbers = _headers(kind, NUMBER_KEYS)
        self.dates = _headers(kind, DATE_KEYS)

    def value(self, column: str, value: str) -> str:
        if not value:
            return value
        if column in self.numbers:
            return mask_number(value)
        if column in self.dates:
            return HIDDEN_DATE
        return value

    def message(self, column: str, message: str) -> str:
        """A message about a personal cell, with the value it quotes masked."""
        if column in self.numbers:
            return QUOTED.sub(lambda match: f"“{mask_number(match.group(1))}”", message)
        if column in self.dates:
            return QUOTED.sub(f"“{HIDDEN_DATE}”", message)
        return message

    def changes(self, changes: list) -> list:
        return [[column, self.value(column, before), self.value(column, after)] for column, before, after in changes]

    def messages(self, messages: list) -> list:
        return [[column, self.message(column, message)] for column, message in messages]
