"""`selfcare pilot analyze`: does the invitation reduce counted hotline calls, at what cost,
and does it harm anyone? One JSON document (ARCHITECTURE.md, stable contract)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from selfcare.domain.program import Program
from selfcare.errors import InvalidInput
from selfcare.pilot import guardrails as gr
from selfcare.pilot.balance import balance_check
from selfcare.pilot.estimators import Effect, itt
from selfcare.pilot.iv import complier_effect
from selfcare.pilot.metrics import Measured, Window, measure
from selfcare.pilot.money import granted_mb, money
from selfcare.pilot.sequential import boundaries
from selfcare.pilot.settings import PilotSettings
from selfcare.pilot.srm import srm_test

METRIC = "counted hotline calls per customer-month"
Count = Callable[[Window], Measured]
"""Counts the outcomes of the assigned customers in a window (pandas, DuckDB or a database)."""


def analyze(
    *,
    program: Program,
    settings: PilotSettings,
    assignments: pd.DataFrame,
    start: date,
    end: date,
    events: pd.DataFrame | None = None,
    count: Count | None = None,
) -> dict[str, Any]:
    """The whole evaluation of one pilot period [start, end); the outcomes are counted by
    `count` (set-based, DuckDB) or, given `events` in memory, by the pandas reference."""
    if end <= start:
        raise InvalidInput(f"--end: {end} is not after --start {start}")
    window = Window(start, end, settings.pre_months, program.timezone)
    if count is None:
        if events is None:
            raise InvalidInput("analyze: give the events or a way to count them")
        frame = events
        count = lambda w: measure(frame, assignments, program, w, settings.complaint_codes)  # noqa: E731 - a one-line adapter
    measured = count(window)
    table = measured.customers
    treat = table["treat"].to_numpy()
    if treat.min() == treat.max():
        raise InvalidInput("assignments: both arms, control and treatment, are needed")
    y = table["counted"].to_numpy() / window.months
    pre = table["counted_pre"].to_numpy() / settings.pre_months
    adjusted, raw = itt(y, treat, pre), itt(y, treat)
    primary = effect_json(adjusted, METRIC) | {
        "variance_reduction": float(1 - adjusted.se**2 / raw.se**2),
        "unadjusted": effect_json(raw, METRIC),
        "adjusted_for": "pre-pilot counted calls per month (CUPED)",
    }
    cace = complier_effect(y, table["accepted"].to_numpy(), treat, pre)
    invited = int(treat.sum())
    accepters = int(table.loc[table["treat"] == 1, "accepted"].sum())
    guards = guardrail_rows(table, settings)
    mb = granted_mb(table, program, window.instant(end))
    return {
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "months": window.months,
            "pre_period_start": window.pre_start.isoformat(),
        },
        "customers": {
            "control": int(len(treat) - invited),
            "treatment": invited,
            "accepted": accepters,
        },
        "srm": srm_test(
            len(treat) - invited, invited, treatment_share=1 - settings.control_share
        ).to_json(),
        "balance": balance_check(table.assign(pre_calls=pre), ["pre_calls"]),
        "itt": primary,
        "secondary": secondary(table, window, pre),
        "cace": cace,
        "sequential": sequential(measured, pre, settings.alpha),
        "guardrails": guards,
        "rollout": rollout_rule(primary, guards),
        "cost": money(
            itt=primary,
            cace=cace,
            invited=invited,
            accepters=accepters,
            months=window.months,
            mb=mb,
            settings=settings,
        ),
        "funnel": funnel(table, program),
    }


def effect_json(effect: Effect, metric: str) -> dict[str, Any]:
    """One effect as the contract's fields: effect, relative effect, interval, p-value."""
    low, high = effect.ci()
    relative, rel_low, rel_high = effect.relative()
    return {
        "metric": metric,
        "control_mean": float(effect.baseline),
        "effect": float(effect.estimate),
        "se": float(effect.se),
        "ci_low": float(low),
        "ci_high": float(high),
        "relative_effect": float(relative),
        "relative_ci_low": float(rel_low),
        "relative_ci_high": float(rel_high),
        "p_value": float(effect.p_value),
    }


