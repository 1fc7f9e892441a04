"""Sample-ratio mismatch: did the arms come out in the planned proportion?

An alarm needs both a tiny p-value (< 0.001) and a deviation large enough to matter, so a
million customers do not raise an alarm over a split of 50.02 / 49.98.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from scipy import stats

ALARM_P = 0.001
MIN_DEVIATION = 0.005  # half a percentage point of the treatment share


@dataclass(frozen=True)
class SrmResult:
    """One chi-square goodness-of-fit test of the arm counts against the planned share."""

    control: int
    treatment: int
    expected_treatment_share: float
    observed_treatment_share: float
    deviation: float
    p_value: float
    alarm: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def srm_test(
    control: int,
    treatment: int,
    *,
    treatment_share: float = 0.5,
    alarm_p: float = ALARM_P,
    min_deviation: float = MIN_DEVIATION,
) -> SrmResult:
    """Test the counts; `deviation` is observed minus planned treatment share."""
    total = control + treatment
    if total == 0:
        return SrmResult(0, 0, treatment_share, float("nan"), 0.0, 1.0, alarm=False)
    expected = [total * (1 - treatment_share), total * treatment_share]
    p_value = float(stats.chisquare([control, treatment], expected).pvalue)
    observed = treatment / total
    deviation = observed - treatment_share
    alarm = p_value < alarm_p and abs(deviation) >= min_deviation
    return SrmResult(control, treatment, treatment_share, observed, deviation, p_value, alarm)


def srm_by(
    assignments: pd.DataFrame, columns: list[str], *, treatment_share: float
) -> list[dict[str, Any]]:
    """One SRM test per group (e.g. per wave and stratum), as JSON-ready rows."""
    counts = (
        assignments.groupby([*columns, "arm"], observed=True).size().unstack("arm", fill_value=0)
    )
    rows = []
    for key, row in counts.iterrows():
        keys = key if isinstance(key, tuple) else (key,)
        result = srm_test(
            int(row.get("control", 0)),
            int(row.get("treatment", 0)),
            treatment_share=treatment_share,
        )
        rows.append(dict(zip(columns, (str(k) for k in keys), strict=True)) | result.to_json())
    return rows
