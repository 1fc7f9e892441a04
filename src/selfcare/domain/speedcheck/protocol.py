"""The measurement protocol of the regulator: is a series of measurements usable as evidence?

Fixed line (BNetzA Allgemeinverfügung, in force since 13 Dec 2021): 30 measurements on 3
calendar days, 10 per day, a free calendar day between measuring days, all within 14
calendar days, at least 5 minutes between two measurements, at least 3 hours between the
5th and the 6th measurement of a day, computer connected by LAN cable.

Mobile (draft of 2024, NOT in force): 30 measurements on 5 calendar days, 6 per day; the
draft's remaining details are not final, so only those counts and the 5-minute spacing are
checked. The profile is labelled as a draft wherever it is shown.

A broken protocol is a result, not an exception: every problem gets a stable code (the JSON
contract) and a sentence in German and English that names the days and times involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from selfcare.domain.speedcheck.models import BERLIN, Connection, Measurement, Text, format_day
from selfcare.domain.speedcheck.protocol_rules import (
    FIXED_LINE,
    MOBILE_DRAFT,
    ProblemCode,
    ProfileName,
    ProtocolProblem,
    ProtocolRules,
    rules_for,
)

__all__ = [
    "FIXED_LINE",
    "HOW_TO_CABLE",
    "MOBILE_DRAFT",
    "ProblemCode",
    "ProfileName",
    "ProtocolCheck",
    "ProtocolProblem",
    "ProtocolRules",
    "by_day",
    "check_protocol",
    "rules_for",
]


@dataclass(frozen=True)
class ProtocolCheck:
    """The outcome of checking a series against a protocol."""

    rules: ProtocolRules
    problems: tuple[ProtocolProblem, ...]
    notes: tuple[Text, ...]
    days: tuple[date, ...]
    count: int

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [problem.code.value for problem in self.problems]


def by_day(
    measurements: Iterable[Measurement], zone: ZoneInfo = BERLIN
) -> dict[date, list[Measurement]]:
    """Measurements grouped by local calendar day, days and measurements in time order."""
    days: dict[date, list[Measurement]] = {}
    for item in sorted(measurements, key=lambda m: m.measured_at):
        days.setdefault(item.measured_at.astimezone(zone).date(), []).append(item)
    return dict(sorted(days.items()))


def check_protocol(
    measurements: Sequence[Measurement],
    rules: ProtocolRules = FIXED_LINE,
    zone: ZoneInfo = BERLIN,
) -> ProtocolCheck:
    """Check a series against the protocol; every broken rule becomes one coded problem."""
    days = by_day(measurements, zone)
    ordered = [item for day in days.values() for item in day]
    problems = [
        *_count_problems(len(ordered), rules),
        *_day_count_problems(days, rules),
        *_per_day_problems(days, rules),
        *_separation_problems(list(days), rules),
        *_span_problems(list(days), rules),
        *_spacing_problems(ordered, rules, zone),
        *_pause_problems(days, rules, zone),
        *_connection_problems(ordered, rules, zone),
    ]
    return ProtocolCheck(rules, tuple(problems), (), tuple(days), len(ordered))


def _count_problems(count: int, rules: ProtocolRules) -> list[ProtocolProblem]:
    if count < rules.measurements:
        return [
            _problem(
                ProblemCode.TOO_FEW_MEASUREMENTS,
                f"Nur {count} von {rules.measurements} Messungen.",
                f"Only {count} of {rules.measurements} measurements.",
            )
        ]
    if count > rules.measurements:
        return [
            _problem(
                ProblemCode.TOO_MANY_MEASUREMENTS,
                f"{count} Messungen statt genau {rules.measurements}.",
                f"{count} measurements instead of exactly {rules.measurements}.",
            )
        ]
    return []


def _day_count_problems(
    days: dict[date, list[Measurement]], rules: ProtocolRules
) -> list[ProtocolProblem]:
    if len(days) == rules.days:
        return []
    de_days = ", ".join(format_day(day, "de") for day in days) or "keinem Tag"
    en_days = ", ".join(format_day(day) for day in days) or "no day"
    return [
        _problem(
            ProblemCode.WRONG_DAY_COUNT,
            f"Gemessen an {len(days)} {'Kalendertag' if len(days) == 1 else 'Kalendertagen'} "
            f"({de_days}); nötig sind genau {rules.days}.",
            f"Measured on {len(days)} calendar day{'' if len(days) == 1 else 's'} ({en_days}); "
            f"exactly {rules.days} are needed.",
        )
    ]


def _per_day_problems(
    days: dict[date, list[Measurement]], rules: ProtocolRules
) -> list[ProtocolProblem]:
    wrong = [(day, len(items)) for day, items in days.items() if len(items) != rules.per_day]
    if not wrong:
        return []
    de = "; ".join(f"{format_day(day, 'de')}: {n}" for day, n in wrong)
    en = "; ".join(f"{format_day(day)}: {n}" for day, n in wrong)
    return [
        _problem(
            ProblemCode.WRONG_PER_DAY_COUNT,
            f"Pro Messtag sind genau {rules.per_day} Messungen nötig, gezählt: {de}.",
            f"Each measuring day needs exactly {rules.per_day} measurements, counted: {en}.",
        )
    ]


def _separation_problems(days: list[date], rules: ProtocolRules) -> list[ProtocolProblem]:
    if not rules.free_day_between:
        return []
    adjacent = [(a, b) for a, b in pairwise(days) if (b - a).days < 2]  # noqa: PLR2004 - next day
    if not adjacent:
        return []
    de = ", ".join(f"{format_day(a, 'de')} und {format_day(b, 'de')}" for a, b in adjacent)
    en = ", ".join(f"{format_day(a)} and {format_day(b)}" for a, b in adjacent)
    return [
        _problem(
            ProblemCode.DAYS_NOT_SEPARATED,
            f"Zwischen zwei Messtagen muss ein Tag ohne Messung liegen: {de} folgen direkt.",
            f"A day without measurements must lie between measuring days: {en} are adjacent.",
        )
    ]


def _span_problems(days: list[date], rules: ProtocolRules) -> list[ProtocolProblem]:
    if rules.span_days is None or not days:
        return []
    span = (days[-1] - days[0]).days + 1
    if span <= rules.span_days:
        return []
    first_de, last_de = format_day(days[0], "de"), format_day(days[-1], "de")
    return [
        _problem(
            ProblemCode.SPAN_OVER_14_DAYS,
            f"Vom ersten ({first_de}) bis zum letzten Messtag ({last_de}) sind es {span} "
            f"Kalendertage; erlaubt sind höchstens {rules.span_days}.",
            f"From the first ({format_day(days[0])}) to the last measuring day "
            f"({format_day(days[-1])}) span {span} calendar days; at most "
            f"{rules.span_days} are allowed.",
        )
    ]


def _spacing_problems(
    ordered: list[Measurement], rules: ProtocolRules, zone: ZoneInfo
) -> list[ProtocolProblem]:
    pairs = [
        (a, b) for a, b in pairwise(ordered) if b.measured_at - a.measured_at < rules.min_spacing
    ]
    if not pairs:
        return []
    shown = pairs[:3]
    more_de = f" und {len(pairs) - 3} weitere" if len(pairs) > 3 else ""  # noqa: PLR2004 - 3 shown
    more_en = f" and {len(pairs) - 3} more" if len(pairs) > 3 else ""  # noqa: PLR2004 - 3 shown
    de = "; ".join(_gap_text(a, b, zone, "de") for a, b in shown) + more_de
    en = "; ".join(_gap_text(a, b, zone, "en") for a, b in shown) + more_en
    minutes = int(rules.min_spacing.total_seconds() // 60)
    return [
        _problem(
            ProblemCode.TOO_CLOSE,
            f"Zwischen zwei Messungen müssen mindestens {minutes} Minuten liegen: {de}.",
            f"At least {minutes} minutes must lie between two measurements: {en}.",
        )
    ]


def _pause_problems(
    days: dict[date, list[Measurement]], rules: ProtocolRules, zone: ZoneInfo
) -> list[ProtocolProblem]:
    after = rules.pause_after
    if after is None:
        return []
    short = [
        (items[after - 1], items[after])
        for items in days.values()
        if len(items) > after
        and items[after].measured_at - items[after - 1].measured_at < rules.pause
    ]
    if not short:
        return []
    hours = int(rules.pause.total_seconds() // 3600)
    de = "; ".join(_gap_text(a, b, zone, "de") for a, b in short)
    en = "; ".join(_gap_text(a, b, zone, "en") for a, b in short)
    return [
        _problem(
            ProblemCode.NO_3H_PAUSE,
            f"Zwischen der {after}. und der {after + 1}. Messung eines Tages müssen mindestens "
            f"{hours} Stunden liegen: {de}.",
            f"At least {hours} hours must lie between the {_ordinal(after)} and the "
            f"{_ordinal(after + 1)} measurement of a day: {en}.",
        )
    ]


def _connection_problems(
    ordered: list[Measurement], rules: ProtocolRules, zone: ZoneInfo
) -> list[ProtocolProblem]:
    """WLAN measurements (`not_lan`) and unrecorded connections (`connection_not_lan`).

    An unknown connection is not LAN: the regulator's browser-test CSV never records it,
    so such a series cannot pass as a cable measurement by default.
    """
    if not rules.lan_only:
        return []
    wlan = [item for item in ordered if item.connection is Connection.WLAN]
    unknown = [item for item in ordered if item.connection is Connection.UNKNOWN]
    problems = []
    if wlan:
        when_de = ", ".join(_moment(item, zone, "de") for item in wlan[:3])
        when_en = ", ".join(_moment(item, zone, "en") for item in wlan[:3])
        problems.append(
            _problem(
                ProblemCode.NOT_LAN,
                f"{len(wlan)} Messung(en) über WLAN ({when_de}); zählen nur per LAN-Kabel. "
                f"{HOW_TO_CABLE.de}",
                f"{len(wlan)} measurement(s) over WLAN ({when_en}); only LAN cable counts. "
                f"{HOW_TO_CABLE.en}",
            )
        )
    if unknown:
        problems.append(
            _problem(
                ProblemCode.CONNECTION_NOT_LAN,
                f"Bei {len(unknown)} Messung(en) ist nicht vermerkt, ob der Computer per "
                f"LAN-Kabel angeschlossen war; eine unbekannte Verbindung gilt nicht als LAN. "
                f"{HOW_TO_CABLE.de}",
                f"{len(unknown)} measurement(s) do not record whether the computer was "
                f"connected by LAN cable; an unknown connection is not LAN. {HOW_TO_CABLE.en}",
            )
        )
    return problems


HOW_TO_CABLE = Text(
    de="So messen Sie per Kabel: den Computer mit einem LAN-Kabel direkt an die Box "
    "anschließen, sein WLAN ausschalten und dann messen (die Desktop-App der "
    "Bundesnetzagentur prüft und vermerkt das selbst).",
    en="To measure by cable: connect the computer directly to the box with a LAN cable, "
    "switch off its WLAN, then measure (the Bundesnetzagentur's Desktop App checks and "
    "records this itself).",
)


def _problem(code: ProblemCode, de: str, en: str) -> ProtocolProblem:
    return ProtocolProblem(code, Text(de=de, en=en))


def _moment(item: Measurement, zone: ZoneInfo, lang: str) -> str:
    local = item.measured_at.astimezone(zone)
    return f"{format_day(local.date(), lang)} {local:%H:%M:%S}"


def _gap_text(a: Measurement, b: Measurement, zone: ZoneInfo, lang: str) -> str:
    gap = format_duration(b.measured_at - a.measured_at)
    joiner = "bis" if lang == "de" else "to"
    local_b = b.measured_at.astimezone(zone)
    return f"{_moment(a, zone, lang)} {joiner} {local_b:%H:%M:%S} ({gap})"


def format_duration(gap: timedelta) -> str:
    """A gap as people read it: `4 min 59 s`, `2 h 55 min` (same in German and English)."""
    seconds = int(gap.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")  # noqa: PLR2004 - teens take "th"
    return f"{number}{suffix}"
