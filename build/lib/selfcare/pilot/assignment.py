"""Who joins the pilot, when, and in which arm: stable, salted, staged.

Each customer has two independent buckets (see `hashing`). The *sample* bucket orders the
rollout: with exposures 5 % → 20 % → 50 %, wave 1 holds the customers whose sample bucket is
below 0.05, wave 2 those in [0.05, 0.20), and so on. Raising the exposure only adds
customers; nobody already assigned moves wave or arm. The *arm* bucket splits every wave and
every stratum into control and treatment in the planned proportion (in expectation; the SRM
check tells when the split is off by more than chance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from selfcare.errors import InvalidInput
from selfcare.pilot.hashing import ARM, SAMPLE, buckets

CONTROL = "control"
TREATMENT = "treatment"
ALL = "all"


@dataclass(frozen=True)
class Design:
    """The assignment plan: salt, control share, rollout exposures and their dates, strata."""

    salt: str
    start: date
    control_share: float = 0.5
    exposures: tuple[float, ...] = (1.0,)
    wave_dates: tuple[date, ...] = ()
    strata: tuple[str, ...] = ()
    aa: bool = False
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.salt:
            raise InvalidInput("--salt: give a non-empty salt (keep it secret until the pilot)")
        if not 0 < self.control_share < 1:
            raise InvalidInput(f"--control-share: {self.control_share} is not between 0 and 1")
        levels = list(self.exposures)
        if not levels or levels != sorted(levels) or levels[0] <= 0 or levels[-1] > 1:
            raise InvalidInput(
                f"--exposure: {self.exposures} must rise, each between 0 (excl.) and 1"
            )
        if self.wave_dates and len(self.wave_dates) != len(self.exposures):
            raise InvalidInput("--wave-dates: give one date per exposure level")

    @property
    def treatment_share(self) -> float:
        return 1 - self.control_share

    def date_of_wave(self, wave: int) -> date:
        return self.wave_dates[wave - 1] if self.wave_dates else self.start


def stratum_labels(customers: pd.DataFrame, strata: tuple[str, ...]) -> pd.Series:
    """`tariff=S|region=north`: the stratum of every customer, `all` without strata."""
    missing = [s for s in strata if s not in customers.columns]
    if missing:
        raise InvalidInput(f"--strata: column(s) {', '.join(missing)} not in the customer file")
    if not strata:
        return pd.Series(ALL, index=customers.index, dtype="string")
    parts = [s + "=" + customers[s].astype("string").fillna("") for s in strata]
    label = parts[0]
    for part in parts[1:]:
        label = label + "|" + part
    return label


def assign(customers: pd.DataFrame, design: Design) -> pd.DataFrame:
    """Assignments of every sampled customer: customer_id, arm, stratum, wave, assigned_at."""
    if "customer_id" not in customers.columns:
        raise InvalidInput("customer file: needs a customer_id column")
    ids = customers["customer_id"].astype("string")
    if ids.duplicated().any():
        first = ids[ids.duplicated()].iloc[0]
        raise InvalidInput(f"customer file: customer_id {first!r} appears twice")
    salt = f"{design.salt}:aa" if design.aa else design.salt
    sample = buckets(salt, SAMPLE, ids)
    arm_bucket = buckets(salt, ARM, ids)
    edges = np.asarray(design.exposures)
    wave = np.searchsorted(edges, sample, side="right") + 1  # bucket < edge[k-1] -> wave k
    chosen = wave <= len(edges)
    arms = np.where(arm_bucket < design.control_share, CONTROL, TREATMENT)
    result = pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "arm": arms,
            "stratum": stratum_labels(customers, design.strata).to_numpy(),
            "wave": wave,
            "assigned_at": pd.Series(wave).map(
                {k: design.date_of_wave(k).isoformat() for k in range(1, len(edges) + 1)}
            ),
            "mode": "aa" if design.aa else "ab",
        }
    )
    return result.loc[chosen].reset_index(drop=True)
