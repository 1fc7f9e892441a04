"""The caps of `domain/caps.py` over all customers at once, in the engine.

Most customers never reach a cap: a running sum of their due grants per cap and period,
partitioned by customer and ordered as the reference pays (day, instant due, reward order),
proves it, and their grants are paid on the day they fall due. Only customers whose sum
passes a cap need the reference's greedy order (a blocked grant takes no room, so a later
smaller one may still fit; a carried one moves to the next period's first day, ahead of that
day's others): for them the engine pays one grant per customer per round, all such customers
at once, so the rounds number the grants of the busiest capped customer, never the customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from selfcare.domain.caps import CAP_EXCEEDED, SETTLEMENT
from selfcare.domain.program import Cap

GRANTED = "granted"
PENDING = "pending"
PAYOUT_SCHEMA = {
    "customer_id": dt.string,
    "reward": dt.string,
    "period": dt.string,
    "amount_mb": dt.int64,
    "on": dt.date,
    "state": dt.string,
    "reason": dt.string,
}
"""One line per due grant: paid (`on` its day) or pending (`on` the day it will be paid,
null when a cap holds it for good), with the reference's reason code."""
ORDER = ["day", "due_at", "order", "period"]


@dataclass(frozen=True)
class Payer:
    """What paying needs from the run: the caps, the horizon and the engine's hooks."""

    caps: tuple[Cap, ...]
    as_of: date
    start_of_day: Callable[[ir.DateValue], ir.TimestampValue]
    materialise: Callable[[ir.Table], ir.Table]
    count_rows: Callable[[ir.Table], int]


def pay(due: ir.Table, payer: Payer) -> tuple[ir.Table, int]:
    """Every due grant paid or pending as `apply_caps` decides; and the rounds it took."""
    queue = due.select(
        "customer_id",
        "reward",
        "period",
        "amount_mb",
        "order",
        day=due.due_on,
        due_at=due.due_at.fill_null(payer.start_of_day(due.due_on)),
        moved=ibis.literal(False),
    )
    if not payer.caps:
        return _remaining(queue, payer.as_of), 0
    queue = payer.materialise(queue)
    capped = _capped_customers(queue, payer)
    free = queue.anti_join(capped, "customer_id")
    lines = [_remaining(free, payer.as_of)]
    held = queue.semi_join(capped, "customer_id")
    rounds = 0
    used = _no_use()
    while payer.count_rows(heads := payer.materialise(_heads(held, payer.as_of))) > 0:
        decided = payer.materialise(_decide(heads, used, payer.caps))
        lines.append(_paid_or_held(decided))
        used = payer.materialise(_spend(used, decided, payer.caps))
        held = payer.materialise(_requeue(held, decided))
        rounds += 1
    lines.append(_remaining(held, payer.as_of))
    return _stacked(lines), rounds


def _caps_table(caps: tuple[Cap, ...]) -> ir.Table:
    return ibis.memtable(
        {
            "cap": list(range(len(caps))),
            "cap_period": [c.period for c in caps],
            "max_mb": [c.max_mb for c in caps],
            "carry": [c.carry_over for c in caps],
        },
        schema={"cap": "int64", "cap_period": "string", "max_mb": "int64", "carry": "boolean"},
    )


def _period_key(day: ir.DateValue, period: ir.StringValue) -> ir.StringValue:
    """`calendar.period_key`: month `YYYY-MM`, year `YYYY`, else the whole program."""
    return ibis.cases(
        (period == "month", day.strftime("%Y-%m")),
        (period == "year", day.strftime("%Y")),
        else_=ibis.literal("program"),
    )


def _next_start(day: ir.DateValue, period: ir.StringValue) -> ir.DateValue:
    """`calendar.next_period_start`: the next month's or year's first day; null for ever."""
    month_start = ibis.date(day.year(), day.month(), 1)
    return ibis.cases(
        (period == "month", (month_start + ibis.interval(months=1)).cast(dt.date)),
        (period == "year", ibis.date(day.year() + 1, 1, 1)),
        else_=ibis.null(dt.date),
    )


def _capped_customers(queue: ir.Table, payer: Payer) -> ir.Table:
    """Customers whose grants due by the horizon pass a cap in some period."""
    payable = queue.filter(queue.day <= ibis.literal(payer.as_of))
    caps = _caps_table(payer.caps)
    spread = payable.cross_join(caps)
    spread = spread.mutate(key=_period_key(spread.day, spread.cap_period))
    sums = spread.group_by(["customer_id", "cap", "key"]).agg(
        total=spread.amount_mb.sum(), max_mb=spread.max_mb.max()
    )
    over = sums.filter(sums.total > sums.max_mb)
    return over.select("customer_id").distinct()


