"""Read the Desktop App's PDF "Messprotokoll der Breitbandmessung" (pypdf) into a Campaign.

The PDF is the regulator's evidence (DOMAIN.md §4). Its text lines, as pypdf extracts them:
`Anbieter: …`, `Tarifname: …`, `Anzahl Messungen: 30`, `Maximal: 1000,00 Mbit/s`,
`Normalerweise: …`, `Minimal: …` (download first, then upload), `Start Messkampagne:
DD.MM.YYYY`, `Ende Messkampagne: …`, sections "Messungen im Download" / "Messungen im
Upload" with rows `1 29.01.2025 15:22 883,29 Mbit/s`, and "Ergebnis der Messkampagne im
Download … wurde festgestellt" (or "… nicht festgestellt"). The format was learnt from public
parsers; this reader is selfcare's own. Every campaign measurement is by LAN cable: the
Desktop App refuses to measure otherwise.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from selfcare.domain.speedcheck.campaign import Campaign
from selfcare.domain.speedcheck.models import (
    BERLIN,
    Connection,
    Contract,
    Measurement,
    SpeedTier,
    parse_mbit,
)
from selfcare.errors import InvalidInput

TITLE = "Messprotokoll der Breitbandmessung"
MAX_PDF_BYTES = 20_000_000
_DAY = r"(\d{2}\.\d{2}\.\d{4})"
_ISSUED = re.compile(TITLE + r"\s+vom\s+" + _DAY)
_PROVIDER = re.compile(r"Anbieter:[ \t]*([^\n]+)")
_TARIFF = re.compile(r"Tarifname:[ \t]*([^\n]+)")
_COUNT = re.compile(r"Anzahl Messungen:\s*(\d+)")
_START = re.compile(r"Start Messkampagne:\s*" + _DAY)
_END = re.compile(r"Ende Messkampagne:\s*" + _DAY)
_SPEED = r"\s*([\d.,]+)\s*Mbit/s"
_TIERS = {name: re.compile(name + ":" + _SPEED) for name in ("Maximal", "Normalerweise", "Minimal")}
_ROW = re.compile(r"(\d+)\s+" + _DAY + r"\s+(\d{1,2}:\d{2})\s+([\d.,]+)\s*Mbit/s")
_SECTION = re.compile(r"(Messungen|Ergebnis der Messkampagne) im (Download|Upload)")


def is_campaign_pdf(path: Path) -> bool:
    """A PDF by name or by its first bytes (customers rename files)."""
    if path.suffix.lower() == ".pdf":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def load_campaign(path: Path) -> Campaign:
    """The campaign in a Desktop App protocol PDF, or InvalidInput saying what is missing."""
    if not path.is_file():
        msg = f"{path}: no such file"
        raise InvalidInput(msg)
    if path.stat().st_size > MAX_PDF_BYTES:
        msg = f"{path}: too large for a Messprotokoll (over {MAX_PDF_BYTES} bytes)"
        raise InvalidInput(msg)
    return parse_campaign(_text(path), str(path))


def _text(path: Path) -> str:
    try:
        reader = PdfReader(path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, OSError) as exc:
        msg = f"{path}: cannot read this PDF ({exc})"
        raise InvalidInput(msg) from exc


def parse_campaign(text: str, source: str = "<pdf>") -> Campaign:
    """The campaign from the PDF's extracted text (pure, so tests can feed text directly)."""
    if TITLE not in text:
        msg = f"{source}: not a Desktop App protocol: the title {TITLE!r} is missing"
        raise InvalidInput(msg)
    sections = _sections(text)
    downloads = _rows(sections.get(("Messungen", "Download"), ""), source, "Download")
    uploads = _rows(sections.get(("Messungen", "Upload"), ""), source, "Upload")
    return Campaign(
        source=source,
        provider=_first(_PROVIDER, text),
        tariff=_first(_TARIFF, text),
        issued_on=_day(_first(_ISSUED, text)),
        start=_day(_first(_START, text)),
        end=_day(_first(_END, text)),
        declared_count=_int(_first(_COUNT, text)),
        contract=_contract(text, source),
        measurements=_pair(downloads, uploads, source),
        download_found=_result(sections.get(("Ergebnis der Messkampagne", "Download"))),
        upload_found=_result(sections.get(("Ergebnis der Messkampagne", "Upload"))),
    )


def _sections(text: str) -> dict[tuple[str, str], str]:
    """Text after each section heading up to the next heading (tables may span pages)."""
    marks = list(_SECTION.finditer(text))
    found: dict[tuple[str, str], str] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        key = (mark.group(1), mark.group(2))
        found[key] = found.get(key, "") + text[mark.end() : end]
    return found


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1).strip() if match else None


def _day(text: str | None) -> date | None:
    return datetime.strptime(text, "%d.%m.%Y").date() if text else None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _contract(text: str, source: str) -> Contract:
    """`Maximal/Normalerweise/Minimal`, each download first, then upload."""
    values = {name: pattern.findall(text) for name, pattern in _TIERS.items()}
    short = [name for name, found in values.items() if len(found) < 2]  # noqa: PLR2004 - download and upload
    if short:
        msg = f"{source}: the contract figures lack {', '.join(short)} for download and upload"
        raise InvalidInput(msg)
    try:
        down, up = (
            SpeedTier(*(parse_mbit(values[name][index]) for name in _TIERS)) for index in (0, 1)
        )
    except ValueError as exc:
        msg = f"{source}: contract figures: {exc}"
        raise InvalidInput(msg) from exc
    return Contract(down, up)


def _rows(section: str, source: str, name: str) -> dict[int, tuple[datetime, int]]:
    """`number → (moment, kbit/s)` of one direction's table."""
    rows: dict[int, tuple[datetime, int]] = {}
    for match in _ROW.finditer(section):
        number, day, clock, speed = match.groups()
        try:
            moment = datetime.strptime(f"{day} {clock}", "%d.%m.%Y %H:%M").replace(tzinfo=BERLIN)
            rows[int(number)] = (moment, parse_mbit(speed))
        except ValueError as exc:
            msg = f"{source}: {name} measurement {number}: {exc}"
            raise InvalidInput(msg) from exc
    if not rows:
        msg = f"{source}: no rows under 'Messungen im {name}'"
        raise InvalidInput(msg)
    return rows


def _pair(
    downloads: dict[int, tuple[datetime, int]],
    uploads: dict[int, tuple[datetime, int]],
    source: str,
) -> tuple[Measurement, ...]:
    """One measurement per number: the app measures both directions in one run."""
    unpaired = sorted(set(downloads) ^ set(uploads))
    if unpaired:
        msg = f"{source}: measurement(s) {unpaired} appear in only one direction"
        raise InvalidInput(msg)
    return tuple(
        Measurement(
            downloads[n][0],
            downloads[n][1],
            uploads[n][1],
            connection=Connection.LAN,
            source=f"{source}: Messung {n}",
        )
        for n in sorted(downloads)
    )


def _result(section: str | None) -> bool | None:
    """True for "… wurde festgestellt", False for "nicht"/"keine", None when absent."""
    if section is None:
        return None
    words = " ".join(section.split())
    end = words.find("festgestellt")
    if end < 0:
        return None
    sentence = words[:end]
    return not re.search(r"\b(nicht|keine)\b", sentence)
