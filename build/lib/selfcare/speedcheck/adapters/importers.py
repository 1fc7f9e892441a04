"""Read measurements customers hand in: the regulator app's CSV export and selfcare's JSON Lines.

The regulator app ("Breitbandmessung") writes one CSV file per measurement, named
`Breitbandmessung_DD_MM_YYYY_HH_MM_SS.csv`: a header and one row, `;`-separated, every value
quoted, decimal comma, sometimes a UTF-8 BOM, German headers, date (`Messzeitpunkt`) and time
(`Uhrzeit`) in separate columns, German local time. Customers hand in a folder of such files,
or the rows concatenated under one header (or `cat`-ed together, headers repeated); both are
accepted, columns may come in any order and unknown columns are ignored.

selfcare's own format is JSON Lines, one measurement per line:
`{"measured_at": "2025-05-13T10:00:00+02:00", "download_kbps": 94730, "upload_kbps": 38120,
"ping_ms": 8, "connection": "lan"}` (`ping_ms`, `connection` (lan|wlan|unknown), `test_id`,
`series_id` optional). Anything else is refused with `InvalidInput` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from selfcare.domain.speedcheck.models import BERLIN, Connection, Measurement, parse_mbit
from selfcare.errors import InvalidInput

# Canonical column → header spellings seen in exports (compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("messzeitpunkt", "datum"),
    "time": ("uhrzeit", "zeit"),
    "download": ("download (mbit/s)", "download"),
    "upload": ("upload (mbit/s)", "upload"),
    "ping": ("laufzeit (ms)", "ping (ms)", "laufzeit"),
    "test_id": ("test-id", "testid"),
}
REQUIRED = ("date", "download", "upload")
MEASUREMENT_SUFFIXES = (".csv", ".jsonl")
MAX_FILE_BYTES = 5_000_000


def load_measurements(path: Path, *, connection: Connection | None = None) -> list[Measurement]:
    """All measurements in a file or a folder, in time order.

    `connection` tags measurements whose connection is not recorded (the regulator's CSV
    never records it), e.g. when the customer confirms they measured by cable.
    """
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in MEASUREMENT_SUFFIXES)
        if not files:
            msg = f"{path}: no measurement files (.csv or .jsonl) in this folder"
            raise InvalidInput(msg)
    elif path.is_file():
        files = [path]
    else:
        msg = f"{path}: no such file or folder"
        raise InvalidInput(msg)
    found = [item for file in files for item in _load_file(file)]
    if connection is not None:
        found = [_tag(item, connection) for item in found]
    return sorted(found, key=lambda m: m.measured_at)


def _tag(item: Measurement, connection: Connection) -> Measurement:
    if item.connection is not Connection.UNKNOWN:
        return item
    return replace(item, connection=connection)


def _load_file(path: Path) -> list[Measurement]:
    text = _read_text(path)
    if path.suffix.lower() in {".jsonl", ".json"} or text.lstrip("\ufeff \r\n\t").startswith("{"):
        return list(parse_jsonl(text, str(path)))
    return list(parse_regulator_csv(text, str(path)))


def _read_text(path: Path) -> str:
    """The file as text; binary files (PDF, pictures, spreadsheets) are refused here."""
    if path.stat().st_size > MAX_FILE_BYTES:
        msg = f"{path}: too large for a measurement export (over {MAX_FILE_BYTES} bytes)"
        raise InvalidInput(msg)
    data = path.read_bytes()
    if b"\x00" in data:
        msg = f"{path}: not a text file; expected the CSV export of the Breitbandmessung app"
        raise InvalidInput(msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_regulator_csv(text: str, source: str = "<csv>") -> Iterator[Measurement]:
    """Rows of the Breitbandmessung CSV export (one header, any number of rows)."""
    # A BOM can sit in the middle when files were joined with `cat`; it is never data.
    rows = csv.reader(io.StringIO(text.replace("\ufeff", "")), delimiter=";", quotechar='"')
    header: dict[str, int] | None = None
    header_cells: list[str] = []
    for number, cells in enumerate(rows, start=1):
        cleaned = [cell.strip() for cell in cells]
        if not any(cleaned):
            continue
        if header is None:
            header, header_cells = _header(cleaned, source, number), cleaned
            continue
        if cleaned == header_cells:  # files concatenated with `cat`: header repeated
            continue
        yield _row(cleaned, header, f"{source}:{number}")
    if header is None:
        msg = f"{source}: empty file; expected the CSV export of the Breitbandmessung app"
        raise InvalidInput(msg)


def _header(cells: list[str], source: str, number: int) -> dict[str, int]:
    lowered = [cell.lower() for cell in cells]
    found: dict[str, int] = {}
    for column, spellings in COLUMNS.items():
        for index, name in enumerate(lowered):
            if name in spellings:
                found.setdefault(column, index)
    missing = [COLUMNS[c][0] for c in REQUIRED if c not in found]
    if missing:
        wanted = ", ".join(f'"{name.title()}"' for name in missing)
        msg = (
            f"{source}:{number}: not a Breitbandmessung CSV export: the header lacks {wanted} "
            '(expected e.g. "Messzeitpunkt";"Download (Mbit/s)";"Upload (Mbit/s)";…;"Uhrzeit")'
        )
        raise InvalidInput(msg)
    return found


def _row(cells: list[str], header: dict[str, int], where: str) -> Measurement:
    def cell(column: str) -> str:
        index = header.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    try:
        measured_at = _local_moment(cell("date"), cell("time"))
        download = _speed(cell("download"), "Download (Mbit/s)")
        upload = _speed(cell("upload"), "Upload (Mbit/s)")
        ping = _ping(cell("ping"))
    except ValueError as exc:
        msg = f"{where}: {exc}"
        raise InvalidInput(msg) from exc
    test_id = cell("test_id") or None
    return Measurement(measured_at, download, upload, ping, Connection.UNKNOWN, where, test_id)


def _speed(text: str, column: str) -> int:
    if not text:
        msg = f"{column} is empty"
        raise ValueError(msg)
    try:
        return parse_mbit(text)
    except ValueError as exc:
        msg = f"{column}: {exc}"
        raise ValueError(msg) from None


def _local_moment(day_text: str, time_text: str) -> datetime:
    """`13.05.2025` + `01:00:46` in German local time → aware datetime (DST per zoneinfo)."""
    parts = day_text.split()
    if not time_text and len(parts) == 2:  # noqa: PLR2004 - date and time in one cell
        day_text, time_text = parts
    try:
        day = datetime.strptime(day_text.strip(), "%d.%m.%Y").date()
    except ValueError:
        msg = f"date {day_text!r} is not like 13.05.2025"
        raise ValueError(msg) from None
    return datetime.combine(day, _clock(time_text), tzinfo=BERLIN)


def _clock(text: str) -> time:
    for pattern in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.strptime(text.strip(), pattern).time()
        except ValueError:
            continue
    msg = f"time {text!r} is not like 01:00:46"
    raise ValueError(msg)


def _ping(text: str) -> int | None:
    """The app's `Laufzeit (ms)`, a round-trip time in whole milliseconds ("8" or "8,4")."""
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        msg = f"ping {text!r} is not a number of milliseconds"
        raise ValueError(msg) from None
    if not value.is_finite() or value < 0:
        msg = f"ping {text!r} is not a number of milliseconds"
        raise ValueError(msg)
    return int(value.to_integral_value())


