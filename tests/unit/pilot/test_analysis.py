"""The evaluation on a simulated pilot: close to the truth, in the contract's shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from selfcare.domain.calls import classify_text
from selfcare.domain.contacts import contact_verdict
from selfcare.domain.events import DIAGNOSIS_TYPES, Event
from selfcare.pilot.analysis import analyze
from selfcare.pilot.metrics import Window, classify_contacts, measure
from selfcare.pilot.report import render_report
from selfcare.pilot.settings import PilotSettings
from selfcare.pilot.simulate import EXEMPT, Scenario, simulate
from selfcare.pilot.simulate_events import COUNTED
from selfcare.program.load import bundled_example

SCENARIO = Scenario(customers=6_000, months=4, pre_months=4, effect=-0.3, seed=7)


@pytest.fixture(scope="module")
def pilot() -> tuple[dict[str, Any], dict[str, float]]:
    _, assignments, events, truth = simulate(SCENARIO)
    events["occurred_at"] = pd.to_datetime(events["occurred_at"], utc=True)
    document = analyze(
        program=bundled_example(),
        settings=PilotSettings(pre_months=4),
        assignments=assignments,
        events=events.assign(direction=None, reached_agent=None),
        start=date(2025, 1, 1),
        end=date(2025, 5, 1),
    )
    return document, truth


def test_the_effect_interval_covers_the_simulated_truth(
    pilot: tuple[dict[str, Any], dict[str, float]],
) -> None:
    document, truth = pilot
    itt = document["itt"]
    assert itt["ci_low"] <= truth["itt_effect"] <= itt["ci_high"]
    assert itt["metric"] == "counted hotline calls per customer-month"
    assert itt["variance_reduction"] > 0.2
    assert document["cace"]["take_up"] == pytest.approx(truth["take_up"])
    assert document["cace"]["first_stage_f"] > 100


def test_the_document_has_the_contract_shape(
    pilot: tuple[dict[str, Any], dict[str, float]],
) -> None:
    document, _ = pilot
    assert {"srm", "itt", "cace", "guardrails", "cost"} <= document.keys()
    assert "p_value" in document["srm"]
    for key in ("metric", "effect", "relative_effect", "ci_low", "ci_high", "p_value"):
        assert key in document["itt"]
    assert {g["name"] for g in document["guardrails"]} == {
        "repeat_reception_7d",
        "churn",
        "complaints",
    }
    assert document["cost"]["mb_granted"] > 0
    assert len(document["sequential"]["looks"]) == 4


@pytest.mark.parametrize(("lang", "words"), [("de", "Entscheidung"), ("en", "Decision")])
def test_the_report_starts_with_the_verdict_in_the_readers_language(
    pilot: tuple[dict[str, Any], dict[str, float]], lang: str, words: str
) -> None:
    page = render_report(pilot[0], lang=lang)
    assert page.index('class="verdict"') < page.index("<img")
    assert words in page
    assert page.count("data:image/png;base64,") == 4
    assert "<script" not in page


def test_counted_calls_agree_with_the_reference_classifier_event_by_event() -> None:
    program = bundled_example()
    rows = [
        ("a1", "a", "hotline_call", "2025-02-03T10:00:00+01:00", None, "Frage zur Rechnung"),
        ("a2", "a", "hotline_call", "2025-02-04T10:00:00+01:00", "VVL", None),
        ("a3", "a", "speedcheck_deviation", "2025-02-10T10:00:00+01:00", None, None),
        ("a4", "a", "hotline_call", "2025-02-12T10:00:00+01:00", None, "Roaming aktivieren"),
        ("b1", "b", "hotline_call", "2025-02-05T10:00:00+01:00", None, "Kein Netz seit gestern"),
        ("b2", "b", "chat_contact", "2025-02-06T10:00:00+01:00", None, "Frage zum Tarif"),
        ("b3", "b", "hotline_call", "2025-03-01T00:30:00+01:00", None, "Frage zum Tarif"),
        ("c1", "c", "network_outage", "2025-03-20T10:45:00+01:00", None, None),
        ("c2", "c", "hotline_call", "2025-04-03T10:40:00+02:00", None, "Frage zum Tarif"),
        ("c3", "c", "hotline_call", "2025-04-03T10:50:00+02:00", None, "Roaming aktivieren"),
    ]
    columns = ["event_id", "customer_id", "type", "occurred_at", "reason_code", "text"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["direction"] = ["inbound"] * 6 + ["outbound"] + ["inbound"] * 3
    frame["reached_agent"] = [True, True, None, True, True, True, True, None, True, True]
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    ours = classify_contacts(frame, program).set_index("event_id")["counts"]
    directions = frame["direction"].tolist()
    events = [
        Event.model_validate(
            {k: v for k, v in zip(columns, row, strict=True) if v is not None}
            | {"direction": direction}
        )
        for row, direction in zip(rows, directions, strict=True)
    ]
    diagnoses = tuple(e for e in events if e.type in DIAGNOSIS_TYPES)
    for event in events:
        if event.event_id in ours.index:
            reference = contact_verdict(event, program.calls, diagnoses, program.zone).counts
            assert bool(ours[event.event_id]) == reference, event.event_id
    assignments = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "arm": ["treatment", "control", "control"],
            "stratum": "all",
        }
    )
    window = Window(date(2025, 2, 1), date(2025, 5, 1), 1, program.timezone)
    measured = measure(frame, assignments, program, window, ("BESCHWERDE",))
    assert measured.customers["counted"].to_dict() == {"a": 1.0, "b": 0.0, "c": 1.0}
    assert measured.monthly.loc["a"].tolist() == [1.0, 0.0, 0.0]
    assert measured.monthly.loc["c"].tolist() == [0.0, 0.0, 1.0]


def test_the_simulators_call_texts_are_classified_as_the_simulator_means() -> None:
    rules = bundled_example().calls
    for text in COUNTED:
        assert classify_text(text, rules=rules).counts, text
    for code, exempt in EXEMPT:
        assert not classify_text(exempt, reason_code=code, rules=rules).counts, (code, exempt)
