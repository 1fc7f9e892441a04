"""The demo report: one self-contained HTML page (no script) an operator can open anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcare.demo.chart import earned_chart_svg
from selfcare.domain.program import Program
from selfcare.domain.progress import Progress
from selfcare.program.explain import explain_text
from selfcare.program.reasons import (
    explanation,
    pending_reason,
    period_word,
    reward_title,
    status_word,
    topic,
)

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)

HEADINGS = {
    "en": {
        "title": "selfcare demo report",
        "rules": "The program's rules",
        "chart": "Data earned",
        "customers": "Customers",
        "service": "Service: ledger and charging system",
        "speed": "Speed check example",
        "earned": "earned",
        "grants": "Grants",
        "pending": "Pending",
        "calls": "Calls",
        "counts": "counts",
        "free": "does not count",
        "streak": "Streak",
        "as_of": "as of",
        "period": "period",
        "date": "date",
        "granted": "granted",
        "topic": "topic",
        "why": "why",
    },
    "de": {
        "title": "selfcare Demo-Bericht",
        "rules": "Die Regeln des Programms",
        "chart": "Erworbenes Datenvolumen",
        "customers": "Kunden",
        "service": "Dienst: Gutschriften und Abrechnungssystem",
        "speed": "Beispiel Speedtest",
        "earned": "erworben",
        "grants": "Gutschriften",
        "pending": "Ausstehend",
        "calls": "Anrufe",
        "counts": "zählt",
        "free": "zählt nicht",
        "streak": "Serie",
        "as_of": "Stand",
        "period": "Zeitraum",
        "date": "Datum",
        "granted": "gutgeschrieben",
        "topic": "Thema",
        "why": "Begründung",
    },
}


@dataclass(frozen=True)
class ReportInputs:
    """What the report shows: the evaluation, plus optional service and speed check facts."""

    program: Program
    progress: Progress
    service: dict[str, Any] = field(default_factory=dict)
    speedcheck: dict[str, Any] = field(default_factory=dict)


def render_report(inputs: ReportInputs, lang: str = "en") -> str:
    """The whole report as HTML in German or English."""
    words = HEADINGS["de" if lang == "de" else "en"]
    rewards = tuple(r.id for r in inputs.program.rewards)
    return _ENV.get_template("report.html").render(
        lang=lang,
        t=words,
        program=inputs.program,
        rules=explain_text(inputs.program, lang),
        chart=earned_chart_svg(inputs.progress.customers, rewards, _chart_labels(inputs, lang)),
        progress=inputs.progress,
        service=inputs.service,
        speedcheck=inputs.speedcheck,
        reward_title=lambda reward_id: _reward_title(inputs.program, reward_id, lang),
        topic=lambda name: _topic(inputs.program, name, lang),
        label=lambda text: service_label(text, lang),
        why=lambda text: explanation(text, lang, inputs.program),
        status=lambda value: status_word(value, lang),
        period=lambda value: period_word(value, lang),
        reason=lambda value: pending_reason(value, lang),
    )


def _chart_labels(inputs: ReportInputs, lang: str) -> dict[str, str]:
    words = HEADINGS["de" if lang == "de" else "en"]
    labels = {r.id: _reward_title(inputs.program, r.id, lang) for r in inputs.program.rewards}
    return labels | {"pending": str(words["pending"]), "aria": str(words["chart"])}


def _reward_title(program: Program, reward_id: str, lang: str) -> str:
    """The reward's title in the report's language (its id when the file gives none)."""
    return reward_title(reward_id, lang, program)


def _topic(program: Program, name: str, lang: str) -> str:
    return topic(name, lang, program)


# The story's service figures are keyed in English (tests and progress.json read them);
# the German report shows them under these labels.
SERVICE_DE = {
    "database": "Datenbank",
    "events stored / duplicates / quarantined": "Ereignisse gespeichert / doppelt / abgewiesen",
    "grants in the ledger": "Gutschriften im Hauptbuch",
    "ledger: MB granted": "Hauptbuch: MB gutgeschrieben",
    "top-up attempts (with lost answers and 500s)": (
        "Aufladeversuche (mit verlorenen Antworten und Fehlern 500)"
    ),
    "top-ups applied by the charging system": "vom Abrechnungssystem ausgeführte Aufladungen",
    "relay: confirmed": "Versand: bestätigt",
    "reconciliation": "Abgleich",
    "reference evaluator: MB earned": "Referenz-Auswertung: MB erworben",
    "no difference": "keine Abweichung",
}


def service_label(text: object, lang: str) -> object:
    """A service figure's label (or a word value) in the report's language."""
    if lang != "de" or not isinstance(text, str):
        return text
    return SERVICE_DE.get(text, text)
