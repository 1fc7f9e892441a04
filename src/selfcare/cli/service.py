"""Service commands: `ingest`, `relay`, `reconcile`, `budget`, `grants` (list, resend), `migrate`.

Each command builds the app from SELFCARE_* settings (database, charging system), calls
one service and renders the answer; `--format json` prints one JSON document.
"""

from __future__ import annotations

import getpass
import signal
import sys
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import (
    MAX_BUDGET_MB,
    MAX_LIST,
    MAX_WORKERS,
    OutputFormat,
    bounded,
    bounded_day,
    counted,
    emit_json,
    fail,
    print_table,
    serve_internal_metrics,
)
from selfcare.domain.ledger import GrantStatus
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
    """Store the events of a file; bad rows are quarantined with the reason, never lost.

    On a terminal a progress line counts the rows stored so far (one move per
    transaction); with `--format json` or when stderr is piped it stays silent.
    """
    from selfcare.cli.progress import row_progress
    from selfcare.ingest.service import IngestReport, ingest_file

    app = _app(program)
    done = 0
    try:
        with row_progress(f"ingesting {file.name}", shown=output is OutputFormat.TABLE) as show:

            def advance(part: IngestReport) -> None:
                nonlocal done
                done += part.received
                show(done)

            report = ingest_file(app.ingestor, file, on_batch=advance)
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
        f"{file}: {counted(report.received, 'row')}, {report.accepted} stored, "
        f"{counted(report.duplicates, 'duplicate')}, "
        f"{counted(len(report.conflicts), 'conflict')}, {len(report.quarantined)} "
        f"quarantined; {counted(len(report.grants), 'new grant')} ({len(report.held)} held)\n"
    )


def relay_command(
    drain: Annotated[bool, typer.Option(help="Stop once every top-up is confirmed.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Parallel senders.", callback=bounded("--workers", 1, MAX_WORKERS)),
    ] = None,
    program: ProgramOption = None,
) -> None:
    """Send queued top-ups to the charging system until stopped (SIGTERM, Ctrl-C); with
    SELFCARE_METRICS_PORT its metrics (relay attempts, outbox depth) are served there."""
    app = _app(program)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    relay = app.relay(**({"workers": workers} if workers else {}))
    sys.stderr.write(f"relay {relay.id}: sending to {app.settings.charging_url}\n")
    stop_metrics = serve_internal_metrics(app)
    try:
        stats = relay.run(
            stop, drain=drain, tick=app.tick, tick_every_s=app.settings.settle_every_s
        )
    finally:
        stop_metrics()
        app.close()
    sys.stderr.write(
        f"relay stopped: {stats.confirmed} confirmed, {stats.deferred} deferred, "
        f"{stats.rejected} rejected\n"
    )


def reconcile_command(
    output: FormatOption = OutputFormat.TABLE,
    engine: Annotated[
        str | None,
        typer.Option(help="duckdb or python: compare export files instead of the database."),
    ] = None,
    ledger: Annotated[
        Path | None, typer.Option(help="Ledger export (.csv/.jsonl/.parquet).")
    ] = None,
    charging: Annotated[
        Path | None, typer.Option(help="Charging system's export of applied top-ups.")
    ] = None,
    expected: Annotated[
        Path | None,
        typer.Option(help="Expected grants: a grants file or `selfcare evaluate --format jsonl`."),
    ] = None,
    events: Annotated[
        Path | None, typer.Option(help="Compute the expected grants from these events.")
    ] = None,
    program: ProgramOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Day the expected grants are computed for (with --events).",
            callback=lambda v: v if v is None else bounded_day("--as-of")(v),
        ),
    ] = None,
    differences: Annotated[
        Path | None, typer.Option("--output", help="Where the differences go (with --engine).")
    ] = None,
) -> None:
    """Compare the ledger with the charging system; exit 1 if they differ."""
    if engine is not None or ledger is not None or charging is not None:
        from selfcare.cli.reconcile import reconcile_files_command

        reconcile_files_command(
            engine=engine or "duckdb",
            ledger=ledger,
            charging=charging,
            output=differences,
            expected=expected,
            program=program,
            events=events,
            as_of=as_of,
            output_format=output,
        )
        return
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
        "left_total_mb": status.left_total_mb,
        "spent_by_month": status.spent_by_month,
        "held_grants": status.held_grants,
        "held_mb": status.held_mb,
        "released": list(status.released),
    }


