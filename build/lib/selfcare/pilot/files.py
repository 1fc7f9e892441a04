"""Reading the pilot's input files, every problem as a one-line message naming the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.json as pa_json

from selfcare.errors import InvalidInput

ASSIGNMENT_COLUMNS = ("customer_id", "arm", "stratum", "assigned_at")
EVENT_COLUMNS = ("event_id", "customer_id", "type", "occurred_at")
OPTIONAL_EVENT_COLUMNS = ("reason_code", "text", "direction", "reached_agent")


def read_table(path: Path, *, required: tuple[str, ...]) -> pd.DataFrame:
    """A CSV (or Parquet) file with ids kept as text, checked for its required columns."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype={"customer_id": "string"}, keep_default_na=False)
    except (ValueError, OSError) as exc:
        raise InvalidInput(f"{path}: cannot be read: {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{path}: missing column(s) {', '.join(missing)}")
    frame["customer_id"] = frame["customer_id"].astype("string")
    return frame


def read_assignments(path: Path) -> pd.DataFrame:
    """Assignments as written by `selfcare pilot assign`; arms must be control or treatment."""
    frame = read_table(path, required=ASSIGNMENT_COLUMNS)
    bad = frame.loc[~frame["arm"].isin(["control", "treatment"]), "arm"]
    if len(bad):
        line = int(bad.index[0]) + 2  # header is line 1
        raise InvalidInput(f"{path}, line {line}: arm {bad.iloc[0]!r} is not control/treatment")
    twice = frame["customer_id"].duplicated()
    if twice.any():
        line = int(twice.to_numpy().nonzero()[0][0]) + 2
        raise InvalidInput(
            f"{path}, line {line}: customer {frame['customer_id'][twice].iloc[0]!r}"
            " is assigned twice"
        )
    return frame


def read_events(path: Path) -> pd.DataFrame:
    """Events (JSON Lines, CSV or Parquet) with `occurred_at` as UTC timestamps."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    try:
        if path.suffix in {".jsonl", ".json", ".ndjson"}:
            frame = _read_json_lines(path)
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    except (ValueError, OSError, pa.ArrowException) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput(f"{path}: cannot be read: {first_line}") from None
    missing = [c for c in EVENT_COLUMNS if c not in frame.columns]
    if missing and len(frame):
        raise InvalidInput(f"{path}: missing field(s) {', '.join(missing)}")
    for column in (*EVENT_COLUMNS, *OPTIONAL_EVENT_COLUMNS):
        if column not in frame.columns:
            frame[column] = pd.NA
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame = frame.drop_duplicates("event_id", keep="first")  # re-sent ids are no-ops
    stamps = pd.to_datetime(frame["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    if stamps.isna().any():
        bad = frame.loc[stamps.isna(), "event_id"].iloc[0]
        raise InvalidInput(f"{path}: event {bad!r}: occurred_at is not an ISO 8601 time")
    frame["occurred_at"] = stamps
    return frame.reset_index(drop=True)


def _read_json_lines(path: Path) -> pd.DataFrame:
    """JSON Lines by Arrow's multi-threaded reader: text fields stay text (times are parsed
    afterwards, offsets included), other fields are inferred."""
    text_fields = (*EVENT_COLUMNS, "reason_code", "text", "direction", "recorded_at")
    schema = pa.schema([(name, pa.string()) for name in text_fields])
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    table = pa_json.read_json(path, parse_options=options)
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
