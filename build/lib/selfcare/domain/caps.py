"""Per-customer caps per calendar period: grants beyond a cap wait for room, never vanish."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from selfcare.domain.calendar import next_period_start, period_key
from selfcare.domain.program import Cap
from selfcare.domain.progress import Grant, PendingGrant
from selfcare.domain.streak import DueGrant

CAP_EXCEEDED = "cap_exceeded"
SETTLEMENT = "settlement_pending"


@dataclass
class Payout:
    """Grants paid by as_of and those pending, each pending one with its reason."""

    grants: list[Grant] = field(default_factory=list)
    pending: list[PendingGrant] = field(default_factory=list)


def apply_caps(due: list[DueGrant], caps: tuple[Cap, ...], as_of: date) -> Payout:
    """Pay due grants in the order they fall due; a grant over a cap moves to the next period.

    Processing strictly by (day, instant due, reward order) means a later grant can never
    displace an earlier one, so what was paid by a day, or by a moment of a day, stays paid
    as time advances: the live service, which settles grants as they fall due, writes the
    same ledger. A grant moved to a later period keeps its place before that day's others.
    """
    payout = Payout()
    used: dict[tuple[int, str], int] = defaultdict(int)
    queue = [(g.due_on, _due_order(g), g, False) for g in due]
    heapq.heapify(queue)
    while queue:
        day, order, grant, moved = heapq.heappop(queue)
        if day > as_of:
            payout.pending.append(_waiting(grant, day, moved))
            continue
        blocking = [
            i
            for i, cap in enumerate(caps)
            if used[i, period_key(day, cap.period)] + grant.amount_mb > cap.max_mb
        ]
        if not blocking:
            for i, cap in enumerate(caps):
                used[i, period_key(day, cap.period)] += grant.amount_mb
            payout.grants.append(
                Grant(
                    reward=grant.reward,
                    amount_mb=grant.amount_mb,
                    granted_on=day,
                    period=grant.period,
                )
            )
            continue
        later = _next_room(day, grant, [caps[i] for i in blocking])
        if later is None:
            payout.pending.append(_held_for_good(grant, [caps[i] for i in blocking]))
        else:
            heapq.heappush(queue, (later, order, grant, True))
    return payout


def _due_order(grant: DueGrant) -> tuple[datetime, int, str]:
    """Instant due (in UTC: one zone object compares by wall clock), then reward order."""
    return (grant.due_at.astimezone(UTC), grant.order, grant.period)


def _next_room(day: date, grant: DueGrant, blocking: list[Cap]) -> date | None:
    starts = []
    for cap in blocking:
        start = next_period_start(day, cap.period)
        if start is None or not cap.carry_over or grant.amount_mb > cap.max_mb:
            return None
        starts.append(start)
    return max(starts)


def _waiting(grant: DueGrant, day: date, moved: bool) -> PendingGrant:
    if moved:
        return PendingGrant(
            reward=grant.reward,
            amount_mb=grant.amount_mb,
            period=grant.period,
            due_on=day,
            reason=CAP_EXCEEDED,
            explanation=(
                f"Held back by the cap on data per period; paid on {day.isoformat()} "
                "when the next period has room."
            ),
        )
    return PendingGrant(
        reward=grant.reward,
        amount_mb=grant.amount_mb,
        period=grant.period,
        due_on=day,
        reason=SETTLEMENT,
        explanation=f"Earned; paid on {day.isoformat()} after the settlement period.",
    )


def _held_for_good(grant: DueGrant, blocking: list[Cap]) -> PendingGrant:
    limits = ", ".join(f"{c.max_mb} MB per {c.period}" for c in blocking)
    return PendingGrant(
        reward=grant.reward,
        amount_mb=grant.amount_mb,
        period=grant.period,
        due_on=None,
        reason=CAP_EXCEEDED,
        explanation=f"Held back by the cap ({limits}) and not carried over.",
    )