class MeasurementLine(BaseModel):
    """One line of selfcare's own measurement format (JSON Lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measured_at: datetime
    download_kbps: int = Field(ge=0)
    upload_kbps: int = Field(ge=0)
    ping_ms: int | None = Field(default=None, ge=0)
    connection: Connection = Connection.UNKNOWN
    test_id: str | None = Field(default=None, max_length=128)
    series_id: str | None = Field(default=None, max_length=128)


def parse_jsonl(text: str, source: str = "<jsonl>") -> Iterator[Measurement]:
    """selfcare's measurement lines; blank lines are skipped, anything else must be valid."""
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = MeasurementLine.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            msg = f"{where}: not JSON ({exc.msg})"
            raise InvalidInput(msg) from exc
        except ValidationError as exc:
            raise InvalidInput(f"{where}: {_first_error(exc)}") from exc
        if item.measured_at.utcoffset() is None:
            msg = f"{where}: measured_at needs a time zone offset, e.g. +02:00 or Z"
            raise InvalidInput(msg)
        yield Measurement(
            item.measured_at,
            item.download_kbps,
            item.upload_kbps,
            item.ping_ms,
            item.connection,
            where,
            item.test_id,
            item.series_id,
        )


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "line"
    return f"{field}: {error['msg']}"


def to_jsonl(measurements: Iterable[Measurement]) -> str:
    """Measurements in selfcare's own format (the inverse of `parse_jsonl`)."""
    lines = []
    for item in measurements:
        doc: dict[str, Any] = {
            "measured_at": item.measured_at.isoformat(),
            "download_kbps": item.download_kbps,
            "upload_kbps": item.upload_kbps,
            "ping_ms": item.ping_ms,
            "connection": item.connection.value,
        }
        if item.test_id:
            doc["test_id"] = item.test_id
        if item.series_id:
            doc["series_id"] = item.series_id
        lines.append(json.dumps(doc))
    return "".join(line + "\n" for line in lines)


def regulator_file_name(moment: datetime) -> str:
    """The app's file name for a measurement: `Breitbandmessung_13_05_2025_01_00_46.csv`."""
    local = moment.astimezone(BERLIN)
    return f"Breitbandmessung_{local:%d_%m_%Y_%H_%M_%S}.csv"
