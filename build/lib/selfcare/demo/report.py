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
        chart=earned_chart_svg(inputs.progress.customers, rewards),
        progress=inputs.progress,
        service=inputs.service,
        speedcheck=inputs.speedcheck,
    )
