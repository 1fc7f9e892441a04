"""The pilot's use cases as keyword-only functions: files in, documents out, and the
service's database beside the files when a unit of work is given."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from selfcare.pilot.analysis import analyze
from selfcare.pilot.assignment import Design, assign
from selfcare.pilot.balance import balance_check
from selfcare.pilot.counting import DEFAULT_LIMITS, Limits, measure_file
from selfcare.pilot.files import read_assignments, read_table
from selfcare.pilot.metrics import Measured, Window
from selfcare.pilot.pilot_store import PilotStore
from selfcare.pilot.settings import load_with_settings
from selfcare.pilot.simulate import Scenario, simulate
from selfcare.pilot.srm import srm_by, srm_test


def assign_customers(
    *,
    customers: Path,
    design: Design,
    out: Path,
    balance_columns: tuple[str, ...] = (),
    store: PilotStore | None = None,
) -> dict[str, Any]:
    """Assign, write the CSV (for mail merge), store in the database when given, and check
    sample ratio and balance."""
    base = read_table(customers, required=("customer_id",))
    assignments = assign(base, design)
    out.parent.mkdir(parents=True, exist_ok=True)
    assignments.to_csv(out, index=False)
    stored = None if store is None else store.save_assignments(assignments)
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
    } | ({} if store is None else {"database": {"pilot": store.pilot_id, "new": stored}})


def simulate_to(*, out: Path, scenario: Scenario) -> dict[str, Any]:
    """Simulate a pilot and write customers, assignments, events and the truth into `out`."""
    customers, assignments, events, truth = simulate(scenario)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "customers": out / "customers.csv",
        "assignments": out / "assignments.csv",
        "events": out / "events.jsonl",
        "truth": out / "truth.json",
    }
    customers.to_csv(paths["customers"], index=False)
    assignments.to_csv(paths["assignments"], index=False)
    events.to_json(paths["events"], orient="records", lines=True, force_ascii=False)
    period = {
        "start": scenario.start.isoformat(),
        "end": (pd.Timestamp(scenario.start) + pd.DateOffset(months=scenario.months))
        .date()
        .isoformat(),
    }
    paths["truth"].write_text(json.dumps(truth | period, indent=2) + "\n", encoding="utf-8")
    return {"files": {k: str(v) for k, v in paths.items()}, "events": len(events)} | {
        "truth": truth,
        "period": period,
    }


def analyze_files(
    *,
    program: Path,
    assignments: Path,
    events: Path,
    start: date,
    end: date,
    report: Path | None = None,
    lang: str = "en",
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Read the files, count with DuckDB over the events file, analyse, and write the HTML
    report when asked."""
    rules, settings = load_with_settings(program)
    table = read_assignments(assignments)

    def count(window: Window) -> Measured:
        return measure_file(
            events,
            assignments=table,
            program=rules,
            window=window,
            complaint_codes=settings.complaint_codes,
            limits=limits,
        )

    document = analyze(
        program=rules, settings=settings, assignments=table, start=start, end=end, count=count
    )
    return _with_report(document, report, lang)


def analyze_database(
    *,
    program: Path,
    store: PilotStore,
    start: date,
    end: date,
    report: Path | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The same analysis on the database: the stored assignments, the stored events."""
    rules, settings = load_with_settings(program)
    table = store.assignments()
    document = analyze(
        program=rules,
        settings=settings,
        assignments=table,
        start=start,
        end=end,
        count=lambda window: store.measure(table, rules, window, settings.complaint_codes),
    )
    document["source"] = f"database, pilot {store.pilot_id}"
    store.save_analysis(document)
    return _with_report(document, report, lang)


def _with_report(document: dict[str, Any], report: Path | None, lang: str) -> dict[str, Any]:
    if report is not None:
        from selfcare.pilot.report import render_report

        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(render_report(document, lang=lang), encoding="utf-8")
        document["report"] = str(report)
    return document


def invite(
    *,
    assignments: Path,
    secret: bytes,
    expires_on: date,
    out: Path,
    store: PilotStore | None = None,
) -> dict[str, Any]:
    """Codes for the treatment arm (never the control), as CSV for the mail merge, and by
    hash in the database when given (so `/join` can accept each once)."""
    from selfcare.pilot.invitations import issue

    table = read_assignments(assignments)
    invited = table.loc[(table["arm"] == "treatment") & (table.get("mode", "ab") != "aa")]
    codes = pd.DataFrame(
        {
            "customer_id": invited["customer_id"],
            "code": [
                issue(secret=secret, customer_id=str(c), expires_on=expires_on)
                for c in invited["customer_id"]
            ],
            "expires_on": expires_on.isoformat(),
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    codes.to_csv(out, index=False)
    summary = {"invited": len(codes), "out": str(out), "expires_on": expires_on.isoformat()}
    if store is not None:
        summary["database"] = {"pilot": store.pilot_id, "new": store.save_invitations(codes)}
    return summary
