"""Value objects of the speed check: measurements, contracted speeds, bilingual texts.

Speeds are integers in kbit/s (1 Mbit/s = 1000 kbit/s), like money and volumes elsewhere in
selfcare: the regulator's thresholds (90 %, the minimum) are then exact integer comparisons,
with no float rounding deciding a customer's claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
KBPS_PER_MBPS = 1000


class Connection(StrEnum):
    """How the measuring computer was connected: the regulator accepts LAN cable only."""

    LAN = "lan"
    WLAN = "wlan"
    UNKNOWN = "unknown"


class Direction(StrEnum):
    """Download and upload are judged separately."""

    DOWNLOAD = "download"
    UPLOAD = "upload"


@dataclass(frozen=True)
class Text:
    """A sentence for the customer in German and English."""

    de: str
    en: str

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class Measurement:
    """One speed test: when it started, what it achieved, and how it was connected.

    `measured_at` is kept in UTC: Python subtracts two datetimes of the same zone on the wall
    clock, which would make 00:50 → 03:50 on the night clocks go forward three hours instead
    of two. Calendar days are taken in Europe/Berlin where the rules need them.
    """

    measured_at: datetime
    download_kbps: int
    upload_kbps: int
    ping_ms: int | None = None
    connection: Connection = Connection.UNKNOWN
    source: str = ""
    test_id: str | None = None
    series_id: str | None = None

    def __post_init__(self) -> None:
        if self.measured_at.utcoffset() is None:
            msg = f"{self.source or 'measurement'}: the time needs a time zone"
            raise ValueError(msg)
        object.__setattr__(self, "measured_at", self.measured_at.astimezone(UTC))
        if self.download_kbps < 0 or self.upload_kbps < 0:
            msg = f"{self.source or 'measurement'}: a speed cannot be negative"
            raise ValueError(msg)

    def speed(self, direction: Direction) -> int:
        """The measured speed in kbit/s for one direction."""
        return self.download_kbps if direction is Direction.DOWNLOAD else self.upload_kbps


@dataclass(frozen=True)
class SpeedTier:
    """The three speeds a fixed-line contract states for one direction (kbit/s).

    For the mobile draft only `max_kbps` (the estimated maximum) matters; the others may
    equal it.
    """

    max_kbps: int
    normal_kbps: int
    min_kbps: int

    def __post_init__(self) -> None:
        if not 0 < self.min_kbps <= self.normal_kbps <= self.max_kbps:
            msg = (
                "contracted speeds must satisfy 0 < minimum ≤ normal ≤ maximum, got "
                f"{format_mbit(self.max_kbps)}/{format_mbit(self.normal_kbps)}/"
                f"{format_mbit(self.min_kbps)} Mbit/s"
            )
            raise ValueError(msg)


@dataclass(frozen=True)
class Contract:
    """What the provider promised, per direction, and the monthly price (for the estimate)."""

    download: SpeedTier
    upload: SpeedTier
    price_cents: int | None = None

    def tier(self, direction: Direction) -> SpeedTier:
        return self.download if direction is Direction.DOWNLOAD else self.upload


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_mbit(text: str) -> int:
    """Mbit/s as written by people or the regulator's app ("94,73", "94.73", "1.000,5") → kbit/s.

    A comma is the decimal mark; a dot is a thousands separator when a comma follows it,
    otherwise a decimal point (files re-saved by an English spreadsheet).
    """
    raw = text.strip().replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "")
    if raw.count(".") + raw.count(",") > 1 or not _NUMBER.match(raw):
        msg = f"{text!r} is not a speed in Mbit/s such as 94,73"
        raise ValueError(msg)
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already rules it out
        msg = f"{text!r} is not a speed in Mbit/s such as 94,73"
        raise ValueError(msg) from exc
    return int((value * KBPS_PER_MBPS).to_integral_value())


def format_mbit(kbps: int, lang: str = "en") -> str:
    """kbit/s → Mbit/s, exact (up to three decimals), decimal comma for `de`: 89999 → 89,999.

    Exact on purpose: a rounded 89.999 would read as 90 next to a 90 Mbit/s threshold.
    """
    whole, rest = divmod(kbps, KBPS_PER_MBPS)
    text = str(whole) if rest == 0 else f"{whole}.{rest:03d}".rstrip("0")
    return text.replace(".", ",") if lang == "de" else text


def format_day(day: date, lang: str = "en") -> str:
    """A calendar day the way customers write it: 13.05.2025 (de) or 2025-05-13 (en)."""
    if isinstance(day, datetime):
        day = day.date()
    if lang == "de":
        return f"{day:%d.%m.%Y}"
    return f"{day:%Y-%m-%d}"


@dataclass(frozen=True)
class LineRates:
    """What the box reports about its DSL line (kbit/s; margins and attenuation in 0.1 dB)."""

    downstream_kbps: int
    upstream_kbps: int
    downstream_max_kbps: int
    upstream_max_kbps: int
    downstream_noise_margin: int | None = None
    downstream_attenuation: int | None = None
    status: str | None = None
