"""The printable evidence page, and the deviation event that makes the next hotline call free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from selfcare.domain.contacts import contact_verdict
from selfcare.domain.events import Event, EventType
from selfcare.domain.speedcheck.verdict import judge
from selfcare.program.load import bundled_example
from selfcare.speedcheck.evidence import deviation_event, render_evidence
from tests.unit.speedcheck.speedcheck_builders import CONTRACT, DAY_TIMES, series, shifted

GENERATED = datetime(2025, 5, 17, 10, 0, tzinfo=UTC)


def test_the_evidence_lists_every_measurement_with_day_and_local_time() -> None:
    measurements = series(down="40x10")
    html = render_evidence(measurements, judge(measurements, CONTRACT), generated_at=GENERATED)
    assert html.count('<tr><td class="num">') == 30
    assert "<td>12.05.2025</td><td>08:00:00</td>" in html
    assert "<td>16.05.2025</td><td>12:20:00</td>" in html
    assert html.count('class="num low">40</td>') == 30  # below the 50 Mbit/s minimum


def test_the_evidence_shows_contract_verdict_reduction_and_disclaimer_in_german() -> None:
    measurements = series(down="40x10")
    html = render_evidence(
        measurements, judge(measurements, CONTRACT), generated_at=GENERATED, customer_id="K-17"
    )
    assert "Kunde: K-17" in html
    assert '<td>Download</td><td class="num">100 Mbit/s</td><td class="num">80 Mbit/s</td>' in html
    assert "Monatspreis: 40,00 €" in html
    assert "Messprotokoll: eingehalten" in html
    assert "Die Messungen deuten auf eine Abweichung hin (Download (max, normal, min))." in html
    assert "Abweichung nachgewiesen" not in html
    assert "Hinweis, kein Nachweis" in html
    assert "≈ 20,00 € pro Monat" in html
    assert "nicht das amtliche Messprotokoll" in html
    assert "Erstellt: 17.05.2025 12:00" in html


def test_the_evidence_of_a_broken_protocol_names_the_problem_in_english() -> None:
    measurements = series(times=[shifted(DAY_TIMES, 1, "08:04:59"), None, None])
    html = render_evidence(
        measurements, judge(measurements, CONTRACT), generated_at=GENERATED, lang="en"
    )
    assert "Measurement protocol: not followed" in html
    assert "At least 5 minutes must lie between two measurements" in html


def test_the_evidence_escapes_what_it_did_not_write() -> None:
    measurements = series()
    html = render_evidence(
        measurements, judge(measurements, CONTRACT), generated_at=GENERATED, customer_id="<b>x"
    )
    assert "&lt;b&gt;x" in html
    assert "<b>x" not in html


def test_a_conformant_browser_deviation_becomes_an_event_at_the_last_measurement() -> None:
    """The hotline pass is the operator's rule: an indicative deviation is enough for it."""
    measurements = series(down="40x10")
    event = deviation_event("c1", measurements, judge(measurements, CONTRACT))
    assert event is not None
    assert event.type is EventType.SPEEDCHECK_DEVIATION
    assert event.occurred_at == max(m.measured_at for m in measurements)
    assert event.event_id.startswith("speedcheck-deviation-")
    assert event.text is not None
    assert event.text.startswith("Die Messungen deuten auf eine Abweichung hin")
    again = deviation_event("c1", measurements, judge(measurements, CONTRACT))
    assert again is not None
    assert again.event_id == event.event_id  # re-sending is a no-op


def test_no_event_without_a_deviation_on_a_conformant_series() -> None:
    fine = series()
    broken = series(down="40x10", wlan_at=[(0, 0)])
    assert deviation_event("c1", fine, judge(fine, CONTRACT)) is None
    assert deviation_event("c1", broken, judge(broken, CONTRACT)) is None


def test_a_recorded_time_before_the_last_measurement_is_dropped() -> None:
    measurements = series(down="40x10")
    last = max(m.measured_at for m in measurements)
    early = deviation_event(
        "c1", measurements, judge(measurements, CONTRACT), recorded_at=last - timedelta(hours=1)
    )
    late = deviation_event(
        "c1", measurements, judge(measurements, CONTRACT), recorded_at=last + timedelta(hours=1)
    )
    assert early is not None
    assert late is not None
    assert early.recorded_at is None
    assert late.recorded_at == last + timedelta(hours=1)


def test_the_next_hotline_call_after_a_proven_deviation_does_not_count() -> None:
    measurements = series(down="40x10")
    event = deviation_event("c1", measurements, judge(measurements, CONTRACT))
    assert event is not None
    call = Event(
        event_id="call-1",
        customer_id="c1",
        type=EventType.HOTLINE_CALL,
        occurred_at=event.occurred_at + timedelta(days=3),
        text="Mein Internet ist zu langsam",
    )
    program = bundled_example()
    verdict = contact_verdict(call, program.calls, (event,), program.zone)
    assert verdict.counts is False
    assert verdict.rule == "hotline_pass"
