"""Each customer's facts, as the engine computed them, into the reference's result.

The words come from the domain's own functions (call verdicts, streak outcomes, caps,
late-call notes), so the bulk and the reference engines cannot drift apart in wording.
Facts arrive as Arrow tables sorted by customer; each is read once, in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

import pyarrow as pa
from pydantic import TypeAdapter

from selfcare.domain.calendar import local_date, start_of_day
from selfcare.domain.calls import CallVerdict, classify_text
from selfcare.domain.caps import apply_caps
from selfcare.domain.contacts import contact_exclusion, excluded, pass_verdict
from selfcare.domain.evaluator import call_result, not_enrolled_streaks
from selfcare.domain.program import Program, StreakReward
from selfcare.domain.progress import CallResult, CustomerProgress, StreakProgress
from selfcare.domain.streak import (
    DueGrant,
    completed,
    ended,
    forfeited_by_call,
    late_call_note,
    restarting,
    running,
)

_INSTANT = TypeAdapter(datetime)
Row = dict[str, Any]


@dataclass(frozen=True)
class FactTables:
    """The engine's facts fetched as Arrow, each sorted by customer_id."""

    customers: pa.Table
    conflicts: pa.Table
    contacts: pa.Table
    due: pa.Table
    streaks: pa.Table
    late: pa.Table


def _rows(table: pa.Table) -> Iterator[tuple[str, list[Row]]]:
    names = table.column_names
    for batch in table.to_batches(max_chunksize=65_536):
        columns = [_values(batch.column(i)) for i in range(len(names))]
        records = (dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True))
        for customer, rows in groupby(records, key=itemgetter("customer_id")):
            yield customer, list(rows)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _values(column: pa.Array) -> list[Any]:
    """A column as Python values; instants built from their microseconds, some ten times
    faster than Arrow's own conversion of zoned timestamps."""
    if not pa.types.is_timestamp(column.type):
        return column.to_pylist()  # type: ignore[no-any-return]
    micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_pylist()
    return [None if v is None else _EPOCH + timedelta(microseconds=v) for v in micros]


class _Cursor:
    """Walks one sorted fact table alongside the customers, customer by customer."""

    def __init__(self, table: pa.Table) -> None:
        self._groups = _rows(table)
        self._head: tuple[str, list[Row]] | None = next(self._groups, None)

    def take(self, customer: str) -> list[Row]:
        rows: list[Row] = []
        while self._head is not None and self._head[0] <= customer:
            if self._head[0] == customer:
                rows.extend(self._head[1])
            self._head = next(self._groups, None)
        return rows


def customers(program: Program, facts: FactTables, as_of: date) -> Iterator[CustomerProgress]:
    """Every customer's progress, in customer-id order."""
    verdicts: dict[tuple[Any, ...], CallVerdict] = {}
    cursors = {
        name: _Cursor(getattr(facts, name))
        for name in ("conflicts", "contacts", "due", "streaks", "late")
    }
    for customer, rows in _rows(facts.customers):
        yield _one(
            program,
            rows[0],
            as_of,
            conflicts=cursors["conflicts"].take(customer),
            contacts=cursors["contacts"].take(customer),
            due=cursors["due"].take(customer),
            streaks=cursors["streaks"].take(customer),
            late=cursors["late"].take(customer),
            verdicts=verdicts,
        )


