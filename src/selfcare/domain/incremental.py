"""Incremental projection: fold new events onto a customer's checkpoint, not their history.

A checkpoint keeps only what the next event can still change or needs (DOMAIN.md keeps the
rules; this is bookkeeping around them):

- the events that stay *live*: enrollment and contract-end events, task events, counted
  calls from the cut on, and diagnoses whose hotline pass reaches the earliest of those
  calls or the latest event;
- each streak's walk after its decided windows (`WalkCarry`: position, grants, late-call
  notes, and the decided windows a later call can still fall into);
- how many contacts were *frozen*: their verdict can no longer change, so it leaves the
  checkpoint for the per-customer verdict list, which is appended to and never rewritten
  (a few at a time: up to `HELD_VERDICTS` wait in the checkpoint first).

A contact that does not count is frozen at once (its verdict depends on earlier diagnoses
and on enrollment only, and later events are later). A counted call is frozen before the
cut, where the earliest streak walk still open begins (without enrollment, or with every
walk over for good, all are): no window still to be walked can reach it. The projection
of a checkpoint is `project_carried`, the reference projection itself resumed from the
walks, so the two cannot drift apart.

This holds for events that come after everything folded so far, in occurrence (strictly)
and in when selfcare knew of them, and for a day by whose end every event was known;
`appendable` says when. Anything else (an event landing before the latest one, a day in
the past) is answered from the whole history, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

from selfcare.domain.calendar import end_of_day, same_clock_time_later
from selfcare.domain.evaluator import CustomerState, project_carried, state_from_events
from selfcare.domain.events import DIAGNOSIS_TYPES, Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CallResult, CustomerProgress
from selfcare.domain.streak import WalkCarry


class Checkpoint(BaseModel):
    """One customer's incremental fold state (see the module docstring).

    An older stored state (just `customer_id`, `events` and conflicts) reads as a checkpoint
    with every event live and nothing carried, which projects exactly as before.
    """

    model_config = ConfigDict(frozen=True)

    customer_id: str
    events: tuple[Event, ...] = ()
    conflicting_event_ids: tuple[str, ...] = ()
    walks: dict[str, WalkCarry] = {}
    frozen_calls: int = 0
    held: tuple[CallResult, ...] = ()
    event_count: int | None = None
    latest: datetime | None = None
    latest_known: datetime | None = None

    @property
    def count(self) -> int:
        """Events folded in all (the live ones and those folded away)."""
        return len(self.events) if self.event_count is None else self.event_count

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The latest occurrence and the latest moment known of all events folded (UTC)."""
        if self.latest is not None or not self.events:
            return self.latest, self.latest_known
        return _utc_max(e.occurred_at for e in self.events), _utc_max(
            e.known_at for e in self.events
        )

    def live_state(self) -> CustomerState:
        return CustomerState.model_construct(  # fields validated in this checkpoint already
            customer_id=self.customer_id,
            events=self.events,
            conflicting_event_ids=self.conflicting_event_ids,
        )


# Final verdicts wait in the checkpoint until there are more than this many, then move to
# the verdict list together: most customers never have that many contacts, so they cost no
# verdict rows at all, and a long history still keeps at most this many in its state.
HELD_VERDICTS = 32


@dataclass(frozen=True, slots=True)
class Advanced:
    """A checkpoint after folding, its projection (every verdict but those in the verdict
    list: the held ones, then the live ones) and the verdicts to append to the list."""

    checkpoint: Checkpoint
    progress: CustomerProgress
    frozen: tuple[CallResult, ...]


def _utc_max(moments: Iterable[datetime]) -> datetime | None:
    return max((m.astimezone(UTC) for m in moments), default=None)


def _order(event: Event) -> tuple[datetime, str]:
    return (event.occurred_at.astimezone(UTC), event.event_id)


def appendable(checkpoint: Checkpoint, new: Sequence[Event], as_of: date, program: Program) -> bool:
    """Whether `new` can be folded onto the checkpoint (and it projected as of `as_of`):
    each event happened strictly after every one before it and was known no earlier, no
    conflicting versions are held, and every event was known by the end of `as_of`."""
    if checkpoint.conflicting_event_ids:
        return False
    latest, known = checkpoint.bounds()
    for event in sorted(new, key=_order):
        occurred, learned = event.occurred_at.astimezone(UTC), event.known_at.astimezone(UTC)
        if (latest is not None and occurred <= latest) or (known is not None and learned < known):
            return False
        latest, known = occurred, learned
    return known is None or known < end_of_day(as_of, program.zone)


