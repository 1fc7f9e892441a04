"""The verdict on a contact in its context: channel, direction, answered, hotline pass."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime
from itertools import accumulate
from zoneinfo import ZoneInfo

from selfcare.domain.calendar import local_clock, same_clock_time_later
from selfcare.domain.calls import CallVerdict, classify_text
from selfcare.domain.events import Direction, Event
from selfcare.domain.program import CallRules

RECEPTION_PROBLEM = "reception_problem"


def contact_verdict(
    event: Event,
    rules: CallRules,
    diagnoses: tuple[Event, ...] | HotlinePasses,
    zone: ZoneInfo,
) -> CallVerdict:
    """Classify one contact; contacts the customer did not start or never got through stay free.

    Order: hotline pass (a verified self-service diagnosis shortly before), then the topic by
    reason code and text; outbound, unanswered and uncounted channels never count. `zone` is
    the program's time zone, in which the hotline pass is measured. Callers judging many
    contacts of one customer pass the customer's `HotlinePasses`, built once.
    """
    passes = (
        diagnoses
        if isinstance(diagnoses, HotlinePasses)
        else HotlinePasses(diagnoses, rules.hotline_pass_days, zone)
    )
    passing = passes.covering(event.occurred_at)
    if passing is not None:
        return passing
    verdict = classify_text(event.text, reason_code=event.reason_code, rules=rules)
    return excluded(verdict, not_counted_reason(event, rules))


def excluded(verdict: CallVerdict, reason: tuple[str, str] | None) -> CallVerdict:
    """A counting topic on a contact that does not count (outbound, unanswered, channel)."""
    if reason is None or not verdict.counts:
        return verdict
    rule, why = reason
    return verdict.model_copy(
        update={"counts": False, "rule": rule, "explanation": f"{why} (Topic: {verdict.category}.)"}
    )


def not_counted_reason(event: Event, rules: CallRules) -> tuple[str, str] | None:
    """Why a contact cannot count whatever its topic, as (rule, sentence); None if it can."""
    return contact_exclusion(
        outbound=event.direction is Direction.OUTBOUND,
        reached_agent=event.reached_agent,
        channel=event.type.value,
        rules=rules,
    )


def contact_exclusion(
    *, outbound: bool, reached_agent: bool, channel: str, rules: CallRules
) -> tuple[str, str] | None:
    """The same from a contact's facts (the bulk engine hands them over as columns)."""
    if outbound:
        return "outbound", "The operator started this contact (outbound), so it does not count."
    if not reached_agent and not rules.count_unanswered:
        return "not_reached_agent", "The call never reached an agent, so it does not count."
    if channel not in rules.counted_types:
        return "channel_not_counted", f"Contacts by {channel} do not count."
    return None


def pass_verdict(
    diagnosis_type: str,
    diagnosis_id: str,
    *,
    diagnosed_at: datetime,
    end: datetime,
    days: int,
    zone: ZoneInfo,
) -> CallVerdict:
    """The verdict on a call a hotline pass covers, in words from the pass's facts."""
    return CallVerdict(
        category=RECEPTION_PROBLEM,
        counts=False,
        rule="hotline_pass",
        explanation=(
            f"Hotline pass: {diagnosis_type} {diagnosis_id!r} on "
            f"{local_clock(diagnosed_at, zone)} covers calls until "
            f"{local_clock(end, zone)} ({zone.key} time, {days} calendar "
            f"day{'' if days == 1 else 's'} later), so this call does not count."
        ),
        matched=(diagnosis_id,),
    )


class HotlinePasses:
    """Every hotline pass of one customer, ready to answer "which pass covers this call?".

    A pass runs from its diagnosis up to the same local clock time `days` calendar days later
    (DOMAIN.md §2), both ends included. Passes are kept in diagnosis order with the running
    maximum of their ends, so the first pass covering a moment is one binary search away:
    the first pass whose running maximum end reaches the moment covers it if it began by
    then. Each call costs O(log d) instead of a look at every diagnosis, so a customer's
    verdicts grow linearly with their events. Times are compared in UTC, because two datetimes
    sharing one zone object compare by wall clock alone, wrong in the hour a DST change repeats.
    """

    def __init__(self, diagnoses: tuple[Event, ...], days: int, zone: ZoneInfo) -> None:
        ordered = sorted(diagnoses, key=lambda d: (d.occurred_at.astimezone(UTC), d.event_id))
        self._zone = zone
        self._days = days
        self._diagnoses = ordered
        self._starts = [d.occurred_at.astimezone(UTC) for d in ordered]
        self._ends = [same_clock_time_later(d.occurred_at, days, zone) for d in ordered]
        self._reach = list(accumulate((end.astimezone(UTC) for end in self._ends), max))

    def covering(self, moment: datetime) -> CallVerdict | None:
        """The verdict of the earliest pass that covers `moment`, if any does."""
        at = moment.astimezone(UTC)
        first = bisect_left(self._reach, at)
        if first == len(self._reach) or self._starts[first] > at:
            return None
        diagnosis, end = self._diagnoses[first], self._ends[first]
        return pass_verdict(
            diagnosis.type.value,
            diagnosis.event_id,
            diagnosed_at=diagnosis.occurred_at,
            end=end,
            days=self._days,
            zone=self._zone,
        )
