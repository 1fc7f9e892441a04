"""`selfcare demo --lang de`: the console output and the report hold no English template text.

The German run is compared with the English texts in two ways: the report rendered in
English from the same results (every English text node the German report repeats is a
leak), and the English halves of every word catalogue the demo draws on (headings,
service figures, console words, explanations, the program's rules and titles).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.cli.demo import DEMO_WORDS
from selfcare.cli.evaluate import CONSOLE_WORDS, print_progress
from selfcare.demo.report import HEADINGS, SERVICE_DE, ReportInputs, render_report
from selfcare.demo.story import run_demo
from selfcare.program.explain_texts import BUILTIN_TITLES, TEXTS
from selfcare.program.load import bundled_example
from selfcare.program.reasons import PENDING_REASONS, SENTENCES, STATUS
from tests.german_texts import english_fragments, fragments_in, repeated_english, visible_texts

pytestmark = pytest.mark.integration


def _strings(catalogue: object) -> list[str]:
    if isinstance(catalogue, str):
        return [catalogue]
    if isinstance(catalogue, dict):
        return [s for value in catalogue.values() for s in _strings(value)]
    if isinstance(catalogue, tuple | list):
        return [s for value in catalogue for s in _strings(value)]
    return []


def english_catalogue() -> set[str]:
    program = bundled_example()
    english = [
        *_strings(HEADINGS["en"]),
        *SERVICE_DE,
        *_strings(DEMO_WORDS["en"]),
        *_strings(CONSOLE_WORDS["en"]),
        *_strings(TEXTS["en"]),
        *BUILTIN_TITLES["en"],
        *_strings(STATUS["en"]),
        *_strings(PENDING_REASONS["en"]),
        *(s.en for s in SENTENCES),
        *(r.title.get("en") for r in program.rewards),
    ]
    german = [
        *_strings(HEADINGS["de"]),
        *SERVICE_DE.values(),
        *_strings(TEXTS["de"]),
        *(s.de for s in SENTENCES),
    ]
    return english_fragments(english, german=german)


def console_pieces(output: str) -> list[str]:
    """A console text cut where its columns and labels end."""
    pieces = re.split(r"\s{2,}|\n|: |, |─+", output)
    return [" ".join(p.split()) for p in pieces if p.strip()]


def test_the_german_demo_shows_no_english_template_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no wrapped lines: a piece stays on one line
    outcome = CliRunner().invoke(
        app, ["demo", "--folder", str(tmp_path), "--lang", "de", "--pilot-customers", "400"]
    )
    assert outcome.exit_code == 0, outcome.output
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert fragments_in(outcome.stdout, english_catalogue()) == []
    assert fragments_in(" ".join(visible_texts(report)), english_catalogue()) == []

    program = bundled_example()
    english = run_demo(tmp_path / "en", pilot_customers=0)
    english_report = render_report(
        ReportInputs(program, english.progress, service=english.service), "en"
    )
    ids = [c.customer_id for c in english.progress.customers]
    ids += [x.event_id for c in english.progress.customers for x in c.calls]
    ids += [f"selfcare Demo-Bericht: {program.name}", f"selfcare demo report: {program.name}"]
    assert repeated_english(visible_texts(report), visible_texts(english_report), data=ids) == []
    capsys.readouterr()
    print_progress(
        english.progress.as_of, english.progress.customers, skipped=0, lang="en", program=program
    )
    english_console = console_pieces(capsys.readouterr().out)
    assert repeated_english(console_pieces(outcome.stdout), english_console, data=ids) == []
    # What the German reader gets instead (spot checks).
    assert "Serie Neun Monate ohne Hotline-Anruf: erreicht" in outcome.stdout
    assert "Registrierung im Kundenportal" in report
    assert "Thema Vertragsverlängerung, erkannt an den Worten „verlängern“" in report
    assert "einmalig" in report
    assert "keine Abweichung" in report
    assert "Wirkung der Einladung (95-%-Bereich)" in outcome.stdout  # the pilot's summary
    # The demo quiets the relay's line per attempt for its own run only.
    assert logging.getLogger("selfcare.grants.outbox").level == logging.NOTSET
