"""The demo report in German carries no English template text: headings, column names,
statuses, service figures and reward and topic names all come in German.

Known limit: the evaluator's explanations (`explanation` of calls, streaks and pending
grants) are written in English by the domain; they are not template text and are not
checked here.
"""

from __future__ import annotations

import re
from datetime import date

from selfcare.demo.report import HEADINGS, SERVICE_DE, ReportInputs, render_report
from selfcare.domain.evaluator import evaluate
from selfcare.ingest.event_files import parse_jsonl
from selfcare.program.load import bundled_example


def german_report() -> str:
    from importlib import resources

    program = bundled_example()
    text = resources.files("selfcare.program").joinpath("example-events.jsonl").read_text()
    events = parse_jsonl(text, source="example-events.jsonl").events
    progress = evaluate(program, events, date(2026, 3, 31))
    service: dict[str, object] = {key: 1 for key in SERVICE_DE if key != "no difference"}
    service["reconciliation"] = "no difference"
    return render_report(ReportInputs(program, progress, service=service), "de")


def english_words() -> set[str]:
    english, german = HEADINGS["en"], HEADINGS["de"]
    words = {v for k, v in english.items() if isinstance(v, str) and v != german[k]}
    statuses = (english["status"], german["status"])
    assert isinstance(statuses[0], dict)
    assert isinstance(statuses[1], dict)
    words |= set(statuses[0].values()) - set(statuses[1].values())
    return words | set(SERVICE_DE) | {"portal_registration", "nine_months_without_hotline"}


def template_texts(html: str) -> list[str]:
    """Texts of headings, table cells and bold marks: where the template's words stand."""
    cells = re.findall(r"<(h1|h2|h3|th|td|b|title|p|text)[^>]*>([^<]*)<", html)
    return [" ".join(text.split()) for _, text in cells if text.strip()]


def test_the_german_report_has_no_english_template_text() -> None:
    html = german_report()
    texts = template_texts(html)
    leaks = sorted(
        {w for w in english_words() for t in texts if t == w or t.startswith((w + ":", w + " ("))}
    )
    assert leaks == []
    assert "<p>Stand 2026-03-31</p>" in html
    assert "Registrierung im Kundenportal" in html
    assert "Vertragsverlängerung" in html
    assert "keine Abweichung" in html
