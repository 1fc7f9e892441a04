"""The no-hotline streak: calendar-month windows that counted calls break.

A window runs from its start to local midnight of the same day `months` later (clamped to
the month's end). A counted call inside breaks it, unless selfcare learned of the call only
after the window's bonus was settled (then the bonus stands and reconciliation reports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from selfcare.domain.calendar import add_months, local_date, start_of_day
from selfcare.domain.events import Event
from selfcare.domain.program import StreakReward
from selfcare.domain.progress import StreakProgress, StreakStatus


@dataclass(frozen=True)
class DueGrant:
    """A bonus the rules make due on a day, before caps decide whether it is paid then.

    `due_at` is the instant it falls due (a streak grant at 00:00 local of its payment day,
    a task bonus when selfcare knew of the task and the enrollment); under a cap, grants of
    one day are paid in that order, ties in the program's reward order (`order`), which is
    the order in which the live service meets them as time passes.
    """

    reward: str
    amount_mb: int
    due_on: date
    period: str
    order: int
    due_at: datetime


@dataclass(frozen=True)
class Window:
    """One no-hotline window: from `start` to local midnight of `completes`, then settlement."""

    start: datetime
    completes: date
    end: datetime
    grant_day: date
    settle: datetime

    @classmethod
    def opening(cls, start: datetime, reward: StreakReward, zone: ZoneInfo) -> Window:
        completes = add_months(local_date(start, zone), reward.months)
        grant_day = completes + timedelta(days=reward.settlement_grace_days)
        return cls(
            start=start,
            completes=completes,
            end=start_of_day(completes, zone),
            grant_day=grant_day,
            settle=start_of_day(grant_day, zone),
        )

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


class WalkCarry(BaseModel):
    """Where one streak reward's walk stands after the windows no later event can change.

    Events arrive after the latest one folded so far, so a window is decided once a counted
    call broke it, the contract ended it, or it ended by that latest event: a later call
    can be no earlier breaker. Its grants, the late-call notes it wrote and the walk's
    position after it are all the next event needs, so the incremental projection starts
    the walk here instead of at enrollment. A decided window that still reaches past the
    latest event is kept in `noting`: a later call may fall into it and be noted there as
    recorded after settlement. `final` is set when the walk ended for good (forfeited,
    ended by the contract, a one-off bonus paid).
    """

    model_config = ConfigDict(frozen=True)

    start: datetime
    completed: int = 0
    last_breaker: str | None = None
    due: tuple[DueGrant, ...] = ()
    late: dict[str, str] = {}
    noting: tuple[Window, ...] = ()
    final: StreakProgress | None = None
    after_break: bool = False  # `start` is the day after a breaker: restarting until then


@dataclass
class StreakOutcome:
    """What the fold over one streak reward produced; `carry` is the walk after the windows
    that ended by `StreakInputs.latest` (None when no latest was given)."""

    progress: StreakProgress
    due: list[DueGrant] = field(default_factory=list)
    late_calls: dict[str, str] = field(default_factory=dict)
    carry: WalkCarry | None = None


@dataclass(frozen=True)
class StreakInputs:
    """The customer facts a streak depends on, already filtered to what was known by as_of."""

    enrollment: datetime
    counted_calls: tuple[Event, ...]
    contract_end: Event | None
    horizon: datetime
    zone: ZoneInfo
    # The latest event's occurrence (incremental projection): windows ending by then are
    # decided, and the outcome carries the walk past them.
    latest: datetime | None = None


@dataclass
class _Walk:
    """Where the walk over the windows stands."""

    start: datetime
    completed: int = 0
    last_breaker: str | None = None
    after_break: bool = False


def evaluate_streak(
    reward: StreakReward, order: int, facts: StreakInputs, carry: WalkCarry | None = None
) -> StreakOutcome:
    """Walk the windows of one streak reward up to the as_of horizon: from enrollment, or
    from where `carry` left off (the windows before it are decided and held in it)."""
    start = carry or WalkCarry(start=facts.enrollment)
    outcome = StreakOutcome(
        progress=_progress(reward, StreakStatus.RUNNING),
        due=list(start.due),
        late_calls=dict(start.late),
    )
    noting = list(start.noting)
    for window in noting:
        _note_late_calls(outcome, facts.counted_calls, window)
    if start.final is not None:
        outcome.progress = start.final
        outcome.carry = _carry(start, outcome, noting, facts, start.final)
        return outcome
    walk = _Walk(start.start, start.completed, start.last_breaker, start.after_break)
    tracking = facts.latest is not None
    if walk.after_break and walk.start >= facts.horizon:
        assert walk.last_breaker is not None  # noqa: S101  (set with after_break)
        outcome.progress = _restarting(
            reward, walk.start, facts.zone, walk.last_breaker, walk.completed
        )
        outcome.carry = _carry(walk, outcome, noting, facts) if tracking else None
        return outcome
    while True:
        window = Window.opening(walk.start, reward, facts.zone)
        if tracking and outcome.carry is None and not _decided(window, facts):
            outcome.carry = _carry(walk, outcome, noting, facts)
        _note_late_calls(outcome, facts.counted_calls, window)
        final = _step(reward, order, facts, window, walk=walk, outcome=outcome)
        if tracking and outcome.carry is None:
            noting.append(window)
        if final is not None:
            outcome.progress = final
            if tracking and outcome.carry is None:
                ended = final.status is not StreakStatus.BROKEN  # BROKEN: a restart is ahead
                outcome.carry = _carry(walk, outcome, noting, facts, final if ended else None)
            return outcome


def _decided(window: Window, facts: StreakInputs) -> bool:
    """Whether no event arriving later (after `facts.latest`) can change how this window
    ends: it has its breaker or its contract end already, or it ended by the latest event."""
    if facts.latest is not None and window.end <= facts.latest:
        return True
    ender = _contract_end(facts.contract_end, window)
    return ender is not None or _first_breaker(facts.counted_calls, window) is not None


def _carry(
    walk: _Walk | WalkCarry,
    outcome: StreakOutcome,
    noting: list[Window],
    facts: StreakInputs,
    final: StreakProgress | None = None,
) -> WalkCarry:
    latest = facts.latest
    return WalkCarry(
        start=walk.start,
        completed=walk.completed,
        last_breaker=walk.last_breaker,
        after_break=walk.after_break,
        due=tuple(outcome.due),
        late=dict(outcome.late_calls),
        noting=tuple(w for w in noting if latest is None or w.end > latest),
        final=final,
    )


def _step(
    reward: StreakReward,
    order: int,
    facts: StreakInputs,
    window: Window,
    *,
    walk: _Walk,
    outcome: StreakOutcome,
) -> StreakProgress | None:
    """Decide one window: ended by the contract, broken, still running, or completed."""
    breaker = _first_breaker(facts.counted_calls, window)
    ender = _contract_end(facts.contract_end, window)
    if ender is not None and (breaker is None or ender.occurred_at <= breaker.occurred_at):
        return _ended(reward, window, ender=ender, done=walk.completed, zone=facts.zone)
    if breaker is not None:
        return _broken(reward, facts, breaker, walk)
    if window.end >= facts.horizon:
        return _running(
            reward, window, breaker=walk.last_breaker, done=walk.completed, zone=facts.zone
        )
    walk.completed += 1
    window_day = local_date(window.start, facts.zone)
    outcome.due.append(
        DueGrant(
            reward=reward.id,
            amount_mb=reward.amount_mb,
            due_on=window.grant_day,
            period=window_day.isoformat(),
            order=order,
            due_at=window.settle,
        )
    )
    if reward.recurrence == "once":
        return _completed(reward, window, walk, window_day)
    walk.start, walk.after_break = window.end, False
    return None


def _broken(
    reward: StreakReward, facts: StreakInputs, breaker: Event, walk: _Walk
) -> StreakProgress | None:
    """A counted call broke the window: forfeit, or restart on the day after the call."""
    walk.last_breaker = breaker.event_id
    walk.after_break = True
    if reward.on_break == "forfeit":
        return forfeited_by_call(reward, walk.last_breaker, walk.completed)
    next_day = local_date(breaker.occurred_at, facts.zone) + timedelta(days=1)
    walk.start = start_of_day(next_day, facts.zone)
    if walk.start >= facts.horizon:
        return _restarting(reward, walk.start, facts.zone, walk.last_breaker, walk.completed)
    return None


def _first_breaker(calls: tuple[Event, ...], window: Window) -> Event | None:
    return next(
        (c for c in calls if window.holds(c.occurred_at) and c.known_at < window.settle), None
    )


def _note_late_calls(outcome: StreakOutcome, calls: tuple[Event, ...], window: Window) -> None:
    for call in calls:
        if window.holds(call.occurred_at) and call.known_at >= window.settle:
            outcome.late_calls[call.event_id] = late_call_note(window.grant_day)


def late_call_note(grant_day: date) -> str:
    """What a call recorded after its window was settled adds to its explanation (shared
    with the bulk engine, which finds such calls and renders the note here)."""
    return (
        "Recorded only after the streak bonus was settled on "
        f"{grant_day.isoformat()}: the bonus stands; reconciliation reports this call."
    )


def _contract_end(contract_end: Event | None, window: Window) -> Event | None:
    if contract_end is None:
        return None
    if contract_end.occurred_at < window.end and contract_end.known_at < window.settle:
        return contract_end
    return None


def _completed(
    reward: StreakReward, window: Window, walk: _Walk, window_day: date
) -> StreakProgress:
    return completed(
        reward,
        window_day,
        window.completes,
        grant_day=window.grant_day,
        breaker=walk.last_breaker,
        done=walk.completed,
    )


# The words of each way a streak walk ends, rendered from its facts: the reference walk
# below and the bulk engine (which computes the same facts in SQL) both call these.


def forfeited_by_call(reward: StreakReward, breaker: str, done: int) -> StreakProgress:
    """A counted call broke a window of a streak that is forfeited on a break."""
    return _progress(
        reward,
        StreakStatus.FORFEITED,
        broken_by=breaker,
        done=done,
        why=f"Counted call {breaker!r} broke the window; this bonus is forfeited.",
    )


def completed(
    reward: StreakReward,
    window_day: date,
    completes: date,
    *,
    grant_day: date,
    breaker: str | None,
    done: int,
) -> StreakProgress:
    """A once-only streak whose window completed (the grant falls due on `grant_day`)."""
    return _progress(
        reward,
        StreakStatus.COMPLETED,
        start=window_day,
        completes=completes,
        broken_by=breaker,
        done=done,
        why=(
            f"Completed {_plural(reward.months, 'month')} without a counted call on "
            f"{completes.isoformat()}; paid after "
            f"{_plural(reward.settlement_grace_days, 'day')} of settlement on "
            f"{grant_day.isoformat()}."
        ),
    )


def _plural(n: int, unit: str) -> str:
    """ "1 month", "9 months": never "1 months"."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


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
    reward: StreakReward, window: Window, *, breaker: str | None, done: int, zone: ZoneInfo
) -> StreakProgress:
    return running(reward, local_date(window.start, zone), window.completes, breaker, done)


