"""Validation at the edge: what a database would refuse, refused here, the same on both.

PostgreSQL refuses text with NUL (U+0000), both databases fail on strings with lone
surrogates, and an instant such as 0001-01-01T00:00+14:00 has no UTC form. Left to the
database, one such row fails the whole transaction it shares with good rows; checked
here, it is quarantined with the field and the reason, and SQLite and PostgreSQL accept
exactly the same rows. JSON input is also held to the JSON types of the published event
schema (text is text, `reached_agent` is `true` or `false`), whatever the route; only
CSV, which carries every value as text, converts its cells.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

EARLIEST_DEFAULT = date(2000, 1, 1)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = frozenset(
    {"event_id", "customer_id", "type", "occurred_at", "recorded_at", "reason_code", "text"}
)
_NULLABLE = frozenset({"recorded_at", "reason_code", "text"})


class DuplicateKeys(dict[str, Any]):
    """A JSON object that named a key twice (JSON leaves the meaning open: refused)."""

    key: str = ""


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` hook: a plain dict, or a `DuplicateKeys` naming the repeated key."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    marked = DuplicateKeys(value)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.key = key
            break
        seen.add(key)
    return marked


def loads(text: str) -> Any:
    """JSON that refuses nothing yet but marks objects with a repeated key."""
    return json.loads(text, object_pairs_hook=object_pairs)


def unstorable(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, reason) for the first key or text no database should be handed."""
    for key, value in row.items():
        for text in (key, value):
            if isinstance(text, str) and (reason := _bad_text(text)) is not None:
                return _shown(key), reason
    return None


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return "contains U+0000 (NUL), which cannot be stored"
    if not text.isascii() and _SURROGATE.search(text):
        return "contains a lone surrogate (U+D800..U+DFFF), which is not valid Unicode"
    return None


def _shown(key: str) -> str:
    """A field name safe to store and show (a bad key is escaped, not stored as is)."""
    return storable(key)


def storable(text: str) -> str:
    """Text any database stores and any JSON answer carries: NUL and lone surrogates
    written as escapes, so a quarantined row keeps what was sent without failing the
    quarantine itself (or the answer that reports it)."""
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\u0000")


def json_types(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, reason) for a value of the wrong JSON type, as the schema publishes it."""
    if isinstance(row, DuplicateKeys):
        return _shown(row.key), "duplicate key in the JSON object"
    for name, value in row.items():
        if name == "reached_agent" and not isinstance(value, bool):
            return name, "must be true or false (a JSON boolean)"
        if name == "direction" and not isinstance(value, str):
            return name, "must be a string (inbound or outbound)"
        if name in _TEXT_FIELDS and not isinstance(value, str):
            if value is None and name in _NULLABLE:
                continue
            return name, "must be a string"
    return None


def earliest_instant(earliest: date, zone: ZoneInfo) -> datetime:
    """The first moment of the earliest accepted day, in the program's time zone."""
    return datetime.combine(earliest, time(0), tzinfo=zone)


def instant_problem(moment: datetime, earliest: datetime) -> str | None:
    """Why an instant is not plausible: no UTC form, or before the earliest accepted day."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return "lies outside the instants that can be stored (years 1 to 9999 in UTC)"
    if utc < earliest:
        return (
            f"lies before {earliest.date().isoformat()}, the earliest day events are "
            "accepted for (the program's starts_on, else the configured earliest date)"
        )
    return None