def advance(
    program: Program, checkpoint: Checkpoint, new: Sequence[Event], as_of: date
) -> Advanced:
    """Fold `new` onto the checkpoint (`appendable` must hold) and project as of `as_of`."""
    latest, known = checkpoint.bounds()
    ordered = sorted(new, key=_order)
    if ordered:
        latest = _utc_max([ordered[-1].occurred_at, *([latest] if latest else [])])
        known = _utc_max([*(e.known_at for e in ordered), *([known] if known else [])])
    # Every event here is a validated `Event` already: validating them again on each fold
    # would cost more than the fold (model_construct trusts the typed values).
    state = CustomerState.model_construct(
        customer_id=checkpoint.customer_id,
        events=(*checkpoint.events, *ordered),
        conflicting_event_ids=checkpoint.conflicting_event_ids,
    )
    return _compact(
        program,
        state,
        as_of,
        walks=checkpoint.walks,
        frozen_before=checkpoint.frozen_calls,
        count=checkpoint.count + len(ordered),
        bounds=(latest, known),
        held=checkpoint.held,
    )


def rebuild(program: Program, customer_id: str, history: Iterable[Event], as_of: date) -> Advanced:
    """A checkpoint from a whole history (the fallback, and a customer's first state)."""
    state = state_from_events(customer_id, history)
    bounds = (
        _utc_max(e.occurred_at for e in state.events),
        _utc_max(e.known_at for e in state.events),
    )
    return _compact(
        program, state, as_of, walks={}, frozen_before=0, count=len(state.events), bounds=bounds
    )


def _compact(
    program: Program,
    state: CustomerState,
    as_of: date,
    *,
    walks: dict[str, WalkCarry],
    frozen_before: int,
    count: int,
    bounds: tuple[datetime | None, datetime | None],
    held: tuple[CallResult, ...] = (),
) -> Advanced:
    """Project the state, then fold away what no later event can change."""
    latest, known = bounds
    decided = (
        latest is not None
        and known is not None
        and not state.conflicting_event_ids
        and known < end_of_day(as_of, program.zone)
    )
    progress, carried = project_carried(program, state, as_of, walks, latest if decided else None)
    base = Checkpoint.model_construct(
        customer_id=state.customer_id,
        events=state.events,
        conflicting_event_ids=state.conflicting_event_ids,
        walks=dict(walks),
        frozen_calls=frozen_before,
        held=held,
        event_count=count,
        latest=latest,
        latest_known=known,
    )
    if not decided or latest is None:
        return Advanced(base, with_frozen(progress, held), ())
    cut = _cut(progress, carried)
    frozen = _frozen_prefix(progress.calls, cut)
    frozen_ids = {c.event_id for c in frozen}
    live_calls = tuple(c for c in progress.calls if c.event_id not in frozen_ids)
    held = (*held, *frozen)
    moved: tuple[CallResult, ...] = ()
    if len(held) > HELD_VERDICTS:
        moved, held = held, ()
    reach = min([latest, *(_utc(c.occurred_at) for c in live_calls)])
    kept = tuple(
        e for e in state.events if e.event_id not in frozen_ids and _stays(e, program, reach)
    )
    live_ids = {c.event_id for c in live_calls}
    checkpoint = base.model_copy(
        update={
            "events": kept,
            "walks": {
                reward: walk.model_copy(
                    update={"late": {k: v for k, v in walk.late.items() if k in live_ids}}
                )
                for reward, walk in carried.items()
            },
            "frozen_calls": frozen_before + len(moved),
            "held": held,
        }
    )
    whole = progress.model_copy(update={"calls": (*held, *live_calls)})
    return Advanced(checkpoint, whole, moved)


def _frozen_prefix(calls: tuple[CallResult, ...], cut: datetime | None) -> tuple[CallResult, ...]:
    """The verdicts that can no longer change, up to the first that still can: the verdict
    list is read back before the live ones, so it must be a prefix in occurrence order (an
    uncounted contact after a call that stays live stays live too)."""
    done = 0
    for call in calls:
        if call.counts and cut is not None and _utc(call.occurred_at) >= cut:
            break
        done += 1
    return calls[:done]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _cut(progress: CustomerProgress, carried: dict[str, WalkCarry]) -> datetime | None:
    """Where the earliest open streak walk begins; None: no contact can change any more."""
    if progress.enrolled_on is None:
        return None
    starts = [_utc(w.start) for w in carried.values() if w.final is None]
    return min(starts, default=None)


def _stays(event: Event, program: Program, reach: datetime) -> bool:
    """Whether a non-frozen event stays live: every one but a diagnosis whose hotline pass
    ended before `reach`, the earliest contact still to be judged (a live one, or one
    arriving later)."""
    if event.type not in DIAGNOSIS_TYPES:
        return True
    days = program.calls.hotline_pass_days
    return _utc(same_clock_time_later(event.occurred_at, days, program.zone)) >= reach


def with_frozen(progress: CustomerProgress, frozen: Sequence[CallResult]) -> CustomerProgress:
    """The whole projection: the frozen verdicts (all earlier) before the live ones."""
    if not frozen:
        return progress
    return progress.model_copy(update={"calls": (*frozen, *progress.calls)})
