"""Money: data volume granted against hotline calls avoided, with intervals and break-even.

Avoided calls come from the ITT effect (the invitation's effect, randomised), so their
interval carries over linearly to savings and net benefit. Volume granted is counted, not
estimated, and carries no sampling error here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from selfcare.domain.program import Program
from selfcare.pilot.settings import PilotSettings

MB_PER_GB = 1024


def granted_mb(customers: pd.DataFrame, program: Program, end: pd.Timestamp) -> float:
    """MB due by the end of the pilot: task bonuses done and no-hotline streaks completed.

    A streak counts when the first window after acceptance ended before the pilot did and
    held no counted call (restarted windows are left out: they cannot complete in a pilot
    shorter than twice the streak).
    """
    total = 0.0
    for task in program.tasks:
        column = f"task_{task.id}"
        if column in customers:
            total += float(customers[column].sum()) * task.amount_mb
    accepted_at = customers["accepted_at"].dropna()
    for streak in program.streaks:
        completes = accepted_at + pd.DateOffset(months=streak.months)
        broken = customers.loc[accepted_at.index, "first_counted_after_acceptance"]
        done = (completes <= end) & ~(broken < completes).fillna(False).astype(bool)
        total += float(done.sum()) * streak.amount_mb
    return total


def money(
    *,
    itt: dict[str, float],
    cace: dict[str, float],
    invited: int,
    accepters: int,
    months: float,
    mb: float,
    settings: PilotSettings,
) -> dict[str, Any]:
    """Cost per avoided call, net benefit (each with a 95 % interval) and break-even take-up."""
    volume_cost = mb / MB_PER_GB * settings.cost_per_gb
    invitations = invited * settings.cost_per_invitation
    cost = volume_cost + invitations
    scale = -months * invited  # calls avoided = −effect per customer-month × customer-months
    avoided = itt["effect"] * scale
    avoided_low, avoided_high = sorted((itt["ci_high"] * scale, itt["ci_low"] * scale))
    net = [a * settings.cost_per_call - cost for a in (avoided, avoided_low, avoided_high)]
    per_call = _per_avoided_call(cost, avoided, avoided_low, avoided_high)
    return {
        "currency": settings.currency,
        "mb_granted": mb,
        "volume_cost": volume_cost,
        "invitation_cost": invitations,
        "calls_avoided": avoided,
        "calls_avoided_ci": [avoided_low, avoided_high],
        "savings": avoided * settings.cost_per_call,
        "net_benefit": net[0],
        "net_benefit_ci": [net[1], net[2]],
        "cost_per_avoided_call": per_call[0],
        "cost_per_avoided_call_ci": [per_call[1], per_call[2]],
        "cost_per_call": settings.cost_per_call,
        "cost_per_gb": settings.cost_per_gb,
        "break_even_take_up": _break_even(cace, accepters, months, volume_cost, settings),
    }


def _per_avoided_call(
    cost: float, avoided: float, low: float, high: float
) -> tuple[float | None, float | None, float | None]:
    """Cost ÷ avoided calls; unbounded (None) where the interval reaches no avoided call."""
    point = cost / avoided if avoided > 0 else None
    upper = cost / low if low > 0 else None
    lower = cost / high if high > 0 else None
    return point, lower, upper


def _break_even(
    cace: dict[str, float], accepters: int, months: float, volume_cost: float, s: PilotSettings
) -> float | None:
    """The take-up at which savings pay for the volume and the invitations.

    Per invited customer and month: take_up × (calls an accepter avoids × cost per call −
    volume per accepter) must cover the invitation's cost spread over the months.
    """
    if accepters == 0 or months <= 0:
        return None
    margin = -cace["effect"] * s.cost_per_call - volume_cost / accepters / months
    if margin <= 0 or not np.isfinite(margin):
        return None  # no take-up pays off at this effect
    return float(s.cost_per_invitation / months / margin)
