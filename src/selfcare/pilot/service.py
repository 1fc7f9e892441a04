"""The pilot's use cases as keyword-only functions: files in, documents out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selfcare.pilot.assignment import Design, assign
from selfcare.pilot.balance import balance_check
from selfcare.pilot.files import read_table
from selfcare.pilot.srm import srm_by, srm_test


def assign_customers(
    *, customers: Path, design: Design, out: Path, balance_columns: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Assign, write the CSV (for mail merge) and check sample ratio and balance."""
    base = read_table(customers, required=("customer_id",))
    assignments = assign(base, design)
    out.parent.mkdir(parents=True, exist_ok=True)
    assignments.to_csv(out, index=False)
    share = design.treatment_share
    waves = srm_by(assignments, ["wave"], treatment_share=share)
    for row in waves:
        row["assigned_at"] = design.date_of_wave(int(row["wave"])).isoformat()
    strata = srm_by(assignments, ["wave", "stratum"], treatment_share=share)
    overall = srm_test(
        int((assignments["arm"] == "control").sum()),
        int((assignments["arm"] == "treatment").sum()),
        treatment_share=share,
    )
    merged = assignments.merge(base, on="customer_id", suffixes=("", "_customer"))
    return {
        "customers": len(base),
        "assigned": len(assignments),
        "mode": "aa" if design.aa else "ab",
        "out": str(out),
        "srm": overall.to_json(),
        "waves": waves,
        "strata": strata,
        "srm_alarm": overall.alarm or any(r["alarm"] for r in [*waves, *strata]),
        "balance": balance_check(merged, list(balance_columns)),
    }
