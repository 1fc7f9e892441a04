"""Every explanation the evaluator writes exists in German (program/reasons.py).

The domain writes its explanations in English; `reasons.explanation` reads them back
sentence by sentence and writes them in German. These tests walk generated histories
(every streak, cap and call rule) and every utterance of the call corpus (lexicon, trained
model, negations, fallback), and fail on any explanation the catalogue cannot read or whose
German still holds English template text.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.domain.calls import classify_text
from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.milestone import next_milestone
from selfcare.domain.program import Cap, Program
from selfcare.program.reasons import (
    PENDING_REASONS,
    SENTENCES,
    explanation,
    read_sentences,
    topic,
)
from tests.builders import call, enrolled, event, make_program
from tests.german_texts import english_fragments, fragments_in
from tests.strategies import as_of_days, histories

CORPUS = Path(__file__).parents[2] / "data" / "calls" / "corpus.csv"
ENGLISH = english_fragments([s.en for s in SENTENCES], german=[s.de for s in SENTENCES])
PROGRAMS = {
    "real case": make_program(),
    "forfeit": make_program(streak={"on_break": "forfeit", "months": 1}),
    "rolling": make_program(streak={"months": 2, "recurrence": "rolling"}),
    "cap held for good": make_program(
        caps=(Cap(period="month", max_mb=600, carry_over=False),),
        calls=make_program().calls.model_copy(update={"hotline_pass_days": 1}),
    ),
    "cap carried": make_program(caps=(Cap(period="year", max_mb=1200),)),
}


def explanations(program: Program, events: list[Event], as_of: date) -> list[str]:
    texts = []
    for customer in evaluate(program, events, as_of).customers:
        texts += [c.explanation for c in customer.calls]
        texts += [s.explanation for s in customer.streaks]
        texts += [p.explanation for p in customer.pending]
        milestone = next_milestone(program, customer)
        texts += [milestone.explanation] if milestone else []
    return texts


def assert_german(text: str, program: Program | None = None) -> str:
    assert read_sentences(text) is not None, f"no German wording for: {text}"
    german = explanation(text, "de", program)
    assert fragments_in(german, ENGLISH) == [], (text, german)
    return german


@settings(max_examples=120, deadline=None)
@given(name=st.sampled_from(sorted(PROGRAMS)), events=histories(), as_of=as_of_days())
def test_every_explanation_of_any_history_has_its_german_wording(
    name: str, events: list[Event], as_of: date
) -> None:
    program = PROGRAMS[name]
    for text in explanations(program, events, as_of):
        assert_german(text, program)


def test_the_rarer_sentences_read_back_in_german() -> None:
    """Held for good by a cap, a late call after settlement, a contract end, one day's pass."""
    program = PROGRAMS["cap held for good"]
    history = [
        enrolled("2025-01-02 10:00"),
        event("portal_registered", "2025-01-03 10:00"),
        event("app_first_login", "2025-01-03 11:00"),
        event("speedcheck_deviation", "2025-02-01 10:00", event_id="diag"),
        call("2025-02-01 18:00", reason_code="XYZ"),
        event("chat_contact", "2025-02-03 10:00", text="Frage"),
    ]
    texts = explanations(program, history, date(2025, 6, 1))
    late = [*history[:3], call("2025-01-20 10:00", recorded_at="2025-03-05 10:00")]
    texts += explanations(PROGRAMS["forfeit"], late, date(2025, 6, 1))
    ended = [*history[:3], event("contract_ended", "2025-01-10 10:00")]
    texts += explanations(PROGRAMS["forfeit"], ended, date(2025, 6, 1))
    german = " ".join(assert_german(t, program) for t in texts)
    assert "Wegen der Obergrenze (600 MB je Kalendermonat) zurückgehalten" in german
    assert "1 Kalendertag später" in german
    assert "Erst erfasst, nachdem der Bonus am" in german
    assert "Der Vertrag endete, bevor der Zeitraum erreicht war" in german
    assert "1 calendar day later" in " ".join(texts)  # and never "1 calendar days"


def test_every_verdict_on_the_call_corpus_has_its_german_wording() -> None:
    """Lexicon, trained model (sure and in the customer's favour), negations, fallback; and
    each topic once as counting, under a program where it counts."""
    real = make_program()
    counting = real.calls.model_copy(
        update={
            "categories": tuple(
                c.model_copy(update={"counts": True}) for c in real.calls.categories
            )
        }
    )
    with CORPUS.open(encoding="utf-8") as rows:
        texts = [row["text"] for row in csv.DictReader(rows)]
    rules = {"real": real.calls, "counting": counting}
    seen = set()
    for name, calls in rules.items():
        for text in texts:
            verdict = classify_text(text, rules=calls)
            seen.add((name, verdict.rule, verdict.benefit_of_the_doubt))
            assert_german(verdict.explanation, real)
    assert {
        ("real", "model", True),
        ("real", "model", False),
        ("counting", "lexicon", False),
    } <= seen


def test_values_are_named_in_german() -> None:
    program = make_program()
    verdict = classify_text(None, reason_code="VVL", rules=program.calls)
    assert explanation(verdict.explanation, "de", program) == (
        "Thema Vertragsverlängerung, erkannt am Grundcode „VVL“ des Mitarbeiters; dieses "
        "Thema zählt nicht."
    )
    assert explanation(verdict.explanation, "en", program) == verdict.explanation
    assert topic("other", "de", program) == "sonstiges Thema"
    assert PENDING_REASONS["de"]["cap_exceeded"] == "Obergrenze erreicht"


def test_an_unknown_sentence_is_kept_as_written_not_lost() -> None:
    assert (
        read_sentences("Something new. Earned; paid on 2025-01-01 after the settlement period.")
        is None
    )
    assert explanation("Something new.", "de") == "Something new."
