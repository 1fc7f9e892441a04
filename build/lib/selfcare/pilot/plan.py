"""How many customers a pilot needs: negative-binomial counts, diluted by low take-up.

Only those who accept the invitation can change their behaviour, so the invitation's effect
(what a randomised pilot measures) is the accepters' effect times the take-up. At 35 %
take-up a 10 % reduction among accepters is a 3.5 % reduction per invited customer, which
needs about (1/0.35)² ≈ 8 times as many customers as vendor calculators assume.

Counts per customer over M months are negative binomial with mean μ = R·M and variance
μ + μ²/K (K: dispersion; customers' own call rates are gamma-distributed and persist). The
test is the Wald test of the log rate ratio with the variance under the alternative
(Zhu & Lakkis 2014), the same as statsmodels' `power_negbin_ratio_2indep(method_var="alt")`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import optimize, stats

from selfcare.errors import InvalidInput


@dataclass(frozen=True)
class PlanInput:
    """Baseline calls per customer-month, effect among accepters, take-up, months and more."""

    calls_per_month: float
    relative_effect: float
    take_up: float
    months: int
    dispersion: float = 1.0
    alpha: float = 0.05
    power: float = 0.8

    def __post_init__(self) -> None:
        checks = [
            (self.calls_per_month > 0, "--calls-per-month must be above 0"),
            (-1 < self.relative_effect != 0, "--relative-effect must be above -1 and not 0"),
            (0 < self.take_up <= 1, "--take-up must be in (0, 1]"),
            (self.months >= 1, "--months must be at least 1"),
            (self.dispersion > 0, "--dispersion must be above 0"),
            (0 < self.alpha < 1, "--alpha must be in (0, 1)"),
            (0 < self.power < 1, "--power must be in (0, 1)"),
        ]
        for ok, message in checks:
            if not ok:
                raise InvalidInput(message)

    @property
    def itt_relative_effect(self) -> float:
        return round(self.relative_effect * self.take_up, 12)


def per_arm(
    *, rate: float, ratio: float, months: float, dispersion: float, alpha: float, power: float
) -> int:
    """Customers per arm to detect a rate ratio with a two-sided Wald test of log(ratio)."""
    mu_control = rate * months
    mu_treatment = mu_control * ratio
    variance = 1 / mu_control + 1 / mu_treatment + 2 / dispersion
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil(float(z) ** 2 * variance / math.log(ratio) ** 2)


def plan(p: PlanInput) -> dict[str, Any]:
    """The `selfcare pilot plan` document (ARCHITECTURE.md, stable contract)."""
    common = {"rate": p.calls_per_month, "dispersion": p.dispersion, "alpha": p.alpha}
    n = per_arm(ratio=1 + p.itt_relative_effect, months=p.months, power=p.power, **common)
    undiluted = per_arm(ratio=1 + p.relative_effect, months=p.months, power=p.power, **common)
    durations = sorted({3, 6, 9, 12, p.months})
    return {
        "per_arm": n,
        "total": 2 * n,
        "itt_relative_effect": p.itt_relative_effect,
        "relative_effect": p.relative_effect,
        "take_up": p.take_up,
        "months": p.months,
        "calls_per_month": p.calls_per_month,
        "dispersion": p.dispersion,
        "alpha": p.alpha,
        "power": p.power,
        "per_arm_if_everyone_accepted": undiluted,
        "dilution_factor": n / undiluted,
        "by_months": [
            {
                "months": m,
                "per_arm": per_arm(
                    ratio=1 + p.itt_relative_effect, months=m, power=p.power, **common
                ),
            }
            for m in durations
        ],
        "method": "negative binomial, Wald test of log rate ratio, variance under alternative",
    }


def minimum_detectable_effect(p: PlanInput, customers_per_arm: int) -> float:
    """The smallest reduction among accepters detectable with this many customers per arm."""

    def gap(effect: float) -> float:
        ratio = 1 - effect * p.take_up
        return (
            per_arm(
                rate=p.calls_per_month,
                ratio=ratio,
                months=p.months,
                dispersion=p.dispersion,
                alpha=p.alpha,
                power=p.power,
            )
            - customers_per_arm
        )

    if gap(0.999) > 0:
        return float("nan")  # even abolishing every call among accepters is not detectable
    return -float(optimize.brentq(gap, 1e-6, 0.999, xtol=1e-5))
