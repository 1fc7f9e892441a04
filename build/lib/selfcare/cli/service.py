"""Service commands: `ingest`, `relay`, `reconcile`, `budget`, `grants`, `migrate`.

Each command builds the app from SELFCARE_* settings (database, charging system), calls
one service and renders the answer; `--format json` prints one JSON document.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import OutputFormat, emit_json, fail
from selfcare.errors import SelfcareError

ProgramOption = Annotated[
    Path | None,
    typer.Option(
        "--program", help="Program TOML (default: SELFCARE_PROGRAM_PATH or the bundled example)."
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format")]

budget_app = typer.Typer(no_args_is_help=True, help="Show or set the program's data budget.")
grants_app = typer.Typer(no_args_is_help=True, help="The grants ledger.")


def _app(program: Path | None = None, **settings: Any) -> Any:
    from selfcare.bootstrap import build
    from selfcare.config import get_settings

    chosen = get_settings()
    if program is not None:
        settings["program_path"] = program
    try:
        return build(chosen.with_(**settings) if settings else chosen)
    except SelfcareError as exc:
        fail(str(exc))


def ingest_command(
    file: Annotated[Path, typer.Argument(help="Events: .jsonl, .csv or .parquet.")],
    program: ProgramOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Store the events of a file; bad rows are quarantined with the reason, never lost."""
    from selfcare.ingest.service import ingest_file

    app = _app(program)
    try:
        report = ingest_file(app.ingestor, file)
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json(report.to_json())
        return
    for problem in report.quarantined:
        sys.stderr.write(f"quarantined: {problem}\n")
    sys.stdout.write(
        f"{file}: {report.received} rows, {report.accepted} stored, {report.duplicates} "
        f"duplicates, {len(report.conflicts)} conflicts, {len(report.quarantined)} "
        f"quarantined; {len(report.grants)} new grants ({len(report.held)} held)\n"
    )


def relay_command(
    drain: Annotated[bool, typer.Option(help="Stop once every top-up is confirmed.")] = False,
    workers: Annotated[int | None, typer.Option(help="Parallel senders.", min=1)] = None,
    program: ProgramOption = None,
) -> None:
    """Send queued top-ups to the charging system until stopped (SIGTERM, Ctrl-C)."""
    app = _app(program)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    relay = app.relay(**({"workers": workers} if workers else {}))
    sys.stderr.write(f"relay {relay.id}: sending to {app.settings.charging_url}\n")
    try:
        stats = relay.run(
            stop, drain=drain, tick=app.tick, tick_every_s=app.settings.settle_every_s
        )
    finally:
        app.close()
    sys.stderr.write(
        f"relay stopped: {stats.confirmed} confirmed, {stats.deferred} deferred, "
        f"{stats.rejected} rejected\n"
    )


def reconcile_command(output: FormatOption = OutputFormat.TABLE) -> None:
    """Compare the ledger with the charging system; exit 1 if they differ."""
    from selfcare.grants.ledger import reconcile_ledger

    app = _app()
    try:
        report = reconcile_ledger(uow=app.uow, charging=app.charging)
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json(report.to_json())
    else:
        sys.stdout.write(
            f"{report.ledger_grants} grants in the ledger, "
            f"{report.applied_topups} top-ups applied: "
            f"{'no differences' if report.ok else 'DIFFERENCES'}\n"
        )
        for d in report.differences:
            sys.stdout.write(f"{d.kind}\t{d.grant_id}\t{d.customer_id}\t{d.detail}\n")
    if not report.ok:
        raise typer.Exit(code=1)


def _budget_json(status: Any) -> dict[str, Any]:
    return {
        "program_id": status.program_id,
        "total_mb": status.total_mb,
        "monthly_mb": status.monthly_mb,
        "spent_total_mb": status.spent_total_mb,
        "spent_by_month": status.spent_by_month,
        "held_grants": status.held_grants,
        "held_mb": status.held_mb,
        "released": list(status.released),
    }


def _show_budget(status: Any, output: OutputFormat) -> None:
    doc = _budget_json(status)
    if output is OutputFormat.JSON:
        emit_json(doc)
        return
    for key, value in doc.items():
        sys.stdout.write(f"{key}: {value}\n")


@budget_app.command("show")
def budget_show(program: ProgramOption = None, output: FormatOption = OutputFormat.TABLE) -> None:
    """The budget in force, MB spent, and grants held for lack of budget."""
    from selfcare.grants.budget import budget_status

    app = _app(program)
    try:
        _show_budget(budget_status(uow=app.uow, program=app.program, clock=app.clock), output)
    finally:
        app.close()


@budget_app.command("set")
def budget_set(
    total_mb: Annotated[int | None, typer.Option(help="Total MB (omit: no total limit).")] = None,
    monthly_mb: Annotated[int | None, typer.Option(help="MB per month (omit: none).")] = None,
    program: ProgramOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Set the budget; held grants that now fit are released in order."""
    from selfcare.grants.budget import set_budget

    app = _app(program)
    try:
        status = set_budget(
            uow=app.uow,
            program=app.program,
            total_mb=total_mb,
            monthly_mb=monthly_mb,
            clock=app.clock,
        )
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    _show_budget(status, output)


@grants_app.command("list")
def grants_list(
    status: Annotated[str | None, typer.Option(help="pending, held, confirmed, rejected")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Grants in the ledger by due date, with status and hold reason."""
    from selfcare.grants.ledger import customer_grants, list_grants

    app = _app()
    try:
        if customer is not None:
            records = [
                g
                for g in customer_grants(uow=app.uow, customer_id=customer)
                if status is None or g.status == status
            ]
        else:
            records = list_grants(uow=app.uow, status=status, limit=limit)
    finally:
        app.close()
    rows = [
        {
            "grant_id": g.grant_id,
            "customer_id": g.customer_id,
            "reward": g.reward,
            "period": g.period,
            "amount_mb": g.amount_mb,
            "granted_on": g.granted_on,
            "status": g.status,
            "hold_reason": g.hold_reason,
        }
        for g in records
    ]
    if output is OutputFormat.JSON:
        emit_json({"grants": rows})
        return
    for row in rows:
        sys.stdout.write("\t".join(str(v) for v in row.values() if v is not None) + "\n")


def migrate_command() -> None:
    """Create or upgrade the database schema (`serve` does this on start too)."""
    app = _app()
    app.close()
    sys.stdout.write("database is up to date\n")


def register(root: typer.Typer) -> None:
    """Add the service commands to the `selfcare` root command."""
    root.command("ingest", help="Store events from a JSON Lines, CSV or Parquet file.")(
        ingest_command
    )
    root.command("relay", help="Send queued top-ups to the charging system.")(relay_command)
    root.command("reconcile", help="Compare the ledger with the charging system.")(
        reconcile_command
    )
    root.command("migrate", help="Create or upgrade the database schema.")(migrate_command)
    root.add_typer(budget_app, name="budget")
    root.add_typer(grants_app, name="grants")
