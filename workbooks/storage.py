"""Compact storage of row outcomes, parsed rows and undo data: zlib-compressed JSON."""

from __future__ import annotations

import datetime
import json
import zlib
from decimal import Decimal

SLICE = 5000  # rows encoded at a time
# Compression levels: what is kept for good (row outcomes, undo data) is packed tighter;
# what lives from a preview to its confirmation is packed three times faster.
TIGHT, FAST = 6, 1


def encode(value):
    """``json.dumps``'s ``default``: dates, times and decimals as tagged text."""
    if isinstance(value, datetime.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    raise TypeError(f"Cannot store {type(value).__name__}")


def decode(obj: dict):
    """``json.loads``'s ``object_hook``: the tagged values back."""
    if len(obj) == 1:
        if "$d" in obj:
            return datetime.date.fromisoformat(obj["$d"])
        if "$n" in obj:
            return Decimal(obj["$n"])
        if "$t" in obj:
            return datetime.datetime.fromisoformat(obj["$t"])
    return obj


def pack(data, *, level: int = TIGHT) -> bytes:
    """Encoded and compressed a slice at a time: the JSON text of 100.000 rows never sits in memory whole."""
    compressor = zlib.compressobj(level)
    if not isinstance(data, list):
        data = [data]
        wrap = False
    else:
        wrap = True
    parts = [compressor.compress(b"[")] if wrap else []
    for start in range(0, len(data), SLICE):
        text = json.dumps(data[start : start + SLICE], default=encode, ensure_ascii=False, separators=(",", ":"))
        text = text[1:-1]  # the slice's own brackets
        if start:
            text = "," + text
        parts.append(compressor.compress(text.encode()))
    if wrap:
        parts.append(compressor.compress(b"]"))
    parts.append(compressor.flush())
    return b"".join(parts)


def unpack(blob, *, typed: bool = True) -> object:
    """The stored data; ``typed=False`` leaves dates and numbers as the strings they were stored as (faster)."""
    if blob is None:
        return None
    text = zlib.decompress(blob)  # json reads UTF-8 bytes: no decoded copy
    return json.loads(text, object_hook=decode) if typed else json.loads(text)
