"""Group-sequential looks: stop early for success or harm without inflating the error.

Lan-DeMets alpha spending with the O'Brien-Fleming-type function α(t) = 2 − 2Φ(z₁₋α/₂/√t):
early looks spend almost nothing, so a monthly look costs little power at the end. The
boundaries come from the joint normal law of the z-statistics at information fractions
t₁ < … < t_K (correlation √(tᵢ/tⱼ)); two-sided and symmetric.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize, stats


def obrien_fleming_spent(t: float, alpha: float) -> float:
    """Alpha spent by information fraction t (two-sided)."""
    return float(2 - 2 * stats.norm.cdf(stats.norm.ppf(1 - alpha / 2) / np.sqrt(t)))


@lru_cache(maxsize=64)
def boundaries(fractions: tuple[float, ...], alpha: float = 0.05) -> tuple[float, ...]:
    """Critical |z| at each look so that the total two-sided error is `alpha`.

    Recursive numerical integration (Armitage, McPherson & Rowe 1969) of the B-value
    B(t) = Z(t)·√t, whose increments are independent N(0, Δt): the density of B among the
    pilots still running is carried from look to look on a fine grid.
    """
    found: list[float] = []
    spent_before = 0.0
    grid = np.linspace(-1.0, 1.0, 2 * GRID + 1)
    density: np.ndarray | None = None
    scale = 1.0
    previous_t = 0.0
    for t in fractions:
        target = obrien_fleming_spent(t, alpha) - spent_before
        step = t - previous_t
        if density is None:
            c = float(stats.norm.isf(target / 2))
        else:
            c = _solve(grid * scale, density, step, t, target)
        found.append(c)
        # carry the density of B among pilots that did not stop, onto the new grid
        scale = c * np.sqrt(t)
        points = grid * scale
        if density is None:
            density = stats.norm.pdf(points, scale=np.sqrt(t))
        else:
            old = grid * (found[-2] * np.sqrt(previous_t))
            kernel = stats.norm.pdf(points[:, None] - old[None, :], scale=np.sqrt(step))
            density = kernel @ (density * _weights(old))
        spent_before = obrien_fleming_spent(t, alpha)
        previous_t = t
    return tuple(found)


GRID = 600


def _weights(points: np.ndarray) -> np.ndarray:
    """Simpson weights on an evenly spaced grid with an odd number of points."""
    h = points[1] - points[0]
    w = np.ones(len(points))
    w[1:-1:2], w[2:-1:2] = 4, 2
    return np.asarray(w * h / 3, dtype=np.float64)


def _solve(points: np.ndarray, density: np.ndarray, step: float, t: float, target: float) -> float:
    weighted = density * _weights(points)
    sd = np.sqrt(step)

    def crossing(c: float) -> float:
        edge = c * np.sqrt(t)
        outside = stats.norm.sf((edge - points) / sd) + stats.norm.cdf((-edge - points) / sd)
        return float(weighted @ outside) - target

    return float(optimize.brentq(crossing, 0.1, 12.0, xtol=1e-8))
