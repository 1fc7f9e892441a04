"""Assignment: the documented hash recipe, stable waves and arms, SRM that alarms sensibly."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest

from selfcare.errors import InvalidInput
from selfcare.pilot.assignment import Design, assign
from selfcare.pilot.balance import balance_check
from selfcare.pilot.hashing import bucket, buckets
from selfcare.pilot.srm import srm_by, srm_test

# Test vectors of the recipe in docs/pilot.md, checked independently with `printf ... | sha256sum`.
VECTORS = [
    ("pilot-2025", "sample", "4915112345678", 0.8427303090866307),
    ("pilot-2025", "arm", "4915112345678", 0.6937074616629278),
    ("s", "sample", "anna", 0.19318269449243064),
    ("s", "arm", "anna", 0.7126136970465318),
]


def make_customers(n: int = 20_000) -> pd.DataFrame:
    ids = [f"49151{1_000_000 + i}" for i in range(n)]  # sequential, phone-number-like
    return pd.DataFrame(
        {
            "customer_id": ids,
            "tariff": np.where(np.arange(n) % 3 == 0, "S", "M"),
            "region": np.where(np.arange(n) % 2 == 0, "north", "south"),
            "prior_calls": np.arange(n) % 5,
        }
    )


def design(**changes: object) -> Design:
    values: dict[str, object] = {"salt": "pilot-2025", "start": date(2025, 1, 6)}
    return Design(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(("salt", "purpose", "customer", "expected"), VECTORS)
def test_bucket_follows_the_documented_recipe(
    salt: str, purpose: str, customer: str, expected: float
) -> None:
    assert bucket(salt, purpose, customer) == expected
    assert buckets(salt, purpose, [customer])[0] == expected


def test_buckets_are_uniform_on_sequential_ids() -> None:
    values = buckets("x", "sample", (f"49151{1_000_000 + i}" for i in range(100_000)))
    counts, _ = np.histogram(values, bins=20, range=(0, 1))
    assert counts.min() > 4_700
    assert counts.max() < 5_300


def test_assignment_is_the_same_in_another_process() -> None:
    code = (
        "from selfcare.pilot.hashing import buckets;"
        "print(repr(buckets('pilot-2025','arm',['a','b','c']).tolist()))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == repr(buckets("pilot-2025", "arm", ["a", "b", "c"]).tolist())


def test_raising_the_exposure_never_moves_an_assigned_customer() -> None:
    customers = make_customers()
    first = assign(customers, design(exposures=(0.05,)))
    later = assign(customers, design(exposures=(0.05, 0.2, 0.5)))
    joined = first.merge(later, on="customer_id", suffixes=("_1", "_2"))
    assert len(joined) == len(first)
    assert (joined["arm_1"] == joined["arm_2"]).all()
    assert (joined["wave_2"] == 1).all()
    assert len(later) == pytest.approx(0.5 * len(customers), rel=0.05)
    assert set(later["wave"]) == {1, 2, 3}


def test_adding_customers_never_moves_the_others() -> None:
    customers = make_customers()
    before = assign(customers.iloc[:10_000], design())
    after = assign(customers, design())
    joined = before.merge(after, on="customer_id", suffixes=("_1", "_2"))
    assert (joined["arm_1"] == joined["arm_2"]).all()


def test_strata_are_balanced_and_labelled() -> None:
    result = assign(make_customers(), design(strata=("tariff", "region")))
    assert set(result["stratum"]) == {
        "tariff=S|region=north",
        "tariff=S|region=south",
        "tariff=M|region=north",
        "tariff=M|region=south",
    }
    rows = srm_by(result, ["stratum"], treatment_share=0.5)
    assert not any(r["alarm"] for r in rows)
    assert all(abs(r["deviation"]) < 0.03 for r in rows)


def test_aa_mode_uses_its_own_split_and_says_so() -> None:
    ab = assign(make_customers(), design())
    aa = assign(make_customers(), design(aa=True))
    assert set(aa["mode"]) == {"aa"}
    assert (ab["arm"] != aa["arm"]).mean() == pytest.approx(0.5, abs=0.03)


def test_srm_detects_51_to_49_on_100000() -> None:
    result = srm_test(49_000, 51_000)
    assert result.alarm
    assert result.p_value < 1e-9


def test_srm_stays_quiet_on_a_fair_million() -> None:
    rng = np.random.default_rng(11)
    quiet = 0
    for _ in range(200):
        treatment = int(rng.binomial(1_000_000, 0.5))
        quiet += not srm_test(1_000_000 - treatment, treatment).alarm
    assert quiet == 200


def test_srm_needs_a_meaningful_deviation_not_only_a_small_p() -> None:
    result = srm_test(4_990_000, 5_010_000)  # p ≈ 1e-10, but only 0.1 points off
    assert result.p_value < 0.001
    assert not result.alarm


def test_balance_check_flags_a_shifted_pre_period() -> None:
    frame = pd.DataFrame(
        {"arm": ["control"] * 500 + ["treatment"] * 500, "calls": [0, 1] * 250 + [1, 2] * 250}
    )
    (row,) = balance_check(frame, ["calls"])
    assert row["imbalanced"]
    assert row["smd"] == pytest.approx(2.0, rel=0.01)


def test_a_bad_design_is_refused_with_a_message() -> None:
    with pytest.raises(InvalidInput, match="--exposure"):
        design(exposures=(0.5, 0.2))
    with pytest.raises(InvalidInput, match="--control-share"):
        design(control_share=1.0)
