"""What my bonus and my contacts say, in German and English, from the evaluator's result:
states, one-off or monthly, the window, pending reasons, refused top-ups, and one sentence
per contact verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.ledger import GrantRecord, GrantStatus
from selfcare.domain.program import TaskReward
from selfcare.domain.progress import CallResult, CustomerProgress, PendingGrant
from selfcare.web.pages.customer_views import (
    CustomerFacts,
    bonus_view,
    contact_sentence,
    contacts_view,
    period_words,
)
from tests.builders import call, enrolled, event, make_program

PROGRAM = make_program()


def facts(
    events: list[Event], as_of: date, ledger: list[GrantRecord] | None = None
) -> CustomerFacts:
    [progress] = evaluate(PROGRAM, events, as_of).customers
    return CustomerFacts(PROGRAM, progress, ledger or [], events, as_of)


def record(reward: str, period: str, status: GrantStatus, amount: int = 600) -> GrantRecord:
    return GrantRecord(
        grant_id=f"g-{reward}-{period}",
        program_id=PROGRAM.id,
        customer_id="c1",
        reward=reward,
        period=period,
        amount_mb=amount,
        granted_on=date(2025, 6, 1),
        status=status,
        created_at=datetime(2025, 6, 1, tzinfo=UTC),
    )


def card(view: dict[str, Any], reward: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in view["rewards"] if r["id"] == reward)
    return found


def test_an_earned_one_off_says_when_and_whether_it_arrived() -> None:
    seen = facts(
        [enrolled(), event("portal_registered", "2025-06-01 10:00")],
        date(2025, 6, 10),
        [record("portal_registration", "once", GrantStatus.CONFIRMED)],
    )
    de, en = bonus_view(seen, "de"), bonus_view(seen, "en")
    assert card(de, "portal_registration")["state"] == "earned"
    assert card(de, "portal_registration")["lines"] == [
        "Erhalten am 01.06.2025 – bei Ihnen angekommen"
    ]
    assert card(en, "portal_registration")["recurrence"] == "One-off: you get this bonus once."
    assert card(en, "app_install")["state"] == "open"
    assert card(en, "app_install")["lines"] == ["Not earned yet."]
    assert en["volume"]["received"] == "600 MB have reached you."


def test_a_refused_top_up_is_not_counted_as_received() -> None:
    seen = facts(
        [enrolled(), event("portal_registered", "2025-06-01 10:00")],
        date(2025, 6, 10),
        [record("portal_registration", "once", GrantStatus.REJECTED)],
    )
    view = bonus_view(seen, "en")
    assert card(view, "portal_registration")["state"] == "rejected"
    assert view["volume"]["received_mb"] == 0
    assert view["volume"]["rejected"].startswith("600 MB were refused by the charging system")


def test_the_window_runs_with_a_bar_a_date_and_what_would_restart_it() -> None:
    seen = facts([enrolled("2025-05-31 10:00")], date(2025, 10, 15))
    [window] = bonus_view(seen, "de")["windows"]
    assert window["status"] == "running"
    assert window["done_text"] == "4 von 9 Monaten geschafft (50 %)."
    assert window["lines"][0] == (
        "Der Zeitraum läuft seit dem 31.05.2025 und ist am 28.02.2026 vollständig, wenn bis "
        "dahin kein gezählter Anruf dazwischenkommt."
    )
    assert window["lines"][1] == "Gutgeschrieben wird der Bonus 3 Tage danach, am 03.03.2026."
    assert window["rule_heading"] == "Was den Zeitraum neu starten würde"
    assert any("Vertragsverlängerung" in r["text"] for r in window["rules"] if r["item"])


def test_an_earned_window_waits_for_the_settlement_period_with_its_date() -> None:
    seen = facts([enrolled("2025-05-31 10:00")], date(2026, 3, 1))
    view = bonus_view(seen, "en")
    streak = card(view, "nine_months_without_hotline")
    assert streak["state"] == "pending"
    assert streak["lines"] == ["Earned; credited on 2026-03-03 after the settlement period."]
    assert view["windows"][0]["rules"] == []  # a one-off window, done: nothing restarts it


def test_a_grant_held_by_the_cap_says_so_and_when() -> None:
    progress = CustomerProgress(
        customer_id="c1",
        enrolled_on=date(2025, 5, 31),
        earned_mb=0,
        grants=(),
        pending=(
            PendingGrant(
                reward="app_install",
                amount_mb=600,
                period="once",
                due_on=date(2025, 7, 1),
                reason="cap_exceeded",
                explanation="",
            ),
        ),
        streaks=(),
        calls=(),
    )
    seen = CustomerFacts(PROGRAM, progress, [], [], date(2025, 6, 20))
    lines = card(bonus_view(seen, "de"), "app_install")["lines"]
    assert lines == [
        "Verdient, aber wegen der Obergrenze (1.800 MB / Kalendermonat) zurückgehalten; "
        "Gutschrift am 01.07.2025, wenn wieder Platz ist."
    ]


def test_a_monthly_reward_says_so_and_names_its_months() -> None:
    monthly = PROGRAM.model_copy(
        update={
            "rewards": (
                TaskReward(
                    id="video", event="bill_video_completed", amount_mb=100, recurrence="monthly"
                ),
            )
        }
    )
    events = [enrolled(), event("bill_video_completed", "2025-06-03 10:00")]
    [progress] = evaluate(monthly, events, date(2025, 7, 5)).customers
    view = bonus_view(CustomerFacts(monthly, progress, [], events, date(2025, 7, 5)), "en")
    assert card(view, "video")["recurrence"] == (
        "Monthly: you can get this bonus again in every calendar month."
    )
    assert card(view, "video")["lines"] == [
        "Earned on 2025-06-03 for June 2025 – being credited",
        "Not earned this month yet.",
    ]


@pytest.mark.parametrize(
    ("period", "lang", "words"),
    [("2025-06", "de", "Juni 2025"), ("2025-05-31", "en", "from 2025-05-31"), ("once", "en", "")],
)
def test_periods_in_words(period: str, lang: str, words: str) -> None:
    assert period_words(period, lang) == words


def contact_of(events: list[Event], as_of: date, event_id: str, lang: str) -> str:
    seen = facts(events, as_of)
    [result] = [c for c in seen.progress.calls if c.event_id == event_id]
    return contact_sentence(seen, result, lang)


@pytest.mark.parametrize(
    ("the_call", "lang", "sentence"),
    [
        (
            event("hotline_call", "2025-07-01 10:00", reason_code="VVL", event_id="x"),
            "en",
            "Did not count: Contract extension, recognised by the agent's code VVL.",
        ),
        (
            call("2025-07-01 10:00", text="Ich will kündigen", event_id="x"),
            "de",
            "Zählte nicht: Kündigung, erkannt an Ihren Worten „kündigen“.",
        ),
        (
            call("2025-07-01 10:00", text="Frage zum Tarif", event_id="x"),
            "de",
            "Zählte: kein ausgenommenes Thema erkannt (weder am Grundcode noch an den Worten).",
        ),
        (
            call("2025-07-01 10:00", direction="outbound", event_id="x"),
            "en",
            "Did not count: we called you (outbound call).",
        ),
        (
            call("2025-07-01 10:00", reached_agent=False, event_id="x"),
            "de",
            "Zählte nicht: Der Anruf hat keinen Mitarbeiter erreicht.",
        ),
        (
            event("chat_contact", "2025-07-01 10:00", text="Tarif?", event_id="x"),
            "en",
            "Did not count: contacts by chat do not count in this programme.",
        ),
        (
            call("2025-05-01 10:00", event_id="x"),
            "en",
            "Did not count: you had not joined the programme yet at the time.",
        ),
    ],
)
def test_every_contact_verdict_has_its_sentence(the_call: Event, lang: str, sentence: str) -> None:
    assert contact_of([enrolled(), the_call], date(2025, 8, 1), "x", lang) == sentence


def test_a_hotline_pass_names_the_diagnosis_and_how_long_it_lasted() -> None:
    events = [
        enrolled(),
        event("speedcheck_deviation", "2025-10-20 20:00", event_id="d"),
        call("2025-10-25 09:00", event_id="x"),  # over the end of summer time
    ]
    assert contact_of(events, date(2025, 11, 1), "x", "de") == (
        "Zählte nicht: Hotline-Pass nach Ihrem Speed-Check mit Abweichung am 20.10.2025 um "
        "20:00 Uhr; der Pass galt bis 03.11.2025 um 20:00 Uhr."
    )


def test_contacts_are_listed_newest_first_with_the_window_they_restarted() -> None:
    events = [
        enrolled(),
        call("2025-07-01 10:00", event_id="first"),
        event("hotline_call", "2025-08-01 10:00", reason_code="MAHNUNG", event_id="second"),
    ]
    listed = contacts_view(facts(events, date(2025, 9, 1)), "en")
    assert [c["id"] for c in listed] == ["second", "first"]
    assert listed[1]["notes"] == ["This call restarted your period without a hotline call."]
    assert listed[1]["channel"] == "hotline phone"
    assert listed[0]["verdict"] == "Did not count"


def test_a_model_verdict_in_doubt_says_it_was_counted_in_the_customers_favour() -> None:
    seen = facts([enrolled()], date(2025, 8, 1))
    doubtful = CallResult(
        event_id="m",
        occurred_at=datetime(2025, 7, 1, 8, tzinfo=UTC),
        category="dunning",
        counts=False,
        rule="model",
        explanation="Probably about dunning (61% by the trained model …)",
        matched=("zahlung",),
    )
    assert contact_sentence(seen, doubtful, "en") == (
        "Did not count: probably Dunning; not certain, so counted in your favour (the words "
        "that weighed most: “zahlung”)."
    )
