"""The reference evaluator: a pure, order-independent fold over a customer's events.

`step` folds one event into a customer's state (idempotent on event_id); `project` turns a
state into what was earned, what is pending and why, as of a day. The same answers must come
from the bulk engine and from the service's stored state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from selfcare.domain.calendar import end_of_day, local_date, month_key
from selfcare.domain.calls import CallVerdict
from selfcare.domain.caps import apply_caps
from selfcare.domain.contacts import HotlinePasses, contact_verdict
from selfcare.domain.events import DIAGNOSIS_TYPES, Event, EventType
from selfcare.domain.program import Program, TaskReward
from selfcare.domain.progress import (
    CallResult,
    CustomerProgress,
    Progress,
    StreakProgress,
    StreakStatus,
)
from selfcare.domain.streak import DueGrant, StreakInputs, WalkCarry, evaluate_streak


class CustomerState(BaseModel):
    """Everything known about one customer: de-duplicated events, ordered by occurrence."""

    model_config = ConfigDict(frozen=True)

    customer_id: str
    events: tuple[Event, ...] = ()
    conflicting_event_ids: tuple[str, ...] = ()


def _preferred(a: Event, b: Event) -> Event:
    """Of two versions of one id keep the first known; ties by content, so order never matters."""
    return min(a, b, key=lambda e: (e.known_at, e.model_dump_json()))


def _sort_key(event: Event) -> tuple[datetime, str]:
    return (event.occurred_at, event.event_id)


def step(state: CustomerState, event: Event) -> CustomerState:
    """Fold one event into the state; re-sending an event changes nothing."""
    by_id = {e.event_id: e for e in state.events}
    conflicts = set(state.conflicting_event_ids)
    existing = by_id.get(event.event_id)
    if existing is not None:
        if existing == event:
            return state
        conflicts.add(event.event_id)
        event = _preferred(existing, event)
    by_id[event.event_id] = event
    return CustomerState(
        customer_id=state.customer_id,
        events=tuple(sorted(by_id.values(), key=_sort_key)),
        conflicting_event_ids=tuple(sorted(conflicts)),
    )


def state_from_events(customer_id: str, events: Iterable[Event]) -> CustomerState:
    """Build a state from many events at once (same result as folding `step`, in O(n log n))."""
    by_id: dict[str, Event] = {}
    conflicts: set[str] = set()
    for incoming in events:
        existing = by_id.get(incoming.event_id)
        if existing is not None and existing != incoming:
            conflicts.add(incoming.event_id)
            incoming = _preferred(existing, incoming)
        by_id[incoming.event_id] = incoming
    return CustomerState(
        customer_id=customer_id,
        events=tuple(sorted(by_id.values(), key=_sort_key)),
        conflicting_event_ids=tuple(sorted(conflicts)),
    )


def evaluate(program: Program, events: Iterable[Event], as_of: date) -> Progress:
    """Evaluate every customer in the history as of a day (events known by its end)."""
    grouped: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        grouped[event.customer_id].append(event)
    customers = tuple(
        project(program, state_from_events(cid, grouped[cid]), as_of) for cid in sorted(grouped)
    )
    return Progress(as_of=as_of, customers=customers)


def project(program: Program, state: CustomerState, as_of: date) -> CustomerProgress:
    """What one customer has earned by the end of `as_of`, what is pending, and why."""
    return project_carried(program, state, as_of, {}, None)[0]


def project_carried(
    program: Program,
    state: CustomerState,
    as_of: date,
    walks: Mapping[str, WalkCarry],
    latest: datetime | None,
) -> tuple[CustomerProgress, dict[str, WalkCarry]]:
    """`project`, with each streak's walk resumed where `walks` left off (their decided
    windows' events need not be in `state`), and the walks carried past the windows that
    ended by `latest` (the incremental projection's checkpoint; none without `latest`).

    One code path for both: with no walks and no latest this is the reference projection.
    """
    zone = program.zone
    horizon = end_of_day(as_of, zone)
    known = [e for e in state.events if e.known_at < horizon]
    enrollment = _first_known(known, EventType.INVITATION_ACCEPTED)
    contract_end = _first_known(known, EventType.CONTRACT_ENDED)
    diagnoses = tuple(e for e in known if e.type in DIAGNOSIS_TYPES)
    passes = HotlinePasses(diagnoses, program.calls.hotline_pass_days, zone)
    calls = [(e, contact_verdict(e, program.calls, passes, zone)) for e in known if e.is_contact]
    due: list[DueGrant] = []
    streaks: list[StreakProgress] = []
    late: dict[str, str] = {}
    carried: dict[str, WalkCarry] = {}
    if enrollment is not None:
        due.extend(_task_grants(program, known, enrollment, contract_end, zone))
        counted = tuple(e for e, v in calls if v.counts and e.occurred_at >= enrollment.occurred_at)
        facts = StreakInputs(enrollment.occurred_at, counted, contract_end, horizon, zone, latest)
        for order, reward in enumerate(program.rewards):
            if reward.kind == "streak":
                outcome = evaluate_streak(reward, order, facts, walks.get(reward.id))
                due.extend(outcome.due)
                streaks.append(outcome.progress)
                late.update(outcome.late_calls)
                if outcome.carry is not None:
                    carried[reward.id] = outcome.carry
    else:
        streaks = not_enrolled_streaks(program)
    payout = apply_caps(due, program.caps, as_of)
    progress = CustomerProgress(
        customer_id=state.customer_id,
        enrolled_on=local_date(enrollment.occurred_at, zone) if enrollment else None,
        earned_mb=sum(g.amount_mb for g in payout.grants),
        grants=tuple(payout.grants),
        pending=tuple(payout.pending),
        streaks=tuple(streaks),
        calls=tuple(_call_results(calls, enrollment, late)),
        conflicting_event_ids=state.conflicting_event_ids,
    )
    return progress, carried


def not_enrolled_streaks(program: Program) -> list[StreakProgress]:
    """The streaks of a customer who never accepted the invitation."""
    return [
        StreakProgress(
            reward=r.id,
            status=StreakStatus.NOT_ENROLLED,
            explanation="Not enrolled: the invitation was not accepted.",
        )
        for r in program.streaks
    ]


def _first_known(events: list[Event], kind: EventType) -> Event | None:
    """The first such event selfcare learned of; later news never moves it (no claw-back)."""
    matching = [e for e in events if e.type is kind]
    return min(matching, key=lambda e: (e.known_at, e.occurred_at, e.event_id), default=None)


def _task_grants(
    program: Program,
    known: list[Event],
    enrollment: Event,
    contract_end: Event | None,
    zone: ZoneInfo,
) -> list[DueGrant]:
    due: list[DueGrant] = []
    for order, reward in enumerate(program.rewards):
        if isinstance(reward, TaskReward):
            due.extend(
                _one_task(
                    reward,
                    order,
                    known=known,
                    enrollment=enrollment,
                    contract_end=contract_end,
                    zone=zone,
                )
            )
    return due


def _one_task(
    reward: TaskReward,
    order: int,
    *,
    known: list[Event],
    enrollment: Event,
    contract_end: Event | None,
    zone: ZoneInfo,
) -> list[DueGrant]:
    """Task bonuses: once, or once per calendar month; paid no earlier than selfcare knew.

    A bonus falls due the moment selfcare knew both of the task and of the enrollment; of
    several qualifying events the first to fall due pays.
    """
    chosen: dict[str, tuple[tuple[datetime, datetime, str], DueGrant]] = {}
    for event in known:
        if event.type.value != reward.event:
            continue
        if event.occurred_at < enrollment.occurred_at and not reward.count_prior:
            continue
        due_at = max(event.known_at.astimezone(UTC), enrollment.known_at.astimezone(UTC))
        due_on = local_date(due_at, zone)
        if _after_contract_end(event, contract_end, due_on, zone):
            continue
        period = (
            "once"
            if reward.recurrence == "once"
            else month_key(local_date(event.occurred_at, zone))
        )
        key = (due_at, event.occurred_at.astimezone(UTC), event.event_id)
        if period not in chosen or key < chosen[period][0]:
            grant = DueGrant(reward.id, reward.amount_mb, due_on, period, order, due_at)
            chosen[period] = (key, grant)
    return [grant for _, grant in chosen.values()]


def _after_contract_end(
    event: Event, contract_end: Event | None, due_on: date, zone: ZoneInfo
) -> bool:
    """No bonus for what happened after the contract ended, once selfcare knew it had ended."""
    if contract_end is None or event.occurred_at < contract_end.occurred_at:
        return False
    return contract_end.known_at < end_of_day(due_on, zone)


def _call_results(
    calls: list[tuple[Event, CallVerdict]], enrollment: Event | None, late: dict[str, str]
) -> list[CallResult]:
    return [
        call_result(
            event.event_id,
            event.occurred_at,
            verdict,
            before_enrollment=enrollment is None or event.occurred_at < enrollment.occurred_at,
            late_note=late.get(event.event_id),
        )
        for event, verdict in calls
    ]


def call_result(
    event_id: str,
    occurred_at: datetime,
    verdict: CallVerdict,
    *,
    before_enrollment: bool,
    late_note: str | None,
) -> CallResult:
    """One contact's line in the result (shared with the bulk engine, which hands in facts).

    Built without validating again when the values are already of their fields' types (the
    evaluator's always are: they come from a validated event and verdict)."""
    counts, rule, explanation = verdict.counts, verdict.rule, verdict.explanation
    if counts and before_enrollment:
        counts = False
        rule = "before_enrollment"
        explanation = (
            "Not enrolled in the program at the time, so it does not count. "
            f"(Topic: {verdict.category}.)"
        )
    if late_note is not None:
        explanation = f"{explanation} {late_note}"
    make = (
        CallResult.model_construct
        if type(event_id) is str and type(occurred_at) is datetime
        else CallResult
    )
    return make(
        event_id=event_id,
        occurred_at=occurred_at,
        category=verdict.category,
        counts=counts,
        rule=rule,
        explanation=explanation,
        matched=verdict.matched,
    )
