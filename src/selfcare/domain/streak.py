"""The no-hotline streak: calendar-month windows that counted calls break.

A window runs from its start to local midnight of the same day `months` later (clamped to
the month's end). A counted call inside breaks it, unless selfcare learned of the call only
after the window's bonus was settled (then the bonus stands and reconciliation reports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from selfcare.domain.calendar import add_months, local_date, start_of_day
from selfcare.domain.events import Event
from selfcare.domain.progress import StreakProgress, StreakStatus
from selfcare.program.models import StreakReward


@dataclass(frozen=True)
class DueGrant:
    """A bonus the rules make due on a day, before caps decide whether it is paid then."""

    reward: str
    amount_mb: int
    due_on: date
    period: str
    order: int


@dataclass
class StreakOutcome:
    """What the fold over one streak reward produced."""

    progress: StreakProgress
    due: list[DueGrant] = field(default_factory=list)
    late_calls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreakInputs:
    """The customer facts a streak depends on, already filtered to what was known by as_of."""

    enrollment: datetime
    counted_calls: tuple[Event, ...]
    contract_end: Event | None
    horizon: datetime
    zone: ZoneInfo


def evaluate_streak(reward: StreakReward, order: int, facts: StreakInputs) -> StreakOutcome:
    """Walk the windows of one streak reward from enrollment up to the as_of horizon."""
    start, completed, last_breaker = facts.enrollment, 0, None
    outcome = StreakOutcome(progress=_progress(reward, StreakStatus.RUNNING))
    while True:
        completes = add_months(local_date(start, facts.zone), reward.months)
        end = start_of_day(completes, facts.zone)
        grant_day = completes + timedelta(days=reward.settlement_grace_days)
        settle = start_of_day(grant_day, facts.zone)
        breaker = _first_breaker(facts.counted_calls, start, end, settle)
        _note_late_calls(
            outcome, facts.counted_calls, start=start, end=end, settle=settle, grant_day=grant_day
        )
        ender = _contract_end(facts.contract_end, end, settle)
        if ender is not None and (breaker is None or ender.occurred_at <= breaker.occurred_at):
            outcome.progress = _ended(
                reward, start, completes=completes, ender=ender, done=completed, zone=facts.zone
            )
            return outcome
        if breaker is not None:
            last_breaker = breaker.event_id
            if reward.on_break == "forfeit":
                outcome.progress = _progress(
                    reward,
                    StreakStatus.FORFEITED,
                    broken_by=last_breaker,
                    done=completed,
                    why=f"Counted call {last_breaker!r} broke the window; this bonus is forfeited.",
                )
                return outcome
            start = start_of_day(
                local_date(breaker.occurred_at, facts.zone) + timedelta(1), facts.zone
            )
            if start >= facts.horizon:
                outcome.progress = _restarting(reward, start, facts.zone, last_breaker, completed)
                return outcome
            continue
        if end >= facts.horizon:
            outcome.progress = _running(
                reward,
                start,
                completes=completes,
                breaker=last_breaker,
                done=completed,
                zone=facts.zone,
            )
            return outcome
        completed += 1
        window_day = local_date(start, facts.zone)
        outcome.due.append(
            DueGrant(reward.id, reward.amount_mb, grant_day, window_day.isoformat(), order)
        )
        if reward.recurrence == "once":
            outcome.progress = _progress(
                reward,
                StreakStatus.COMPLETED,
                start=window_day,
                completes=completes,
                broken_by=last_breaker,
                done=completed,
                why=(
                    f"Completed {reward.months} months without a counted call on "
                    f"{completes.isoformat()}; paid after {reward.settlement_grace_days} "
                    f"days' settlement on {grant_day.isoformat()}."
                ),
            )
            return outcome
        start = end


def _first_breaker(
    calls: tuple[Event, ...], start: datetime, end: datetime, settle: datetime
) -> Event | None:
    return next((c for c in calls if start <= c.occurred_at < end and c.known_at < settle), None)


def _note_late_calls(
    outcome: StreakOutcome,
    calls: tuple[Event, ...],
    *,
    start: datetime,
    end: datetime,
    settle: datetime,
    grant_day: date,
) -> None:
    for call in calls:
        if start <= call.occurred_at < end and call.known_at >= settle:
            outcome.late_calls[call.event_id] = (
                f"Recorded only after the streak bonus was settled on {grant_day.isoformat()}: "
                "the bonus stands; reconciliation reports this call."
            )


def _contract_end(contract_end: Event | None, end: datetime, settle: datetime) -> Event | None:
    if contract_end is None:
        return None
    if contract_end.occurred_at < end and contract_end.known_at < settle:
        return contract_end
    return None


def _progress(
    reward: StreakReward,
    status: StreakStatus,
    *,
    start: date | None = None,
    completes: date | None = None,
    broken_by: str | None = None,
    done: int = 0,
    why: str = "",
) -> StreakProgress:
    return StreakProgress(
        reward=reward.id,
        status=status,
        window_start=start,
        completes_on=completes,
        broken_by=broken_by,
        completed_windows=done,
        explanation=why,
    )


def _running(
    reward: StreakReward,
    start: datetime,
    *,
    completes: date,
    breaker: str | None,
    done: int,
    zone: ZoneInfo,
) -> StreakProgress:
    after = f" (restarted after counted call {breaker!r})" if breaker else ""
    return _progress(
        reward,
        StreakStatus.RUNNING,
        start=local_date(start, zone),
        completes=completes,
        broken_by=breaker,
        done=done,
        why=f"Window running{after}; completes on {completes.isoformat()} if no counted call.",
    )


def _restarting(
    reward: StreakReward, start: datetime, zone: ZoneInfo, breaker: str, done: int
) -> StreakProgress:
    day = local_date(start, zone)
    completes = add_months(day, reward.months)
    return _progress(
        reward,
        StreakStatus.BROKEN,
        start=day,
        completes=completes,
        broken_by=breaker,
        done=done,
        why=(
            f"Counted call {breaker!r} broke the window; a new one starts on "
            f"{day.isoformat()} and completes on {completes.isoformat()}."
        ),
    )


def _ended(
    reward: StreakReward,
    start: datetime,
    *,
    completes: date,
    ender: Event,
    done: int,
    zone: ZoneInfo,
) -> StreakProgress:
    return _progress(
        reward,
        StreakStatus.FORFEITED,
        start=local_date(start, zone),
        completes=completes,
        broken_by=ender.event_id,
        done=done,
        why="The contract ended before the window completed; this bonus is forfeited.",
    )
