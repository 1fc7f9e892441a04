"""The effect estimators, vectorised: the last axis is customers, any leading axes are
simulated pilots. Pure numpy/scipy, so a thousand pilots are checked in one call.

The intention-to-treat effect is the coefficient of the arm in the regression of calls per
customer-month on the arm and pre-pilot calls (CUPED; Lin 2013): the pre-period explains much
of each customer's level, so the interval narrows without bias. Its standard error is the
HC2 sandwich, which for a randomised comparison equals the Neyman variance and needs no
assumption about the shape of the counts (overdispersion included).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Effect:
    """An estimated effect with its standard error; arrays for many pilots at once."""

    estimate: Array
    se: Array
    df: Array
    baseline: Array  # the control arm's (adjusted) mean, for the relative effect

    def ci(self, level: float = 0.95) -> tuple[Array, Array]:
        q = stats.t.ppf(0.5 + level / 2, self.df)
        return self.estimate - q * self.se, self.estimate + q * self.se

    @property
    def p_value(self) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = self.estimate / self.se
        return np.asarray(2 * stats.t.sf(np.abs(t), self.df), dtype=np.float64)

    def relative(self) -> tuple[Array, Array, Array]:
        """Ratio − 1 of the arms' means, with a delta-method 95 % interval."""
        low, high = self.ci()
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.estimate / self.baseline, low / self.baseline, high / self.baseline


def ols_hc2(y: Array, columns: list[Array]) -> tuple[Array, Array, Array]:
    """OLS of y on [1, *columns] per pilot: coefficients, HC2 covariance, residual df."""
    y = np.asarray(y, dtype=np.float64)
    design = np.stack([np.ones_like(y), *(np.broadcast_to(c, y.shape) for c in columns)], -1)
    xtx_inv = np.linalg.inv(np.einsum("...ni,...nj->...ij", design, design))
    beta = np.einsum("...ij,...nj,...n->...i", xtx_inv, design, y)
    resid = y - np.einsum("...ni,...i->...n", design, beta)
    leverage = np.einsum("...ni,...ij,...nj->...n", design, xtx_inv, design)
    weights = resid**2 / np.clip(1 - leverage, 1e-12, None)
    meat = np.einsum("...n,...ni,...nj->...ij", weights, design, design)
    cov = xtx_inv @ meat @ xtx_inv
    df = np.full(y.shape[:-1], y.shape[-1] - design.shape[-1], dtype=np.float64)
    return beta, cov, df


def itt(y: Array, treat: Array, pre: Array | None = None) -> Effect:
    """Treatment minus control in y, adjusted for the pre-period `pre` when given."""
    treat = np.asarray(treat, dtype=np.float64)
    columns = [treat]
    if pre is not None:
        pre = np.asarray(pre, dtype=np.float64)
        columns.append(pre - pre.mean(axis=-1, keepdims=True))
    beta, cov, df = ols_hc2(y, columns)
    # with a centred covariate, the intercept is the control arm's adjusted mean
    return Effect(beta[..., 1], np.sqrt(cov[..., 1, 1]), df, beta[..., 0])


def iv_2sls(y: Array, taken: Array, assigned: Array, pre: Array | None = None) -> Effect:
    """Complier effect by just-identified 2SLS (robust HC0 errors), by hand.

    The effect of accepting on those who accept because they were invited: the invitation
    (random) moves acceptance and nothing else, so ITT on y divided by ITT on acceptance.
    """
    y = np.asarray(y, dtype=np.float64)
    ones = np.ones_like(y)
    exog = [ones] if pre is None else [ones, pre - pre.mean(axis=-1, keepdims=True)]
    regressors = np.stack([*exog, np.broadcast_to(taken, y.shape)], -1).astype(np.float64)
    instruments = np.stack([*exog, np.broadcast_to(assigned, y.shape)], -1).astype(np.float64)
    zx_inv = np.linalg.inv(np.einsum("...ni,...nj->...ij", instruments, regressors))
    beta = np.einsum("...ij,...nj,...n->...i", zx_inv, instruments, y)
    resid = y - np.einsum("...ni,...i->...n", regressors, beta)
    meat = np.einsum("...n,...ni,...nj->...ij", resid**2, instruments, instruments)
    cov = zx_inv @ meat @ np.swapaxes(zx_inv, -1, -2)
    df = np.full(y.shape[:-1], np.inf)
    return Effect(beta[..., -1], np.sqrt(cov[..., -1, -1]), df, beta[..., 0])
