"""Guardrails: non-inferiority, with hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from selfcare.pilot.guardrails import exact_poisson, proportion, rate_ratio


def test_exact_poisson_is_the_conditional_binomial_tail() -> None:
    row = exact_poisson("complaints", 3, 1_000, 12, 1_000, margin=0.25, alpha=0.025)
    # under H0 treatment/control = 1.25, so P(treatment's share) = 1.25/2.25
    assert row["p_value"] == pytest.approx(stats.binom.cdf(3, 15, 1.25 / 2.25))
    assert row["non_inferior"]


def test_too_few_complaints_cannot_show_non_inferiority() -> None:
    row = exact_poisson("complaints", 2, 1_000, 2, 1_000, margin=0.25, alpha=0.025)
    assert not row["non_inferior"]


def test_churn_margin_is_absolute() -> None:
    treated = np.r_[np.ones(50), np.zeros(9_950)]
    control = np.r_[np.ones(50), np.zeros(9_950)]
    row = proportion("churn", treated, control, margin=0.005, alpha=0.025)
    se = np.sqrt(2 * 0.005 * 0.995 / 10_000)
    assert row["p_value"] == pytest.approx(stats.norm.cdf(-0.005 / se))
    assert row["non_inferior"]


def test_a_clear_increase_blocks() -> None:
    rng = np.random.default_rng(0)
    row = rate_ratio(
        "repeat",
        rng.poisson(0.3, 20_000).astype(float),
        rng.poisson(0.2, 20_000).astype(float),
        margin=0.1,
        alpha=0.025,
    )
    assert row["change"] > 0.3
    assert not row["non_inferior"]
