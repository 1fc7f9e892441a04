"""The sentences a verdict explains itself with, in German and English.

Kept apart from the rules in verdict.py so the rules stay short and readable; every sentence
names the threshold, the days and the measured numbers that decided it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from selfcare.domain.speedcheck.models import (
    Direction,
    Evidence,
    SpeedTier,
    Text,
    format_day,
    format_mbit,
)

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
    """How the non-binding estimate was computed, for the direction that gives the larger one.

    Labelled an upper bound: the formula treats the whole price as paying for speed, while
    providers count only a share of it (and calculate that share differently).
    """
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
    head = Text(
        de=f"Geschätzte Minderung ({_name(worst.direction)}, Durchschnitt gegen vereinbarte "
        f"Geschwindigkeit): höchstens {formula_de} ≈ {euros(cents, 'de')} pro Monat. Das ist "
        "eine Obergrenze: Die Formel rechnet den ganzen Preis der Geschwindigkeit zu; Anbieter "
        "setzen nur einen Teil an und berechnen die Minderung unterschiedlich.",
        en=f"Estimated reduction ({_name(worst.direction)}, mean against contracted speed): "
        f"at most {formula_en} ≈ {euros(cents, 'en')} per month. This is an upper bound: the "
        "formula counts the whole price as paying for speed; providers count only a share of "
        "it and calculate the reduction differently.",
    )
    tail = REDUCTION_PROVEN if verdict.deviation else REDUCTION_INDICATIVE
    return Text(de=f"{head.de} {tail.de}", en=f"{head.en} {tail.en}")


REDUCTION_PROVEN = Text(
    de="Unverbindliche Schätzung Ihres Anspruchs nach § 57 Abs. 4 TKG, keine Zusage des Anbieters.",
    en="A non-binding estimate of your claim under §57(4) TKG, not a commitment by the provider.",
)
REDUCTION_INDICATIVE = Text(
    de="Nur zur Orientierung: Ein Anspruch entsteht erst, wenn eine Messkampagne mit der "
    "Desktop-App der Bundesnetzagentur die Abweichung nachweist.",
    en="For orientation only: a claim arises only once a measurement campaign with the "
    "Bundesnetzagentur's Desktop App proves the deviation.",
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


HOW_TO_EVIDENCE = Text(
    de="Als Nachweis nach § 57 Abs. 4 TKG zählt nur eine Messkampagne mit der Desktop-App "
    "„Breitbandmessung“ der Bundesnetzagentur: Computer per LAN-Kabel an der Box, 30 Messungen "
    "an 3 Tagen; die App erstellt das Messprotokoll (PDF), das selfcare ebenfalls prüft.",
    en="Only a measurement campaign with the Bundesnetzagentur's 'Breitbandmessung' Desktop "
    "App counts as evidence under §57(4) TKG: computer connected to the box by LAN cable, 30 "
    "measurements on 3 days; the app writes the protocol PDF (Messprotokoll), which selfcare "
    "checks too.",
)


def summary(verdict: Verdict) -> Text:
    """One paragraph: proven, suggested, or no deviation, and what that means for the claim."""
    if verdict.evidence is Evidence.INDICATIVE:
        return _indicative_summary(verdict)
    failed_de, failed_en = _failed_list(verdict, "de"), _failed_list(verdict, "en")
    codes = ", ".join(verdict.protocol.codes)
    if verdict.deviation:
        return Text(
            de=f"Abweichung nachgewiesen (Messkampagne der Desktop-App): {failed_de}. Sie "
            "können nach § 57 Abs. 4 TKG die Zahlung mindern oder außerordentlich kündigen.",
            en=f"Deviation proven (Desktop App measurement campaign): {failed_en}. Under "
            "§57(4) TKG you may reduce your payment or cancel the contract without notice.",
        )
    if verdict.indicative_deviation:
        return Text(
            de=f"Die Messungen zeigen eine Abweichung ({failed_de}), sind aber kein gültiges "
            f"Messprotokoll ({codes}). Wiederholen Sie die Messreihe nach den Regeln.",
            en=f"The measurements show a deviation ({failed_en}) but are not a valid protocol "
            f"({codes}). Repeat the series following the rules.",
        )
    return _no_deviation(verdict, codes)


def _no_deviation(verdict: Verdict, codes: str) -> Text:
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


def _indicative_summary(verdict: Verdict) -> Text:
    """Browser tests: what the numbers suggest, never proof, and how to get evidence."""
    codes = ", ".join(verdict.protocol.codes)
    broken_de = f"; sie sind zudem kein gültiges Messprotokoll ({codes})" if codes else ""
    broken_en = f"; they are also not a valid protocol ({codes})" if codes else ""
    if verdict.indicative_deviation:
        return Text(
            de=f"Die Messungen deuten auf eine Abweichung hin ({_failed_list(verdict, 'de')})"
            f"{broken_de}. Sie stammen aus einem Browser-Test und sind nur ein Hinweis: Sie "
            "weisen keine Abweichung nach und berechtigen nicht zur Minderung. "
            f"{HOW_TO_EVIDENCE.de}",
            en=f"The measurements suggest a deviation ({_failed_list(verdict, 'en')})"
            f"{broken_en}. They come from a browser test and are indicative only: they do not "
            f"prove a deviation and do not entitle you to a reduction. {HOW_TO_EVIDENCE.en}",
        )
    return Text(
        de=f"Die Messungen deuten auf keine Abweichung hin{broken_de}. Sie stammen aus einem "
        f"Browser-Test und sind nur ein Hinweis. {HOW_TO_EVIDENCE.de}",
        en=f"The measurements suggest no deviation{broken_en}. They come from a browser test "
        f"and are indicative only. {HOW_TO_EVIDENCE.en}",
    )
