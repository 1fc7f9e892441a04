"""The nightly product: one row of facts per customer and reward, without words.

`--output results.parquet` carries these typed fields on every engine. The bulk engines
compute them entirely in SQL (`facts_table`, written by the engine itself); the reference
evaluator's results give the same rows (`progress_facts`), which is what the differential
tests compare and what `--engine python --output` writes. The words (explanations, verdicts)
are rendered only for the JSON outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from selfcare.bulk.caps_sql import GRANTED, PENDING
from selfcare.domain.program import Program, StreakReward
from selfcare.domain.progress import CustomerProgress, StreakStatus

_LINE = pa.struct(
    [
        ("period", pa.string()),
        ("amount_mb", pa.int64()),
        ("on", pa.date32()),
        ("state", pa.string()),
        ("reason", pa.string()),
    ]
)
FACTS_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("reward", pa.string()),
        ("kind", pa.string()),
        ("enrolled_on", pa.date32()),
        ("state", pa.string()),
        ("earned_mb", pa.int64()),
        ("pending_mb", pa.int64()),
        ("lines", pa.list_(_LINE)),
        ("streak", pa.string()),
        ("window_start", pa.date32()),
        ("completes_on", pa.date32()),
        ("broken_by", pa.string()),
        ("completed_windows", pa.int64()),
        ("calls", pa.int64()),
        ("calls_counted", pa.int64()),
        ("conflicts", pa.int64()),
    ]
)
"""Documented in docs/bulk.md (`--output`): field by field what each row says."""

EARNED, NOT_YET = "earned", "not_yet"
# The streak's outcome as a code: the reference's status, its forfeit split by cause.
RUNNING, COMPLETED, RESTARTING = "running", "completed", "restarting"
CONTRACT_ENDED, FORFEITED_CALL, NOT_ENROLLED = "contract_ended", "forfeited_call", "not_enrolled"
_ENGINE_OUTCOMES = {
    "running": RUNNING,
    "completed": COMPLETED,
    "restarting": RESTARTING,
    "ended": CONTRACT_ENDED,
    "forfeited": FORFEITED_CALL,
}


def _rewards(program: Program) -> ir.Table:
    rewards = program.rewards
    return ibis.memtable(
        {
            "reward": [r.id for r in rewards],
            "kind": ["streak" if isinstance(r, StreakReward) else "task" for r in rewards],
            "reward_order": list(range(len(rewards))),
        },
        schema={"reward": "string", "kind": "string", "reward_order": "int64"},
    )


def facts_table(
    program: Program,
    *,
    customers: ir.Table,
    enrolled_on: ir.DateValue,
    contacts: ir.Table,
    conflicts: ir.Table,
    streaks: ir.Table,
    payout: ir.Table,
) -> ir.Table:
    """The rows of FACTS_SCHEMA, sorted by customer and reward order, all in the engine."""
    people = customers.select("customer_id", enrolled_on=enrolled_on)
    rows = people.cross_join(_rewards(program))
    rows = _joined(rows, _lines(payout), ["customer_id", "reward"])
    rows = _joined(rows, _streak_facts(streaks), ["customer_id", "reward"])
    rows = _joined(rows, _call_counts(contacts), ["customer_id"])
    rows = _joined(rows, _conflict_counts(conflicts), ["customer_id"])
    enrolled = rows.enrolled_on.notnull()
    is_streak = rows.kind == "streak"
    earned = rows.earned_mb.fill_null(0)
    pending = rows.pending_mb.fill_null(0)
    restarting = rows.s_outcome == RESTARTING
    facts = rows.mutate(
        state=ibis.cases(
            (rows.pending_lines.fill_null(0) > 0, PENDING),
            (rows.granted_lines.fill_null(0) > 0, EARNED),
            else_=ibis.literal(NOT_YET),
        ),
        earned_mb=earned,
        pending_mb=pending,
        streak=ibis.cases(
            (~is_streak, ibis.null(dt.string)),
            (~enrolled, ibis.literal(NOT_ENROLLED)),
            else_=rows.s_outcome,
        ),
        window_start=ibis.ifelse(is_streak & enrolled, rows.s_start, ibis.null(dt.date)),
        completes_on=ibis.ifelse(
            is_streak & enrolled,
            ibis.ifelse(
                restarting, _window_end(program, rows.reward, rows.s_start), rows.s_completes
            ),
            ibis.null(dt.date),
        ),
        broken_by=ibis.ifelse(is_streak & enrolled, rows.s_broken_by, ibis.null(dt.string)),
        completed_windows=ibis.ifelse(
            is_streak, rows.s_done.fill_null(0), ibis.null(dt.int64)
        ).cast(dt.int64),
        calls=rows.n_calls.fill_null(0).cast(dt.int64),
        calls_counted=rows.n_counted.fill_null(0).cast(dt.int64),
        conflicts=rows.n_conflicts.fill_null(0).cast(dt.int64),
    )
    facts = facts.mutate(
        # the empty list, not null, where a reward has no lines (the same on both sides)
        lines=ibis.ifelse(facts.lines.isnull(), ibis.literal([], facts.lines.type()), facts.lines)
    )
    ordered = facts.order_by(["customer_id", "reward_order"])
    return ordered.select(*FACTS_SCHEMA.names)


SQL_TYPES = {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.date32(): "DATE"}


def duckdb_columns() -> str:
    """FACTS_SCHEMA's columns, each cast in DuckDB's own SQL: Ibis elides a cast to the type
    it believes a column has, but DuckDB's sums are 128-bit (written as doubles) and its
    month arithmetic on a day gives a timestamp."""
    return ", ".join(
        f'CAST("{f.name}" AS {SQL_TYPES[f.type]}) AS "{f.name}"'
        if f.type in SQL_TYPES
        else f'"{f.name}"'
        for f in FACTS_SCHEMA
    )


def _window_end(program: Program, reward: ir.StringValue, start: ir.DateValue) -> ir.DateValue:
    """`calendar.add_months` by the reward's months: the day clamps to the month's end, as
    the engines' own month arithmetic does (as in the streak walk of `translate`)."""
    return ibis.cases(
        *(
            (reward == r.id, (start + ibis.interval(months=r.months)).cast(dt.date))
            for r in program.streaks
        ),
        else_=ibis.null(dt.date),
    )


