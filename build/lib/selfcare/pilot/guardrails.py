"""Guardrails as pre-registered one-sided non-inferiority tests.

The question is not "did it get worse?" (absence of evidence is not evidence of absence) but
"can we rule out that it got worse by more than the margin?". A guardrail passes only when
the one-sided test rejects "worse by at least the margin" at alpha 0.025 — so a pilot too
small to tell blocks rollout instead of waving it through.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

Array = npt.NDArray[np.float64]
RARE = 50  # fewer events than this in both arms together: use the exact Poisson test


def rate_ratio(
    name: str, treated: Array, control: Array, *, margin: float, alpha: float
) -> dict[str, Any]:
    """Per-customer counts over equal periods: is the treatment/control ratio below 1 + margin?"""
    if treated.sum() + control.sum() < RARE:
        return exact_poisson(
            name,
            round(float(treated.sum())),
            len(treated),
            round(float(control.sum())),
            len(control),
            margin=margin,
            alpha=alpha,
        )
    mean_t, mean_c = treated.mean(), control.mean()
    se = np.sqrt(
        treated.var(ddof=1) / (len(treated) * mean_t**2)
        + control.var(ddof=1) / (len(control) * mean_c**2)
    )
    log_ratio = np.log(mean_t / mean_c)
    upper = np.exp(log_ratio + stats.norm.ppf(1 - alpha) * se) - 1
    p_value = stats.norm.cdf((log_ratio - np.log1p(margin)) / se)
    return _row(
        name=name,
        test="rate ratio (log z-test)",
        control=mean_c,
        treatment=mean_t,
        change=mean_t / mean_c - 1,
        upper=upper,
        margin=margin,
        p_value=p_value,
        alpha=alpha,
        scale="relative",
    )


def proportion(
    name: str, treated: Array, control: Array, *, margin: float, alpha: float
) -> dict[str, Any]:
    """Shares (e.g. who left): is treatment − control below the margin? (z-test)."""
    p_t, p_c = treated.mean(), control.mean()
    se = np.sqrt(p_t * (1 - p_t) / len(treated) + p_c * (1 - p_c) / len(control))
    se = max(float(se), 1e-12)
    difference = p_t - p_c
    upper = difference + stats.norm.ppf(1 - alpha) * se
    p_value = stats.norm.cdf((difference - margin) / se)
    return _row(
        name=name,
        test="difference of shares (z-test)",
        control=p_c,
        treatment=p_t,
        change=difference,
        upper=upper,
        margin=margin,
        p_value=p_value,
        alpha=alpha,
        scale="absolute",
    )


def exact_poisson(
    name: str, events_t: int, n_t: int, events_c: int, n_c: int, *, margin: float, alpha: float
) -> dict[str, Any]:
    """Rare events: given the total, treatment's count is binomial; exact one-sided test."""
    total = events_t + events_c
    null_share = n_t * (1 + margin) / (n_t * (1 + margin) + n_c)
    p_value = float(stats.binom.cdf(events_t, total, null_share)) if total else 1.0
    share_upper = stats.beta.ppf(1 - alpha, events_t + 1, events_c) if events_c else 1.0
    upper = share_upper / (1 - share_upper) * n_c / n_t - 1 if share_upper < 1 else np.inf
    rate_t, rate_c = events_t / n_t, events_c / n_c
    relative = rate_t / rate_c - 1 if rate_c else np.inf
    return _row(
        name=name,
        test="exact Poisson (conditional binomial)",
        control=rate_c,
        treatment=rate_t,
        change=relative,
        upper=upper,
        margin=margin,
        p_value=p_value,
        alpha=alpha,
        scale="relative",
    )


def _row(
    *,
    name: str,
    test: str,
    control: float,
    treatment: float,
    change: float,
    upper: float,
    margin: float,
    p_value: float,
    alpha: float,
    scale: str,
) -> dict[str, Any]:
    return {
        "name": name,
        "test": test,
        "control": float(control),
        "treatment": float(treatment),
        "change": float(change),
        "upper_bound": float(upper),
        "margin": margin,
        "scale": scale,
        "p_value": float(p_value),
        "alpha": alpha,
        "non_inferior": bool(p_value < alpha),
    }