def _one(
    program: Program,
    customer: Row,
    as_of: date,
    *,
    conflicts: list[Row],
    contacts: list[Row],
    due: list[Row],
    streaks: list[Row],
    late: list[Row],
    verdicts: dict[tuple[Any, ...], CallVerdict],
) -> CustomerProgress:
    zone = program.zone
    enrolled_at: datetime | None = customer["enr_at"]
    payout = apply_caps([_due(row, program) for row in due], program.caps, as_of)
    notes = {row["event_id"]: late_call_note(row["grant_day"]) for row in late}
    return CustomerProgress(
        customer_id=customer["customer_id"],
        enrolled_on=local_date(enrolled_at, zone) if enrolled_at else None,
        earned_mb=sum(g.amount_mb for g in payout.grants),
        grants=tuple(payout.grants),
        pending=tuple(payout.pending),
        streaks=tuple(_streaks(program, streaks) if enrolled_at else not_enrolled_streaks(program)),
        calls=tuple(_calls(program, contacts, enrolled_at, notes, verdicts)),
        conflicting_event_ids=tuple(sorted(row["event_id"] for row in conflicts)),
    )


def _due(row: Row, program: Program) -> DueGrant:
    due_at = row["due_at"] or start_of_day(row["due_on"], program.zone)
    return DueGrant(
        row["reward"], row["amount_mb"], row["due_on"], row["period"], row["order"], due_at
    )


def _streaks(program: Program, rows: list[Row]) -> list[StreakProgress]:
    by_reward = {row["reward"]: row for row in rows}
    return [_streak(reward, by_reward[reward.id]) for reward in program.streaks]


def _streak(reward: StreakReward, row: Row) -> StreakProgress:
    outcome, start, completes = row["outcome"], row["start_day"], row["completes"]
    breaker, done = row["broken_by"], row["done"]
    if outcome == "ended":
        return ended(reward, start, completes, breaker, done)
    if outcome == "running":
        return running(reward, start, completes, breaker, done)
    if outcome == "completed":
        return completed(
            reward, start, completes, grant_day=row["grant_day"], breaker=breaker, done=done
        )
    if outcome == "restarting":
        return restarting(reward, start, breaker, done)
    return forfeited_by_call(reward, breaker, done)


def _calls(
    program: Program,
    rows: list[Row],
    enrolled_at: datetime | None,
    notes: dict[str, str],
    verdicts: dict[tuple[Any, ...], CallVerdict],
) -> list[CallResult]:
    ordered = sorted(rows, key=itemgetter("occurred_at", "event_id"))
    return [
        call_result(
            row["event_id"],
            _occurred(row),
            _verdict(program, row, verdicts),
            before_enrollment=enrolled_at is None or row["occurred_at"] < enrolled_at,
            late_note=notes.get(row["event_id"]),
        )
        for row in ordered
    ]


def _occurred(row: Row) -> datetime:
    """The time as the file gave it (its offset shows in the output), else the instant."""
    text = row["occurred_at_text"]
    return _parse(text) if text is not None else row["occurred_at"]


@lru_cache(maxsize=65_536)
def _parse(text: str) -> datetime:
    return _INSTANT.validate_python(text)


VERDICT_FACTS = ("type", "text", "reason_code", "direction", "reached_agent")


def _verdict(
    program: Program, row: Row, verdicts: dict[tuple[Any, ...], CallVerdict]
) -> CallVerdict:
    """The verdict's words from its facts; the same facts always give the same verdict, so
    each combination is rendered once per run (most contacts share a few texts and codes)."""
    if row["d_id"] is not None:
        return _rendered(program, row)
    key = tuple(row[name] for name in VERDICT_FACTS)
    verdict = verdicts.get(key)
    if verdict is None:
        verdict = verdicts[key] = _rendered(program, row)
    return verdict


def _rendered(program: Program, row: Row) -> CallVerdict:
    rules = program.calls
    if row["d_id"] is not None:
        return pass_verdict(
            row["d_type"],
            row["d_id"],
            diagnosed_at=row["d_at"],
            end=row["d_end"],
            days=rules.hotline_pass_days,
            zone=program.zone,
        )
    verdict = classify_text(row["text"], reason_code=row["reason_code"], rules=rules)
    reason = contact_exclusion(
        outbound=row["direction"] == "outbound",
        reached_agent=row["reached_agent"],
        channel=row["type"],
        rules=rules,
    )
    return excluded(verdict, reason)