def _joined(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    joined = left.left_join(right, keys)
    copies = [name for name in joined.columns if name.endswith("_right")]
    return joined.drop(*copies) if copies else joined


def _lines(payout: ir.Table) -> ir.Table:
    granted = payout.state == GRANTED
    line = ibis.struct(
        {
            "period": payout.period,
            "amount_mb": payout.amount_mb,
            "on": payout.on,
            "state": payout.state,
            "reason": payout.reason,
        }
    )
    return payout.group_by(["customer_id", "reward"]).agg(
        lines=line.collect(order_by=[payout.state, payout.period]),
        earned_mb=payout.amount_mb.sum(where=granted),
        pending_mb=payout.amount_mb.sum(where=~granted),
        granted_lines=granted.sum(),
        pending_lines=(~granted).sum(),
    )


def _streak_facts(streaks: ir.Table) -> ir.Table:
    outcome = ibis.cases(*((streaks.outcome == k, v) for k, v in _ENGINE_OUTCOMES.items()))
    forfeited = streaks.outcome == "forfeited"  # by a call: the reference names no window
    return streaks.select(
        "customer_id",
        "reward",
        s_outcome=outcome,
        s_start=ibis.ifelse(forfeited, ibis.null(dt.date), streaks.start_day),
        s_completes=ibis.ifelse(forfeited, ibis.null(dt.date), streaks.completes),
        s_broken_by=streaks.broken_by,
        s_done=streaks.done,
    )


def _call_counts(contacts: ir.Table) -> ir.Table:
    return contacts.group_by("customer_id").agg(
        n_calls=contacts.count(), n_counted=contacts.counted.sum()
    )


def _conflict_counts(conflicts: ir.Table) -> ir.Table:
    return conflicts.group_by("customer_id").agg(n_conflicts=conflicts.count())


# The same rows from the reference evaluator's results.


def progress_facts(program: Program, customer: CustomerProgress) -> list[dict[str, Any]]:
    """One customer's rows of FACTS_SCHEMA, read from the reference's result."""
    streaks = {s.reward: s for s in customer.streaks}
    counted = sum(1 for c in customer.calls if c.counts)
    rows = []
    for reward in program.rewards:
        lines: list[dict[str, Any]] = [
            {"period": g.period, "amount_mb": g.amount_mb, "on": g.granted_on}
            | {"state": GRANTED, "reason": None}
            for g in customer.grants
            if g.reward == reward.id
        ] + [
            {"period": p.period, "amount_mb": p.amount_mb, "on": p.due_on}
            | {"state": PENDING, "reason": p.reason}
            for p in customer.pending
            if p.reward == reward.id
        ]
        lines.sort(key=lambda line: (line["state"], line["period"]))
        rows.append(
            {
                "customer_id": customer.customer_id,
                "reward": reward.id,
                "kind": "streak" if isinstance(reward, StreakReward) else "task",
                "enrolled_on": customer.enrolled_on,
                "state": _state(lines),
                "earned_mb": sum(x["amount_mb"] for x in lines if x["state"] == GRANTED),
                "pending_mb": sum(x["amount_mb"] for x in lines if x["state"] == PENDING),
                "lines": lines,
                **_streak_row(streaks.get(reward.id), isinstance(reward, StreakReward)),
                "calls": len(customer.calls),
                "calls_counted": counted,
                "conflicts": len(customer.conflicting_event_ids),
            }
        )
    return rows


def _state(lines: list[dict[str, Any]]) -> str:
    if any(x["state"] == PENDING for x in lines):
        return PENDING
    return EARNED if lines else NOT_YET


def _streak_row(streak: Any, is_streak: bool) -> dict[str, Any]:
    if not is_streak or streak is None:
        return dict.fromkeys(
            ("streak", "window_start", "completes_on", "broken_by", "completed_windows")
        )
    return {
        "streak": _streak_code(streak.status, streak.window_start is not None),
        "window_start": streak.window_start,
        "completes_on": streak.completes_on,
        "broken_by": streak.broken_by,
        "completed_windows": streak.completed_windows,
    }


def _streak_code(status: StreakStatus, has_window: bool) -> str:
    if status is StreakStatus.FORFEITED:
        return CONTRACT_ENDED if has_window else FORFEITED_CALL
    if status is StreakStatus.BROKEN:
        return RESTARTING
    return status.value


PYTHON_BATCH = 50_000


def write_progress_facts(
    program: Program, customers: Iterable[CustomerProgress], path: Path
) -> Iterator[CustomerProgress]:
    """The reference's results pass through; their facts go to `path` in batches."""
    with pq.ParquetWriter(path, FACTS_SCHEMA, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for customer in customers:
            batch.extend(progress_facts(program, customer))
            if len(batch) >= PYTHON_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=FACTS_SCHEMA))
                batch = []
            yield customer
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=FACTS_SCHEMA))
