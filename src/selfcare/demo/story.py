"""The whole story on embedded defaults: ingest, evaluate, grant, top up, reconcile, report.

Runs on a SQLite file in a local folder and an in-memory charging system that loses answers
and fails now and then, so the demo also shows that every grant still arrives exactly once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path

from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.demo.pilot_story import PilotResult, run_pilot
from selfcare.demo.report import ReportInputs, render_report
from selfcare.domain.evaluator import evaluate
from selfcare.domain.progress import Progress, progress_to_json
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import list_grants, reconcile_ledger
from selfcare.ingest.event_files import parse_jsonl
from selfcare.ingest.rows import rows_from_jsonl
from selfcare.ingest.service import IngestReport, ingest_rows
from selfcare.program.load import bundled_example, bundled_example_text

DEMO_AS_OF = date(2026, 3, 31)
PILOT_CUSTOMERS = 6_000
EVENTS_FILE = "example-events.jsonl"
# Every third top-up loses its answer after being applied, every fifth fails with a 500.
FAULTS = tuple(
    Fault.LOST if n % 3 == 0 else Fault.ERROR_500 if n % 5 == 0 else None for n in range(1, 40)
)


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its files and what it found."""

    report_path: Path
    progress: Progress
    ingest: IngestReport
    service: dict[str, object]
    pilot: PilotResult | None = None


def run_demo(
    folder: Path, *, lang: str = "en", pilot_customers: int = PILOT_CUSTOMERS
) -> DemoResult:
    """Run the real case end to end in `folder` (a fresh SQLite database each time), then
    a simulated pilot of `pilot_customers` on the same database (0: no pilot)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = resources.files("selfcare.program").joinpath(EVENTS_FILE).read_text("utf-8")
    (folder / "program.toml").write_text(bundled_example_text(), encoding="utf-8")
    (folder / "events.jsonl").write_text(text, encoding="utf-8")
    program = bundled_example()
    progress = evaluate(program, parse_jsonl(text, source=EVENTS_FILE).events, DEMO_AS_OF)
    ingest, service = _run_service(folder, text)
    service["reference evaluator: MB earned"] = sum(c.earned_mb for c in progress.customers)
    (folder / "progress.json").write_text(_json(progress), encoding="utf-8")
    report = folder / "report.html"
    html = render_report(ReportInputs(program, progress, service=service), lang=lang)
    report.write_text(html, encoding="utf-8")
    pilot = None
    if pilot_customers:
        database = Path(str(service["database"]))
        pilot = run_pilot(folder, database=database, customers=pilot_customers, lang=lang)
    return DemoResult(report, progress, ingest, service, pilot)


def _run_service(folder: Path, text: str) -> tuple[IngestReport, dict[str, object]]:
    database = folder / "selfcare.db"
    for stale in folder.glob("selfcare.db*"):
        stale.unlink()
    charging = FakeChargingClient(FAULTS)
    noon = datetime.combine(DEMO_AS_OF, time(12), tzinfo=bundled_example().zone)
    app = build(
        Settings(database_url=f"sqlite:///{database}"), charging=charging, clock=lambda: noon
    )
    try:
        ingest = ingest_rows(
            app.ingestor, rows_from_jsonl(text, source=EVENTS_FILE), source=EVENTS_FILE
        )
        app.tick()
        # The in-memory charging system answers at once: retry without the production
        # pauses (0.2 s doubling), so the demo's lost answers cost no waiting.
        relay = app.relay(backoff_cap=timedelta(0), initial_wait=0.001, max_wait=0.01)
        stats = relay.run(threading.Event(), drain=True)
        grants = list_grants(uow=app.uow)
        reconciliation = reconcile_ledger(uow=app.uow, charging=charging)
    finally:
        app.close()
    return ingest, {
        "database": str(database),
        "events stored / duplicates / quarantined": (
            f"{ingest.accepted} / {ingest.duplicates} / {len(ingest.quarantined)}"
        ),
        "grants in the ledger": len(grants),
        "ledger: MB granted": sum(g.amount_mb for g in grants),
        "top-up attempts (with lost answers and 500s)": len(charging.attempts),
        "top-ups applied by the charging system": len(charging.list_applied()),
        "relay: confirmed": stats.confirmed,
        "reconciliation": "no difference" if reconciliation.ok else reconciliation.to_json(),
    }


def _json(progress: Progress) -> str:
    import json

    return json.dumps(progress_to_json(progress), indent=2, ensure_ascii=False) + "\n"