def running(
    reward: StreakReward, start: date, completes: date, breaker: str | None, done: int
) -> StreakProgress:
    """A window still open at the horizon."""
    after = f" (restarted after counted call {breaker!r})" if breaker else ""
    return _progress(
        reward,
        StreakStatus.RUNNING,
        start=start,
        completes=completes,
        broken_by=breaker,
        done=done,
        why=f"Window running{after}; completes on {completes.isoformat()} if no counted call.",
    )


def _restarting(
    reward: StreakReward, start: datetime, zone: ZoneInfo, breaker: str, done: int
) -> StreakProgress:
    return restarting(reward, local_date(start, zone), breaker, done)


def restarting(reward: StreakReward, day: date, breaker: str, done: int) -> StreakProgress:
    """A counted call broke the window and the next one starts after the horizon."""
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
    reward: StreakReward, window: Window, *, ender: Event, done: int, zone: ZoneInfo
) -> StreakProgress:
    return ended(reward, local_date(window.start, zone), window.completes, ender.event_id, done)


def ended(
    reward: StreakReward, start: date, completes: date, ender: str, done: int
) -> StreakProgress:
    """The contract ended before the window completed."""
    return _progress(
        reward,
        StreakStatus.FORFEITED,
        start=start,
        completes=completes,
        broken_by=ender,
        done=done,
        why="The contract ended before the window completed; this bonus is forfeited.",
    )
