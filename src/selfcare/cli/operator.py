"""The operator's everyday look-ups: `selfcare customers list|show`, `selfcare quarantine
list|show|replay`. Thin: parse, call one service through the composition root, render."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import (
    MAX_LIST,
    OutputFormat,
    bounded,
    counted,
    emit_json,
    fail,
    print_table,
)
from selfcare.errors import SelfcareError

customers_app = typer.Typer(no_args_is_help=True, help="Customers: progress and timeline.")
quarantine_app = typer.Typer(no_args_is_help=True, help="Rows ingest refused, with the reason.")
FormatOption = Annotated[OutputFormat, typer.Option("--format")]


ProgramOption = Annotated[
    Path | None,
    typer.Option(
        "--program", help="Program TOML (default: SELFCARE_PROGRAM_PATH or the bundled example)."
    ),
]


def _app(program: Path | None = None) -> Any:
    from selfcare.bootstrap import build
    from selfcare.config import get_settings

    settings = get_settings()
    try:
        return build(settings.with_(program_path=program) if program else settings)
    except SelfcareError as exc:
        fail(str(exc))


@customers_app.command("list")
def customers_list(
    limit: Annotated[
        int,
        typer.Option(help="At most this many customers.", callback=bounded("--limit", 1, MAX_LIST)),
    ] = 100,
    program: ProgramOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Customers by id with MB earned as of today, the streak and counted calls."""
    from dataclasses import asdict

    from selfcare.customers.timeline import customer_summaries

    app = _app(program)
    try:
        rows = customer_summaries(uow=app.uow, program=app.program, as_of=app.today(), limit=limit)
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json({"customers": [asdict(r) for r in rows]})
        return
    print_table(
        ("customer_id", "earned_mb", "streak", "counted_calls"),
        [(r.customer_id, r.earned_mb, r.streak, r.counted_calls) for r in rows],
    )


@customers_app.command("show")
def customers_show(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    program: ProgramOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The customer's progress and timeline: what the customer sees in the app."""
    from selfcare.customers.timeline import customer_view
    from selfcare.domain.progress import customer_to_json

    app = _app(program)
    try:
        view = customer_view(
            uow=app.uow, program=app.program, customer_id=customer_id, as_of=app.today()
        )
        today = app.today()
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    if output is OutputFormat.JSON:
        progress = customer_to_json(view.progress)
        emit_json({"as_of": today.isoformat(), **progress, "timeline": view.entries})
        return
    _print_customer(view, today.isoformat())


def _print_customer(view: Any, today: str) -> None:
    progress = view.progress
    streak = progress.streak
    sys.stdout.write(
        f"customer {progress.customer_id} as of {today}: {progress.earned_mb:,} MB earned"
        + (f"; streak {streak.status.value}" if streak else "")
        + "\n"
    )
    if streak and streak.explanation:
        sys.stdout.write(f"  {streak.explanation}\n")
    print_table(("day", "what", "detail"), [_entry_row(e) for e in view.entries])


def _entry_row(entry: dict[str, Any]) -> tuple[str, str, str]:
    if entry["kind"] == "grant":
        grant = entry["grant"]
        detail = f"{grant['amount_mb']} MB, {grant['status']}"
        if grant["hold_reason"]:
            detail += f" ({grant['hold_reason']})"
        return entry["day"], f"grant {grant['reward']}", detail
    call = entry["call"]
    if call is None:
        return entry["day"], entry["type"], entry["event_id"]
    verdict = "counts" if call["counts"] else "does not count"
    return entry["day"], entry["type"], f"{verdict}: {call['explanation']}"


@quarantine_app.command("list")
def quarantine_list(
    limit: Annotated[
        int, typer.Option(help="Rows per page.", callback=bounded("--limit", 1, 1000))
    ] = 100,
    offset: Annotated[
        int, typer.Option(help="Rows to skip.", callback=bounded("--offset", 0, 2**31 - 1))
    ] = 0,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Quarantined rows, oldest first, with source, line, field and reason."""
    from selfcare.customers.queries import quarantine_page

    app = _app()
    try:
        page = quarantine_page(uow=app.uow, limit=limit, offset=offset)
    finally:
        app.close()
    rows = [_quarantine_json(r) for r in page.items]
    if output is OutputFormat.JSON:
        emit_json({"total": page.total, "items": rows})
        return
    columns = ("id", "received_at", "source", "line", "field", "event_id", "reason")
    print_table(columns, [[row[c] for c in columns] for row in rows])
    sys.stdout.write(f"{len(rows)} of {page.total} quarantined rows\n")


@quarantine_app.command("show")
def quarantine_show(row_id: Annotated[int, typer.Argument(help="The row's id.")]) -> None:
    """One quarantined row with the reason and the row exactly as it was sent (JSON)."""
    app = _app()
    try:
        with app.uow(read_only=True) as work:
            row = work.quarantine.get(row_id)
            found = None if row is None else _quarantine_json(row) | {"raw": row.raw}
    finally:
        app.close()
    if found is None:
        fail(f"quarantine: no row {row_id} (selfcare quarantine list shows the ids)")
    emit_json(found)


@quarantine_app.command("replay")
def quarantine_replay(
    row_ids: Annotated[
        list[int] | None, typer.Argument(help="Row ids (default: every quarantined row).")
    ] = None,
    program: ProgramOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Send quarantined rows through ingest again once their cause is fixed."""
    from selfcare.ingest.replay import replay_quarantine

    app = _app(program)
    try:
        done = replay_quarantine(app.ingestor, row_ids or [])
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    report = done.report
    if output is OutputFormat.JSON:
        emit_json(report.to_json() | {"replayed": list(done.replayed)})
        return
    sys.stdout.write(
        f"{counted(len(done.replayed), 'row')} sent again: "
        f"{report.accepted} stored, {counted(report.duplicates, 'duplicate')}, "
        f"{len(report.quarantined)} still quarantined (with today's reason)"
        + (f"; {len(done.unreadable)} not JSON, left as they are" if done.unreadable else "")
        + "\n"
    )


def _quarantine_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "received_at": row.received_at.isoformat(timespec="seconds"),
        "source": row.source,
        "line": row.line,
        "field": row.field,
        "event_id": row.event_id,
        "reason": row.reason,
    }


def apikey_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (not the key).")],
) -> None:
    """Revoke an operator API key; the service refuses it within 10 seconds (its cache)."""
    from selfcare.auth.service import revoke_api_key

    app = _app()
    try:
        found = revoke_api_key(uow=app.uow, key_id=key_id)
    finally:
        app.close()
    if not found:
        fail(f"apikey: no key with id {key_id!r} (the id is printed when the key is created)")
    sys.stdout.write(f"revoked API key {key_id}\n")


def register(root: typer.Typer) -> None:
    """Add `customers`, `quarantine` and `apikey revoke` to the `selfcare` root command."""
    from selfcare.cli.web import apikey_app

    root.add_typer(customers_app, name="customers")
    root.add_typer(quarantine_app, name="quarantine")
    apikey_app.command("revoke")(apikey_revoke)