def secondary(table: pd.DataFrame, window: Window, pre: np.ndarray) -> dict[str, Any]:
    """All hotline contacts (exempt ones too) and self-service adoption per task."""
    contacts = itt(table["contacts"].to_numpy() / window.months, table["treat"].to_numpy(), pre)
    tasks = [c for c in table.columns if c.startswith("task_")]
    treated = table.loc[table["treat"] == 1]
    return {
        "all_contacts": effect_json(contacts, "hotline contacts per customer-month (all)"),
        "adoption": {c.removeprefix("task_"): float(treated[c].mean()) for c in tasks},
    }


def guardrail_rows(table: pd.DataFrame, s: PilotSettings) -> list[dict[str, Any]]:
    """Repeat reception-problem contacts, churn, complaints: each a non-inferiority test."""
    t, c = table["treat"] == 1, table["treat"] == 0
    repeat = table["repeat_reception"].to_numpy()  # same period for all: ratio of counts
    complaints = table["complaints"].to_numpy()
    churn = table["churned"].to_numpy()
    alpha, m = s.guardrail_alpha, s.margins
    return [
        gr.rate_ratio(
            "repeat_reception_7d", repeat[t], repeat[c], margin=m.repeat_reception, alpha=alpha
        ),
        gr.proportion("churn", churn[t], churn[c], margin=m.churn, alpha=alpha),
        gr.exact_poisson(
            "complaints",
            int(complaints[t].sum()),
            int(t.sum()),
            int(complaints[c].sum()),
            int(c.sum()),
            margin=m.complaints,
            alpha=alpha,
        ),
    ]


def rollout_rule(primary: dict[str, Any], guards: list[dict[str, Any]]) -> dict[str, Any]:
    """Roll out only with fewer calls shown and no guardrail left unproven."""
    blocking = [g["name"] for g in guards if not g["non_inferior"]]
    fewer = primary["ci_high"] < 0
    more = primary["ci_low"] > 0
    if blocking:
        decision = "blocked_by_guardrail"
    elif fewer:
        decision = "roll_out"
    elif more:
        decision = "do_not_roll_out"
    else:
        decision = "inconclusive"
    return {"decision": decision, "blocking_guardrails": blocking, "fewer_calls_shown": fewer}


def sequential(measured: Measured, pre: np.ndarray, alpha: float) -> dict[str, Any]:
    """Monthly looks with O'Brien-Fleming-type boundaries; where a pilot could have stopped."""
    monthly = measured.monthly.to_numpy().T  # looks × customers
    looks = monthly.shape[0]
    cumulative = np.cumsum(monthly, axis=0) / np.arange(1, looks + 1)[:, None]
    effects = itt(cumulative, measured.customers["treat"].to_numpy(), pre)
    z = effects.estimate / effects.se
    bounds = boundaries(tuple((k + 1) / looks for k in range(looks)), alpha)
    low, high = effects.ci()
    rows = []
    for k in range(looks):
        stop = "success" if z[k] < -bounds[k] else "harm" if z[k] > bounds[k] else None
        rows.append(
            {
                "look": k + 1,
                "effect": float(effects.estimate[k]),
                "ci_low": float(low[k]),
                "ci_high": float(high[k]),
                "z": float(z[k]),
                "boundary": bounds[k],
                "stop": stop,
            }
        )
    first = next((r for r in rows if r["stop"]), None)
    return {
        "spending": "Lan-DeMets O'Brien-Fleming",
        "alpha": alpha,
        "looks": rows,
        "stopped_at_look": first["look"] if first else None,
    }


def funnel(table: pd.DataFrame, program: Program) -> list[dict[str, Any]]:
    """Invited → accepted → each self-service task (counts in the treatment arm)."""
    treated = table.loc[table["treat"] == 1]
    rows: list[dict[str, Any]] = [
        {"step": "invited", "customers": len(treated)},
        {"step": "accepted", "customers": int(treated["accepted"].sum())},
    ]
    rows += [
        {
            "step": t.id,
            "customers": int(treated[f"task_{t.id}"].sum()),
            "title": {"de": t.title.get("de"), "en": t.title.get("en")},
        }
        for t in program.tasks
    ]
    return rows
