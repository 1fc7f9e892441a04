"""Statistical calibration over thousands of simulated pilots (vectorised; marked slow).

Each pilot: gamma-Poisson customers (heterogeneous, overdispersed call rates), a pre-period,
random assignment, low take-up, and a known effect among accepters. The 95 % interval must
cover the true effect in 93.5–96.5 % of pilots, the false-positive rate without effect must
stay within 3.5–6.5 %, and the monthly looks must keep the overall error at 5 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels.iv import IV2SLS

from selfcare.pilot.estimators import itt, iv_2sls
from selfcare.pilot.iv import complier_effect
from selfcare.pilot.sequential import boundaries

RATE, MONTHS, TAKE_UP = 0.3, 6, 0.35


def pilots(
    rng: np.random.Generator, sims: int, n: int, *, k: float, effect: float, monthly: bool = False
) -> tuple[np.ndarray, ...]:
    """(sims, n) arrays: calls per month in the pilot and before, invited, accepted."""
    rate = rng.gamma(k, RATE / k, (sims, n))
    treat = (rng.permuted(np.tile(np.arange(n) % 2, (sims, 1)), axis=1)).astype(np.float64)
    accepted = treat * (rng.random((sims, n)) < TAKE_UP)
    pre = rng.poisson(rate * MONTHS) / MONTHS
    during = rate * np.where(accepted == 1, 1 + effect, 1.0)
    if monthly:  # looks × sims × n: calls in each month
        counts = rng.poisson(during, (MONTHS, sims, n)).astype(np.float64)
        return counts, pre, treat, accepted
    return rng.poisson(during * MONTHS) / MONTHS, pre, treat, accepted


def coverage(sims: int, n: int, k: float, effect: float, seed: int) -> float:
    rng = np.random.default_rng(seed)
    y, pre, treat, _ = pilots(rng, sims, n, k=k, effect=effect)
    low, high = itt(y, treat, pre).ci()
    truth = RATE * TAKE_UP * effect  # expected difference in calls per customer-month
    return float(np.mean((low <= truth) & (truth <= high)))


@pytest.mark.slow
def test_intervals_cover_the_truth_in_small_heavily_overdispersed_cells() -> None:
    covered = coverage(sims=2_000, n=600, k=0.3, effect=-0.2, seed=1)  # 300 per arm
    print(f"coverage, 300 per arm, K=0.3: {covered:.1%}")
    assert 0.935 <= covered <= 0.965


@pytest.mark.slow
def test_intervals_cover_the_truth_in_larger_pilots() -> None:
    covered = coverage(sims=1_000, n=4_000, k=0.8, effect=-0.2, seed=2)
    print(f"coverage, 2,000 per arm, K=0.8: {covered:.1%}")
    assert 0.935 <= covered <= 0.965


@pytest.mark.slow
def test_without_an_effect_false_positives_stay_at_five_percent() -> None:
    rng = np.random.default_rng(3)
    y, pre, treat, _ = pilots(rng, 2_000, 1_000, k=0.5, effect=0.0)
    rate = float(np.mean(itt(y, treat, pre).p_value < 0.05))
    print(f"false-positive rate: {rate:.1%}")
    assert 0.035 <= rate <= 0.065


@pytest.mark.slow
def test_monthly_looks_keep_the_overall_error_at_five_percent() -> None:
    rng = np.random.default_rng(4)
    counts, pre, treat, _ = pilots(rng, 2_000, 600, k=0.8, effect=0.0, monthly=True)
    cumulative = np.cumsum(counts, axis=0) / np.arange(1, MONTHS + 1)[:, None, None]
    effects = itt(cumulative, treat, pre)
    z = effects.estimate / effects.se
    limits = np.asarray(boundaries(tuple((m + 1) / MONTHS for m in range(MONTHS))))
    rejected = float(np.mean((np.abs(z) > limits[:, None]).any(axis=0)))
    print(f"overall error with {MONTHS} looks: {rejected:.1%}")
    assert 0.035 <= rejected <= 0.065


def test_point_estimate_and_errors_equal_statsmodels_ols() -> None:
    rng = np.random.default_rng(5)
    y, pre, treat, _ = (a[0] for a in pilots(rng, 1, 3_000, k=0.5, effect=-0.2))
    ours = itt(y, treat, pre)
    design = sm.add_constant(np.column_stack([treat, pre - pre.mean()]))
    theirs = sm.OLS(y, design).fit(cov_type="HC2")
    assert float(ours.estimate) == pytest.approx(theirs.params[1], rel=1e-10)
    assert float(ours.se) == pytest.approx(theirs.bse[1], rel=1e-10)
    # without adjustment the relative effect is the ratio of means − 1, as in a Poisson GLM
    raw = itt(y, treat)
    poisson = sm.GLM(y * MONTHS, design[:, :2], family=sm.families.Poisson()).fit()
    assert float(raw.estimate / raw.baseline) == pytest.approx(np.expm1(poisson.params[1]))


def test_complier_effect_equals_two_stage_least_squares_by_hand() -> None:
    rng = np.random.default_rng(6)
    y, pre, treat, accepted = (a[0] for a in pilots(rng, 1, 5_000, k=0.8, effect=-0.3))
    by_hand = iv_2sls(y, accepted, treat, pre)
    # the Wald ratio: ITT on calls ÷ ITT on acceptance (same covariate adjustment)
    wald = itt(y, treat, pre).estimate / itt(accepted, treat, pre).estimate
    reported = complier_effect(y, accepted, treat, pre)
    frame = pd.DataFrame({"y": y, "d": accepted, "z": treat, "x": pre - pre.mean(), "c": 1.0})
    fitted = IV2SLS(frame.y, frame[["c", "x"]], frame.d, frame.z).fit(cov_type="robust")
    assert reported["effect"] == pytest.approx(float(by_hand.estimate), rel=1e-9)
    assert fitted.std_errors["d"] == pytest.approx(float(by_hand.se), rel=1e-9)
    assert float(by_hand.estimate) == pytest.approx(float(wald), rel=0.05)
    assert reported["take_up"] == pytest.approx(TAKE_UP, abs=0.03)
    assert reported["first_stage_f"] > 100