def _show_budget(status: Any, output: OutputFormat) -> None:
    if output is OutputFormat.JSON:
        emit_json(_budget_json(status))
        return
    sys.stdout.write("\n".join(budget_lines(status)) + "\n")


def budget_lines(status: Any) -> list[str]:
    """The budget for people: limits in words ("no limit", never None), spend and its rule."""
    from selfcare.grants.budget import SPEND_RULE

    def limit(mb: int | None) -> str:
        return "no limit" if mb is None else f"{mb:,} MB"

    left = status.left_total_mb
    lines = [
        f"program {status.program_id}",
        f"total budget: {limit(status.total_mb)}; spent {status.spent_total_mb:,} MB"
        + ("" if left is None else f"; {left:,} MB left"),
        f"monthly budget: {limit(status.monthly_mb)}",
        *(f"  {month}: {mb:,} MB spent" for month, mb in status.spent_by_month.items()),
        f"held for lack of budget: {_grants(status.held_grants)}, {status.held_mb:,} MB",
        f"({SPEND_RULE})",
    ]
    if status.released:
        lines.append(f"released now: {_grants(len(status.released))}")
    return lines


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
    total_mb: Annotated[
        int | None,
        typer.Option(
            help="Total MB (omit: no total limit).",
            callback=bounded("--total-mb", 0, MAX_BUDGET_MB),
        ),
    ] = None,
    monthly_mb: Annotated[
        int | None,
        typer.Option(
            help="MB per month (omit: none).", callback=bounded("--monthly-mb", 0, MAX_BUDGET_MB)
        ),
    ] = None,
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
    status: Annotated[GrantStatus | None, typer.Option(help="Only grants in this status.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    reward: Annotated[str | None, typer.Option(help="Only this reward id.")] = None,
    limit: Annotated[
        int, typer.Option(help="At most this many rows.", callback=bounded("--limit", 1, MAX_LIST))
    ] = 1000,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Grants in the ledger by due date, with status and hold reason (a header row first)."""
    from selfcare.grants.ledger import customer_grants, list_grants

    app = _app()
    try:
        if customer is not None:
            records = customer_grants(uow=app.uow, customer_id=customer)
        else:
            records = list_grants(uow=app.uow, status=status, limit=None if reward else limit)
    finally:
        app.close()
    chosen = [
        g
        for g in records
        if (status is None or g.status == status) and (reward is None or g.reward == reward)
    ][:limit]
    rows = [{column: getattr(g, column) for column in GRANT_COLUMNS} for g in chosen]
    if output is OutputFormat.JSON:
        emit_json({"grants": rows})
        return
    print_table(GRANT_COLUMNS, [list(row.values()) for row in rows])


GRANT_COLUMNS = (
    "grant_id",
    "customer_id",
    "reward",
    "period",
    "amount_mb",
    "granted_on",
    "status",
    "hold_reason",
)


class Resendable(StrEnum):
    REJECTED = "rejected"


@grants_app.command("resend")
def grants_resend(
    status: Annotated[Resendable, typer.Option(help="Which grants to send again (rejected only).")],
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    by: Annotated[
        str | None, typer.Option(help="Who resends, for the audit (default: the login name).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Queue rejected top-ups again under their own grant id (the same Idempotency-Key, so
    never paid twice); each resend is audited with who and when. The relay sends them."""
    from selfcare.grants.resend import resend_grants

    app = _app()
    try:
        resent = resend_grants(
            uow=app.uow,
            status=status.value,
            actor=by if by is not None else _login_name(),
            now=app.clock(),
            program_id=app.program.id,
            customer_id=customer,
        )
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json({"resent": list(resent.grant_ids), "amount_mb": resent.amount_mb})
        return
    for grant_id in resent.grant_ids:
        sys.stdout.write(f"{grant_id}\n")
    sys.stderr.write(f"{len(resent.grant_ids)} grants queued again ({resent.amount_mb} MB)\n")


def _login_name() -> str:
    """The operator's login name for the audit (`unknown` where the OS cannot say)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def migrate_command() -> None:
    """Create or upgrade the database schema (`serve` does this on start too) and say which."""
    from selfcare.bootstrap import migrate_database
    from selfcare.config import get_settings
    from selfcare.store.reachability import masked

    settings = get_settings()
    try:
        done = migrate_database(settings)
    except SelfcareError as exc:
        fail(str(exc))
    sys.stdout.write(f"{masked(settings.database_url)}: {done.describe()}\n")


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


def _grants(count: int) -> str:
    return f"{count} grant{'' if count == 1 else 's'}"
