"""Compact storage of row outcomes, parsed rows and undo data: zlib-compressed JSON."""

from __future__ import annotations

import datetime
import json
import zlib
from decimal import Decimal


def _default(value):
    if isinstance(value, datetime.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    raise TypeError(f"Cannot store {type(value).__name__}")


def _hook(obj: dict):
    if len(obj) == 1:
        if "$d" in obj:
            return datetime.date.fromisoformat(obj["$d"])
        if "$n" in obj:
            return Decimal(obj["$n"])
        if "$t" in obj:
            return datetime.datetime.fromisoformat(obj["$t"])
    return obj


def pack(data) -> bytes:
    return zlib.compress(json.dumps(data, default=_default, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def unpack(blob, *, typed: bool = True) -> object:
    """The stored data; ``typed=False`` leaves dates and numbers as the strings they were stored as (faster)."""
    if blob is None:
        return None
    text = zlib.decompress(bytes(blob)).decode()
    return json.loads(text, object_hook=_hook) if typed else json.loads(text)
