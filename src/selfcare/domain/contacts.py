"""The verdict on a contact in its context: channel, direction, answered, hotline pass."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from selfcare.domain.calendar import local_clock, same_clock_time_later
from selfcare.domain.calls import CallVerdict, classify_text
from selfcare.domain.events import Direction, Event
from selfcare.domain.program import CallRules

RECEPTION_PROBLEM = "reception_problem"


def contact_verdict(
    event: Event, rules: CallRules, diagnoses: tuple[Event, ...], zone: ZoneInfo
) -> CallVerdict:
    """Classify one contact; contacts the customer did not start or never got through stay free.

    Order: hotline pass (a verified self-service diagnosis shortly before), then the topic by
    reason code and text; outbound, unanswered and uncounted channels never count. `zone` is
    the program's time zone, in which the hotline pass is measured.
    """
    passing = _hotline_pass(event, rules, diagnoses, zone)
    if passing is not None:
        return passing
    verdict = classify_text(event.text, reason_code=event.reason_code, rules=rules)
    reason = _not_counted_reason(event, rules)
    if reason is None or not verdict.counts:
        return verdict
    rule, why = reason
    return verdict.model_copy(
        update={"counts": False, "rule": rule, "explanation": f"{why} (Topic: {verdict.category}.)"}
    )


def _not_counted_reason(event: Event, rules: CallRules) -> tuple[str, str] | None:
    if event.direction is Direction.OUTBOUND:
        return "outbound", "The operator started this contact (outbound), so it does not count."
    if not event.reached_agent and not rules.count_unanswered:
        return "not_reached_agent", "The call never reached an agent, so it does not count."
    if event.type.value not in rules.counted_types:
        return "channel_not_counted", f"Contacts by {event.type.value} do not count."
    return None


def _hotline_pass(
    event: Event, rules: CallRules, diagnoses: tuple[Event, ...], zone: ZoneInfo
) -> CallVerdict | None:
    """The first diagnosis whose pass covers the call: from the diagnosis up to its local
    clock time `hotline_pass_days` calendar days later (DOMAIN.md §2), both ends included."""
    days = rules.hotline_pass_days
    for diagnosis in diagnoses:
        end = same_clock_time_later(diagnosis.occurred_at, days, zone)
        if _covers(diagnosis.occurred_at, end, event.occurred_at):
            return CallVerdict(
                category=RECEPTION_PROBLEM,
                counts=False,
                rule="hotline_pass",
                explanation=(
                    f"Hotline pass: {diagnosis.type.value} {diagnosis.event_id!r} on "
                    f"{local_clock(diagnosis.occurred_at, zone)} covers calls until "
                    f"{local_clock(end, zone)} ({zone.key} time, {days} calendar days later), "
                    "so this call does not count."
                ),
                matched=(diagnosis.event_id,),
            )
    return None


def _covers(start: datetime, end: datetime, moment: datetime) -> bool:
    """Compared in UTC: two datetimes sharing one zone object compare by wall clock alone,
    which is wrong in the hour a DST change repeats."""
    return start.astimezone(UTC) <= moment.astimezone(UTC) <= end.astimezone(UTC)
