"""Sample size for negative-binomial counts, diluted by take-up, held to statsmodels."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.rates import power_negbin_ratio_2indep, power_poisson_ratio_2indep

from selfcare.errors import InvalidInput
from selfcare.pilot.plan import PlanInput, minimum_detectable_effect, per_arm, plan

CASE = PlanInput(calls_per_month=0.3, relative_effect=-0.10, take_up=0.35, months=6)


def test_ten_percent_fewer_calls_at_35_percent_take_up() -> None:
    document = plan(CASE)
    assert document["itt_relative_effect"] == pytest.approx(-0.035)
    assert document["per_arm"] == 19_363
    assert document["dilution_factor"] == pytest.approx(8.6, abs=0.1)


def test_sample_size_reaches_the_power_in_statsmodels() -> None:
    n = plan(CASE)["per_arm"]
    ratio = 1 + CASE.itt_relative_effect
    achieved = power_negbin_ratio_2indep(
        0.3 * ratio, 0.3, n, exposure=6, dispersion=1.0, alpha=0.05, return_results=False
    )
    one_fewer = power_negbin_ratio_2indep(
        0.3 * ratio, 0.3, n - 1, exposure=6, dispersion=1.0, alpha=0.05, return_results=False
    )
    assert one_fewer < 0.8 <= achieved


def test_without_overdispersion_it_matches_the_poisson_helper() -> None:
    n = per_arm(rate=0.3, ratio=0.9, months=6, dispersion=1e12, alpha=0.05, power=0.8)
    achieved = power_poisson_ratio_2indep(
        0.27, 0.3, n, exposure=6, value=1, alternative="two-sided", return_results=False
    )
    assert achieved == pytest.approx(0.8, abs=0.002)


def test_hand_computed_value() -> None:
    # (1.95996 + 0.84162)² · (1/1.8 + 1/1.62 + 2) / ln(0.9)² = 2,810.7 → 2,811
    z = 1.959964 + 0.841621
    expected = math.ceil(z**2 * (1 / 1.8 + 1 / 1.62 + 2) / math.log(0.9) ** 2)
    assert per_arm(rate=0.3, ratio=0.9, months=6, dispersion=1, alpha=0.05, power=0.8) == expected


def test_minimum_detectable_effect_inverts_the_sample_size() -> None:
    assert minimum_detectable_effect(CASE, 19_363) == pytest.approx(-0.10, abs=1e-3)


def test_impossible_inputs_are_refused() -> None:
    with pytest.raises(InvalidInput, match="--take-up"):
        PlanInput(calls_per_month=0.3, relative_effect=-0.1, take_up=0, months=6)
