"""A synthetic customer base with a known truth, to rehearse and to check the evaluation.

Every customer has their own call rate (gamma-distributed: a few call often, most rarely),
the rate follows the season, a share of calls is about exempt topics, few invited customers
accept (those who call less accept more often, so accepters-versus-control would flatter the
program), some customers leave. Accepters make `effect` fewer counted calls after accepting;
because the untreated outcome is drawn first and then thinned, the true effect on *this*
sample is known exactly, not only in expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from selfcare.pilot.assignment import Design, assign
from selfcare.pilot.simulate_events import EventBuilder

FloatArray = npt.NDArray[np.float64]
EXEMPT = (  # (reason code or None, text)
    ("VVL", None),
    (None, "Ich möchte meinen Vertrag verlängern"),
    ("MAHNUNG", None),
    (None, "Ich will kündigen"),
    ("NETZ", None),
    (None, "Kein Netz seit gestern"),
)
RECEPTION = {4, 5}  # indexes into EXEMPT that are reception problems
TASKS = (("portal_registered", 0.9), ("app_first_login", 0.6), ("bill_video_completed", 0.4))
TARIFFS = np.array(["S", "M", "L"])
TARIFF_FACTOR = np.array([1.25, 1.0, 0.75])


@dataclass(frozen=True)
class Scenario:
    """The simulated world: its size, its call behaviour and the program's true effect."""

    customers: int = 20_000
    start: date = date(2025, 1, 1)
    pre_months: int = 6
    months: int = 6
    calls_per_month: float = 0.3
    dispersion: float = 0.8
    exempt_ratio: float = 0.4
    seasonality: float = 0.15
    take_up: float = 0.35
    effect: float = -0.20
    churn_per_month: float = 0.01
    repeat_share: float = 0.25
    complaints_per_month: float = 0.003
    control_share: float = 0.5
    salt: str = "simulated-pilot"
    seed: int = 1


def month_starts(start: date, before: int, after: int) -> pd.DatetimeIndex:
    """Calendar month starts from `before` months before `start` to `after` months after."""
    first = pd.Timestamp(start) - pd.DateOffset(months=before)
    return pd.date_range(first, periods=before + after + 1, freq="MS", tz="UTC")


def season(months: pd.DatetimeIndex, amplitude: float) -> FloatArray:
    """A winter peak: more calls in January, fewer in July."""
    return 1 + amplitude * np.cos(2 * np.pi * (np.asarray(months.month) - 1) / 12)


def gamma_rates(
    rng: np.random.Generator, size: tuple[int, ...], mean: float, k: float
) -> FloatArray:
    """Customers' own monthly call rates: gamma with mean `mean` and shape `k`."""
    return rng.gamma(k, mean / k, size=size)


def acceptance_probability(rates: FloatArray, take_up: float) -> FloatArray:
    """Take-up falls with a customer's call rate (rank-based), averaging `take_up`."""
    ranks = rates.argsort(axis=-1).argsort(axis=-1) / max(rates.shape[-1] - 1, 1)
    return np.asarray(np.clip(take_up * (1.3 - 0.6 * ranks), 0, 1), dtype=np.float64)


def simulate(s: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Customers, assignments, events and the truth of one simulated pilot."""
    rng = np.random.default_rng(s.seed)
    n = s.customers
    tariff = rng.integers(0, 3, n)
    customers = pd.DataFrame(
        {
            "customer_id": [f"c{i:07d}" for i in range(n)],
            "tariff": TARIFFS[tariff],
            "region": rng.choice(["north", "south", "east", "west"], n),
        }
    )
    assignments = assign(
        customers,
        Design(salt=s.salt, start=s.start, control_share=s.control_share, strata=("tariff",)),
    )
    treated = (assignments["arm"] == "treatment").to_numpy()
    rates = gamma_rates(rng, (n,), s.calls_per_month, s.dispersion) * TARIFF_FACTOR[tariff]
    accepted = treated & (rng.random(n) < acceptance_probability(rates, s.take_up))
    accepted_at = pd.Timestamp(s.start, tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 28, n) * 86_400, unit="s"
    )
    builder = EventBuilder(rng, s, customers["customer_id"].to_numpy())
    ended_at = builder.churn()
    removed = builder.calls(rates, accepted, accepted_at, ended_at)
    builder.tasks(accepted, accepted_at)
    events = builder.frame()
    customers["prior_calls"] = builder.prior_calls
    in_pilot = s.months * max(int(treated.sum()), 1)
    truth = {
        "itt_effect": -removed / in_pilot,
        "relative_effect_among_accepters": s.effect,
        "take_up": float(accepted.sum() / max(treated.sum(), 1)),
        "counted_calls_per_month_control": builder.untreated_rate(~treated),
    }
    truth["itt_relative_effect"] = truth["itt_effect"] / builder.untreated_rate(treated)
    return customers, assignments, events, truth
