"""The sentences a verdict explains itself with, in German and English.

Kept apart from the rules in verdict.py so the rules stay short and readable; every sentence
names the threshold, the days and the measured numbers that decided it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from selfcare.domain.speedcheck.models import Direction, SpeedTier, Text, format_day, format_mbit

if TYPE_CHECKING:
    from selfcare.domain.speedcheck.verdict import DirectionVerdict, Verdict

AREA_DE = {"urban": "städtische", "semi-urban": "halbstädtische", "rural": "ländliche"}
AREA_EN = {"urban": "urban", "semi-urban": "semi-urban", "rural": "rural"}


def _mb(kbps: int, lang: str) -> str:
    return f"{format_mbit(kbps, lang)} Mbit/s"


def _name(direction: Direction) -> str:
    return "Download" if direction is Direction.DOWNLOAD else "Upload"


def _days(days: tuple[date, ...], speeds: dict[date, list[int]], pick: str, lang: str) -> str:
    """`13.05.2025 (best 85.2 Mbit/s), …` for the days that decided a criterion."""
    parts = []
    for day in days:
        value = max(speeds[day]) if pick == "best" else min(speeds[day])
        label = {"best": ("beste Messung", "best"), "worst": ("niedrigste", "lowest")}[pick]
        word = label[0] if lang == "de" else label[1]
        parts.append(f"{format_day(day, lang)} ({word} {_mb(value, lang)})")
    return ", ".join(parts)


def max_text(
    direction: Direction,
    *,
    tier: SpeedTier,
    threshold: int,
    failing: tuple[date, ...],
    speeds: dict[date, list[int]],
    failed: bool,
) -> Text:
    name, n = _name(direction), len(speeds)
    head_de = (
        f"{name}: 90 % der vereinbarten Höchstgeschwindigkeit von {_mb(tier.max_kbps, 'de')} "
        f"sind {_mb(threshold, 'de')}"
    )
    head_en = (
        f"{name}: 90 % of the contracted maximum of {_mb(tier.max_kbps, 'en')} "
        f"is {_mb(threshold, 'en')}"
    )
    if not failing:
        return Text(
            de=f"{head_de}; dieser Wert wurde an jedem Messtag mindestens einmal erreicht.",
            en=f"{head_en}; it was reached at least once on every measuring day.",
        )
    verdict_de = (
        "Abweichung." if failed else "Erst ab zwei solchen Tagen liegt eine Abweichung vor."
    )
    verdict_en = "Deviation." if failed else "It takes two such days to make a deviation."
    return Text(
        de=f"{head_de}; an {len(failing)} von {n} Messtagen nie erreicht: "
        f"{_days(failing, speeds, 'best', 'de')}. {verdict_de}",
        en=f"{head_en}; never reached on {len(failing)} of {n} measuring days: "
        f"{_days(failing, speeds, 'best', 'en')}. {verdict_en}",
    )


def normal_text(
    direction: Direction, *, tier: SpeedTier, reached: int, total: int, failed: bool
) -> Text:
    name = _name(direction)
    need = -(-9 * total // 10)
    share = f"{100 * reached / total:.1f}" if total else "0.0"
    outcome = ("Abweichung.", "Deviation.") if failed else ("Erfüllt.", "Met.")
    return Text(
        de=f"{name}: Die normalerweise verfügbare Geschwindigkeit von "
        f"{_mb(tier.normal_kbps, 'de')} wurde in {reached} von {total} Messungen erreicht "
        f"({share.replace('.', ',')} %); nötig sind 90 % ({need} Messungen). {outcome[0]}",
        en=f"{name}: The normally available speed of {_mb(tier.normal_kbps, 'en')} was "
        f"reached in {reached} of {total} measurements ({share} %); 90 % ({need} "
        f"measurements) are needed. {outcome[1]}",
    )


def min_text(
    direction: Direction,
    *,
    tier: SpeedTier,
    failing: tuple[date, ...],
    speeds: dict[date, list[int]],
    failed: bool,
) -> Text:
    name, n = _name(direction), len(speeds)
    head_de = f"{name}: Die Mindestgeschwindigkeit von {_mb(tier.min_kbps, 'de')}"
    head_en = f"{name}: The contracted minimum of {_mb(tier.min_kbps, 'en')}"
    if not failing:
        return Text(
            de=f"{head_de} wurde an keinem Messtag unterschritten.",
            en=f"{head_en} was not undercut on any measuring day.",
        )
    verdict_de = (
        "Abweichung." if failed else "Erst ab zwei solchen Tagen liegt eine Abweichung vor."
    )
    verdict_en = "Deviation." if failed else "It takes two such days to make a deviation."
    return Text(
        de=f"{head_de} wurde an {len(failing)} von {n} Messtagen unterschritten: "
        f"{_days(failing, speeds, 'worst', 'de')}. {verdict_de}",
        en=f"{head_en} was undercut on {len(failing)} of {n} measuring days: "
        f"{_days(failing, speeds, 'worst', 'en')}. {verdict_en}",
    )


def mobile_text(
    direction: Direction,
    *,
    tier: SpeedTier,
    area: str,
    percent: int,
    threshold: int,
    mean: int,
    failed: bool,
) -> Text:
    name = _name(direction)
    below_de, below_en = ("unter", "below") if failed else ("nicht unter", "not below")
    return Text(
        de=f"{name} (ENTWURF Mobilfunk 2024, nicht in Kraft): Der Durchschnitt von "
        f"{_mb(mean, 'de')} liegt {below_de} {percent} % der geschätzten Höchstgeschwindigkeit "
        f"von {_mb(tier.max_kbps, 'de')} ({_mb(threshold, 'de')}) für {AREA_DE[area]} Gebiete.",
        en=f"{name} (mobile DRAFT 2024, not in force): the mean of {_mb(mean, 'en')} is "
        f"{below_en} {percent} % of the estimated maximum of {_mb(tier.max_kbps, 'en')} "
        f"({_mb(threshold, 'en')}) for {AREA_EN[area]} areas.",
    )


def euros(cents: int, lang: str) -> str:
    """Whole cents as money: `12,34 €` (de) or `EUR 12.34` (en)."""
    text = f"{cents // 100}.{cents % 100:02d}"
    return f"{text.replace('.', ',')} €" if lang == "de" else f"EUR {text}"


def reduction_text(verdict: Verdict) -> Text | None:
    """How the non-binding estimate was computed, for the direction that gives the larger one."""
    price = verdict.contract.price_cents
    cents = verdict.reduction_cents
    if price is None or cents is None:
        return None
    worst = max(
        (d for d in verdict.directions if d.reduction_cents is not None),
        key=lambda d: d.reduction_cents or 0,
    )
    basis = _basis_kbps(worst)
    formula_de = f"{euros(price, 'de')} × (1 − {_mb(worst.mean_kbps, 'de')} / {_mb(basis, 'de')})"
    formula_en = f"{euros(price, 'en')} × (1 − {_mb(worst.mean_kbps, 'en')} / {_mb(basis, 'en')})"
    return Text(
        de=f"Geschätzte Minderung ({_name(worst.direction)}, Durchschnitt gegen vereinbarte "
        f"Geschwindigkeit): {formula_de} ≈ {euros(cents, 'de')} pro Monat. Unverbindliche "
        "Schätzung Ihres Anspruchs nach § 57 Abs. 4 TKG, keine Zusage des Anbieters.",
        en=f"Estimated reduction ({_name(worst.direction)}, mean against contracted speed): "
        f"{formula_en} ≈ {euros(cents, 'en')} per month. A non-binding estimate of your claim "
        "under §57(4) TKG, not a commitment by the provider.",
    )


def _basis_kbps(direction: DirectionVerdict) -> int:
    first = direction.criteria[0]
    return (
        first.threshold_kbps
        if first.criterion.value == "estimated_max_share"
        else (direction.tier.normal_kbps)
    )


def _failed_list(verdict: Verdict, lang: str) -> str:
    parts = [
        f"{_name(d.direction)} ({', '.join(d.failed_criteria)})"
        for d in verdict.directions
        if d.deviation
    ]
    return ", ".join(parts) or ("keine" if lang == "de" else "none")


def summary(verdict: Verdict) -> Text:
    """One paragraph: proven, indicative, or no deviation, and what that means for the claim."""
    failed_de, failed_en = _failed_list(verdict, "de"), _failed_list(verdict, "en")
    codes = ", ".join(verdict.protocol.codes)
    if verdict.deviation:
        return Text(
            de=f"Abweichung nachgewiesen: {failed_de}. Sie können nach § 57 Abs. 4 TKG die "
            "Zahlung mindern oder außerordentlich kündigen.",
            en=f"Deviation proven: {failed_en}. Under §57(4) TKG you may reduce your payment "
            "or cancel the contract without notice.",
        )
    if verdict.indicative_deviation:
        return Text(
            de=f"Die Messungen zeigen eine Abweichung ({failed_de}), sind aber kein gültiges "
            f"Messprotokoll ({codes}). Wiederholen Sie die Messreihe nach den Regeln.",
            en=f"The measurements show a deviation ({failed_en}) but are not a valid protocol "
            f"({codes}). Repeat the series following the rules.",
        )
    if verdict.protocol.valid:
        return Text(
            de="Keine Abweichung: alle Kriterien sind für Download und Upload erfüllt.",
            en="No deviation: every criterion is met for download and upload.",
        )
    return Text(
        de="Keine Abweichung erkennbar; die Messreihe ist zudem kein gültiges Protokoll "
        f"({codes}).",
        en=f"No deviation visible; the series is also not a valid protocol ({codes}).",
    )
