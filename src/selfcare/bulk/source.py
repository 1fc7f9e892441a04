"""Event files read by the engine itself: JSON Lines, CSV, Parquet (a file, a folder, a
partitioned lake), normalised to the event schema with instants in UTC.

Rows the reference reader would refuse (no id, an unknown type, a time without offset or
recorded before it occurred) are counted and left out; `--engine python` names each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from selfcare.bulk.backends import UTC_TS, Engine
from selfcare.domain.events import EventType
from selfcare.errors import InvalidInput

KINDS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".csv": "csv"}
KINDS |= {".parquet": "parquet", ".pq": "parquet"}
TEXT_FIELDS = ("event_id", "customer_id", "type", "reason_code", "text", "direction")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


@dataclass(frozen=True)
class Source:
    """The events as an Ibis table in the normalised schema, its rows refused, and the
    rows read (refused or not)."""

    events: ir.Table
    refused: ir.IntegerScalar
    rows: ir.IntegerScalar


def kind_of(path: Path) -> str:
    """The file kind by suffix; a folder is a Parquet lake (hive partitions allowed)."""
    if path.is_dir():
        return "parquet"
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        msg = f"{path}: unknown event file type {path.suffix!r}; use .jsonl, .csv or .parquet"
        raise InvalidInput(msg)
    return kind


def read(engine: Engine, path: Path) -> Source:
    """The raw table of a file or lake, then the normalised events and the refused count."""
    if not path.exists():
        raise InvalidInput(f"{path}: cannot read events: no such file or folder")
    raw = _raw(engine, path, kind_of(path))
    return normalise(raw)


def _raw(engine: Engine, path: Path, kind: str) -> ir.Table:
    con = engine.con
    if kind == "parquet":
        target = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        if engine.name == "duckdb":
            return con.read_parquet(target, hive_partitioning=path.is_dir())
        return con.read_parquet(str(path))
    if kind == "csv":
        if engine.name == "duckdb":
            return con.read_csv(str(path), all_varchar=True, header=True)
        return con.read_csv(str(path), header=True)
    if engine.name == "duckdb":
        columns = dict.fromkeys((*TEXT_FIELDS, "occurred_at", "recorded_at"), "VARCHAR")
        return con.read_json(
            str(path), format="newline_delimited", columns=columns | {"reached_agent": "BOOLEAN"}
        )
    return con.read_json(str(path))


def normalise(raw: ir.Table) -> Source:
    """The event schema from whatever columns the file has (missing ones are 'not given')."""
    cols: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = (
            _stripped(raw[name].cast(dt.string)) if name in raw.columns else ibis.null(dt.string)
        )
        cols[name] = value
    cols["direction"] = cols["direction"].fill_null("inbound")
    for name in ("occurred_at", "recorded_at"):
        cols[name], cols[f"{name}_text"] = _instant(raw, name)
    cols["reached_agent"] = _flag(raw)
    table = raw.select(**cols)
    valid = (
        table.event_id.notnull()
        & (table.event_id != "")
        & table.customer_id.notnull()
        & (table.customer_id != "")
        & table.type.isin([t.value for t in EventType])
        & table.occurred_at.notnull()
        & (table.recorded_at_text.isnull() | table.recorded_at.notnull())
        & (table.recorded_at.isnull() | (table.recorded_at >= table.occurred_at))
        & table.direction.isin(["inbound", "outbound"])
        & table.reached_agent.notnull()
    )
    events = table.filter(valid).drop("recorded_at_text")
    return Source(events=events, refused=table.filter(~valid).count(), rows=raw.count())


_BLANKS = (" ", "\t", "\n", "\r", "\x0b", "\x0c")
"""What Ibis's `strip` removes (`TRIM(x, ' \t\n\r\v\f')` on DuckDB)."""


def _stripped(text: ir.StringValue) -> ir.StringValue:
    """`text.strip()`, asked only of values that begin or end with a blank: the trim with
    a character set costs more per row than these byte comparisons, and lakes are clean."""
    padded = ibis.or_(*(text.startswith(c) | text.endswith(c) for c in _BLANKS))
    return ibis.ifelse(padded, text.strip(), text)


def _instant(raw: ir.Table, name: str) -> tuple[ir.Value, ir.Value]:
    """An instant in UTC and, when the file gave text, the text as given (for output)."""
    if name not in raw.columns:
        return ibis.null(UTC_TS), ibis.null(dt.string)
    column = raw[name]
    if column.type().is_timestamp():
        return column.cast(UTC_TS), ibis.null(dt.string)
    text = column.cast(dt.string).strip()
    has_offset = text.re_search(r"(Z|z|[+-]\d\d:?\d\d)$")
    instant = ibis.ifelse(has_offset, text.try_cast(UTC_TS), ibis.null(UTC_TS))
    return instant, text


def _flag(raw: ir.Table) -> ir.BooleanValue:
    if "reached_agent" not in raw.columns:
        return ibis.literal(True)
    column = raw.reached_agent
    if column.type().is_boolean():
        return column.fill_null(True)
    text = column.cast(dt.string).strip().lower()
    return ibis.cases(
        (text.isnull() | (text == ""), True),
        (text.isin(_TRUE), True),
        (text.isin(_FALSE), False),
        else_=ibis.null(dt.boolean),
    )