def _heads(held: ir.Table, as_of: date) -> ir.Table:
    """Each capped customer's next grant in the reference's order, if it is due by then."""
    first = ibis.window(group_by="customer_id", order_by=ORDER)
    ranked = held.mutate(rank=ibis.row_number().over(first))
    head = ranked.filter(ranked.rank == 0).drop("rank")
    return head.filter(head.day <= ibis.literal(as_of))


def _decide(heads: ir.Table, used: ir.Table, caps: tuple[Cap, ...]) -> ir.Table:
    """Paid, moved to the next period of the caps that block it, or held for good."""
    spread = heads.cross_join(_caps_table(caps))
    spread = spread.mutate(key=_period_key(spread.day, spread.cap_period))
    spread = spread.left_join(
        used,
        [
            spread.customer_id == used.u_customer,
            spread.cap == used.u_cap,
            spread.key == used.u_key,
        ],
    )
    blocks = spread.used.fill_null(0) + spread.amount_mb > spread.max_mb
    movable = spread.carry & (spread.amount_mb <= spread.max_mb) & (spread.cap_period != "program")
    spread = spread.mutate(
        blocks=blocks,
        stuck=blocks & ~movable,
        next_day=ibis.ifelse(
            blocks, _next_start(spread.day, spread.cap_period), ibis.null(dt.date)
        ),
    )
    keys = ["customer_id", "reward", "period", "amount_mb", "order", "day", "due_at", "moved"]
    return spread.group_by(keys).agg(
        blocked=spread.blocks.any(), stuck=spread.stuck.any(), next_day=spread.next_day.max()
    )


def _paid_or_held(decided: ir.Table) -> ir.Table:
    done = decided.filter(~decided.blocked | decided.stuck)
    return done.select(
        "customer_id",
        "reward",
        "period",
        "amount_mb",
        on=ibis.ifelse(done.blocked, ibis.null(dt.date), done.day),
        state=ibis.ifelse(done.blocked, PENDING, GRANTED),
        reason=ibis.ifelse(done.blocked, CAP_EXCEEDED, ibis.null(dt.string)),
    )


def _no_use() -> ir.Table:
    return ibis.memtable(
        {"u_customer": [], "u_cap": [], "u_key": [], "used": []},
        schema={"u_customer": "string", "u_cap": "int64", "u_key": "string", "used": "int64"},
    )


def _spend(used: ir.Table, decided: ir.Table, caps: tuple[Cap, ...]) -> ir.Table:
    paid = decided.filter(~decided.blocked).cross_join(_caps_table(caps))
    spent = paid.select(
        u_customer=paid.customer_id,
        u_cap=paid.cap,
        u_key=_period_key(paid.day, paid.cap_period),
        used=paid.amount_mb,
    )
    both = used.union(spent)
    return both.group_by(["u_customer", "u_cap", "u_key"]).agg(used=both.used.sum())


def _requeue(held: ir.Table, decided: ir.Table) -> ir.Table:
    """The queue without this round's heads; a moved grant back in at its new day."""
    keys = ["customer_id", "reward", "period"]
    rest = held.anti_join(decided, keys)
    moved = decided.filter(decided.blocked & ~decided.stuck)
    moved = moved.select(
        "customer_id",
        "reward",
        "period",
        "amount_mb",
        "order",
        day=moved.next_day,
        due_at="due_at",
        moved=ibis.literal(True),
    )
    return rest.union(moved.cast(rest.schema()))


def _remaining(queue: ir.Table, as_of: date) -> ir.Table:
    """Grants left in the queue: paid on their day if it has come (nothing caps them),
    else pending until then, the reason saying whether a cap moved them there."""
    come = queue.day <= ibis.literal(as_of)
    return queue.select(
        "customer_id",
        "reward",
        "period",
        "amount_mb",
        on=queue.day,
        state=ibis.ifelse(come, GRANTED, PENDING),
        reason=ibis.cases(
            (come, ibis.null(dt.string)),
            (queue.moved, CAP_EXCEEDED),
            else_=ibis.literal(SETTLEMENT),
        ),
    )


def _stacked(lines: list[ir.Table]) -> ir.Table:
    schema = ibis.schema(PAYOUT_SCHEMA)
    result = lines[0].cast(schema)
    for other in lines[1:]:
        result = result.union(other.cast(schema))
    return result
