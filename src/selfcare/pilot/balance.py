"""Pre-period balance: were the arms alike before anyone was invited?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

IMBALANCE_SMD = 0.1  # a common rule of thumb for a standardised mean difference


def balance_check(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Per numeric pre-period column: arm means, standardised difference, Welch t-test."""
    rows = []
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        treated = values[frame["arm"] == "treatment"].dropna().to_numpy(dtype=float)
        control = values[frame["arm"] == "control"].dropna().to_numpy(dtype=float)
        if len(treated) < 2 or len(control) < 2:  # noqa: PLR2004 - a variance needs two values
            continue
        pooled = np.sqrt((treated.var(ddof=1) + control.var(ddof=1)) / 2)
        smd = float((treated.mean() - control.mean()) / pooled) if pooled > 0 else 0.0
        p_value = float(stats.ttest_ind(treated, control, equal_var=False).pvalue)
        rows.append(
            {
                "column": column,
                "mean_control": float(control.mean()),
                "mean_treatment": float(treated.mean()),
                "smd": smd,
                "p_value": p_value if np.isfinite(p_value) else 1.0,
                "imbalanced": abs(smd) > IMBALANCE_SMD,
            }
        )
    return rows
