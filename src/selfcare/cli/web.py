"""`selfcare serve`, `selfcare apikey create`, `selfcare token create|link`: the API and its keys.

`serve` migrates the database, starts the grants relay in a background thread and serves
the API with uvicorn until stopped. Keys and tokens are printed once and stored hashed.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import (
    MAX_PORT,
    MAX_TOKEN_DAYS,
    OutputFormat,
    bounded,
    emit_json,
    fail,
    serve_internal_metrics,
)
from selfcare.errors import SelfcareError

apikey_app = typer.Typer(no_args_is_help=True, help="Operator API keys (stored hashed).")
token_app = typer.Typer(
    no_args_is_help=True, help="Customer access tokens and one-time login links (stored hashed)."
)
FormatOption = Annotated[OutputFormat, typer.Option("--format")]


def _build(**settings: Any) -> Any:
    from selfcare.bootstrap import build
    from selfcare.config import get_settings

    chosen = get_settings()
    changes = {name: value for name, value in settings.items() if value is not None}
    try:
        return build(chosen.with_(**changes) if changes else chosen)
    except SelfcareError as exc:
        fail(str(exc))


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="TCP port.", callback=bounded("--port", 0, MAX_PORT))
    ] = 8000,
    program: Annotated[
        Path | None, typer.Option(help="Program TOML (default: the bundled example).")
    ] = None,
    charging_url: Annotated[
        str | None,
        typer.Option(help="TMF654 charging system (default: SELFCARE_CHARGING_URL or :8900)."),
    ] = None,
    relay: Annotated[bool, typer.Option(help="Run the grants relay in the background.")] = True,
    access_log: Annotated[
        bool, typer.Option(help="Log one line per request on stderr (method, route, status…).")
    ] = True,
    login_link: Annotated[
        str | None,
        typer.Option(
            help="Print a one-time login link for this customer's pages (/me): it opens "
            "one browser session, once, within 24 hours, and is no API token; e.g. 'anna' "
            "after `make demo`."
        ),
    ] = None,
) -> None:
    """Serve the API on the database named by SELFCARE_DATABASE_URL (migrated first).

    Logging is the process's own (`selfcare` configures it: JSON lines off a terminal,
    secrets masked); uvicorn's loggers pass through it and its raw access log is off,
    since the request line of web/observe.py says the same without query strings.
    """
    import logging

    import uvicorn

    from selfcare.web.app import create_app
    from selfcare.web.logs import mask_access_log

    app = _build(program_path=program, charging_url=charging_url)
    logging.getLogger("selfcare.access").setLevel(logging.INFO if access_log else logging.WARNING)
    stop_metrics = serve_internal_metrics(app)
    stop, thread = app.start_background_relay() if relay else (None, None)
    config = uvicorn.Config(
        create_app(app), host=host, port=port, access_log=False, log_config=None
    )
    server = uvicorn.Server(config)
    mask_access_log()  # uvicorn's own access log is off; were it on, it stays masked too
    _stop_quietly_on_signals(server)
    sys.stderr.write(
        f"selfcare: API on http://{host}:{port} (program {app.program.id}, "
        f"charging {app.settings.charging_url}, relay {'on' if relay else 'off'})\n"
    )
    if login_link is not None:
        sys.stderr.write(_login_link(app, login_link, host, port))
    try:
        server.run()
    finally:
        if stop is not None and thread is not None:
            stop.set()
            thread.join(timeout=10)
        stop_metrics()
        app.close()


def _login_link(app: Any, customer_id: str, host: str, port: int) -> str:
    """A one-time login link to the customer login (shown once, stored hashed, valid for
    `auth.service.LOGIN_LINK_TTL`); the browser that opens it confirms the login, which
    spends the link, and lands on the customer's bonus page."""
    from selfcare.auth.service import create_login_link, login_link_url

    try:
        issued = create_login_link(uow=app.uow, customer_id=customer_id)
    except SelfcareError as exc:
        fail(str(exc))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
    # with --port 0 the port is chosen later: the link is then a path on uvicorn's address
    base = f"http://{shown}:{port}" if port else ""
    return (
        f"selfcare: customer pages of {issued.customer_id}: open "
        f"{login_link_url(base, issued.token)} "
        f"(one login, until {issued.expires_at:%Y-%m-%d %H:%M} UTC; shown only now)\n"
    )


def _stop_quietly_on_signals(server: Any) -> None:
    """Uvicorn shuts down gracefully on SIGTERM/SIGINT and then re-raises the signal to the
    handler that was there before; with this one, `serve` then stops the relay, closes the
    database and exits 0 instead of dying from the re-raised signal."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: setattr(server, "should_exit", True))


def apikey_create(
    name: Annotated[str, typer.Option(help="Who uses the key, e.g. 'call centre'.")],
    scopes: Annotated[
        str, typer.Option(help="Comma-separated: events:write,grants:read,pilot:admin,…")
    ],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Create an operator API key; it is shown once and only its hash is stored."""
    from selfcare.auth.scopes import parse_scopes
    from selfcare.auth.service import create_api_key

    try:
        wanted = parse_scopes(scopes)
    except SelfcareError as exc:
        fail(str(exc))
    app = _build()
    try:
        issued = create_api_key(uow=app.uow, name=name, scopes=wanted)
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    scope_list = sorted(s.value for s in issued.scopes)
    if output is OutputFormat.JSON:
        emit_json({"key": issued.key, "id": issued.id, "name": issued.name, "scopes": scope_list})
        return
    sys.stdout.write(f"{issued.key}\n")
    sys.stderr.write(
        f"API key {issued.id} ({issued.name}; {', '.join(scope_list)}): shown only now, "
        "use it as 'Authorization: Bearer KEY'\n"
    )


def token_create(
    customer: Annotated[str, typer.Option(help="The customer id the token is bound to.")],
    days: Annotated[
        int,
        typer.Option(
            help="Days until the token expires.",
            callback=bounded("--days", 1, MAX_TOKEN_DAYS),
        ),
    ] = 30,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Create a token with which one customer reads their own progress, grants, timeline."""
    from datetime import timedelta

    from selfcare.auth.service import create_customer_token

    app = _build()
    try:
        issued = create_customer_token(uow=app.uow, customer_id=customer, ttl=timedelta(days=days))
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json(
            {
                "token": issued.token,
                "id": issued.id,
                "customer_id": issued.customer_id,
                "expires_at": issued.expires_at.isoformat(),
            }
        )
        return
    sys.stdout.write(f"{issued.token}\n")
    sys.stderr.write(
        f"token for customer {issued.customer_id}, valid until {issued.expires_at:%Y-%m-%d}\n"
    )


def token_link(
    customer: Annotated[str, typer.Option(help="The customer whose pages the link opens.")],
    base_url: Annotated[
        str, typer.Option(help="The service's address as the customer reaches it.")
    ] = "http://127.0.0.1:8000",
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Issue a one-time login link to a customer's pages (one login within 24 hours; no API
    token): the new link to hand out when the customer's link was used or expired."""
    from selfcare.auth.service import create_login_link, login_link_url

    app = _build()
    try:
        issued = create_login_link(uow=app.uow, customer_id=customer)
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    link = login_link_url(base_url, issued.token)
    if output is OutputFormat.JSON:
        emit_json(
            {
                "link": link,
                "id": issued.id,
                "customer_id": issued.customer_id,
                "expires_at": issued.expires_at.isoformat(),
            }
        )
        return
    sys.stdout.write(f"{link}\n")
    sys.stderr.write(
        f"login link for customer {issued.customer_id}: one login, until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC; shown only now\n"
    )


def _when(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def apikey_list(output: FormatOption = OutputFormat.TABLE) -> None:
    """List API keys (id, name, scopes, created, revoked); never a secret."""
    from selfcare.auth.service import list_api_keys

    app = _build()
    try:
        keys = list_api_keys(uow=app.uow)
    finally:
        app.close()
    rows = [
        {
            "id": k.id,
            "name": k.name,
            "scopes": k.scopes.split(","),
            "created_at": _when(k.created_at),
            "revoked_at": _when(k.revoked_at),
        }
        for k in keys
    ]
    _emit_rows("keys", rows, output)


def token_list(
    customer: Annotated[str | None, typer.Option(help="Only this customer's tokens.")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List customer tokens (id, customer, purpose, created, expires, revoked, and for a
    login link whether it was used: 'used <when>' or 'unused'); never a secret."""
    from selfcare.auth.service import list_customer_tokens

    app = _build()
    try:
        tokens = list_customer_tokens(uow=app.uow, customer_id=customer)
    finally:
        app.close()
    rows = [
        {
            "id": t.id,
            "customer_id": t.customer_id,
            "purpose": "login link" if t.login_link else "access",
            "created_at": _when(t.created_at),
            "expires_at": _when(t.expires_at),
            "revoked_at": _when(t.revoked_at),
            "used": _used(t),
        }
        for t in tokens
    ]
    _emit_rows("tokens", rows, output)


def _used(token: Any) -> str | None:
    """A login link's state ('unused' or 'used <when>'); None for an access token, which
    is used many times until it expires."""
    if not token.login_link:
        return None
    return "unused" if token.used_at is None else f"used {token.used_at.isoformat()}"


def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id.")]) -> None:
    """Revoke a customer token and end its browser sessions."""
    from selfcare.auth.service import revoke_customer_token

    app = _build()
    try:
        found = revoke_customer_token(uow=app.uow, token_id=token_id)
    finally:
        app.close()
    if not found:
        fail(f"no customer token with id {token_id!r}")
    sys.stderr.write(f"customer token {token_id} revoked\n")


def _emit_rows(name: str, rows: list[dict[str, Any]], output: OutputFormat) -> None:
    if output is OutputFormat.JSON:
        emit_json({name: rows})
        return
    for row in rows:
        sys.stdout.write("\t".join(_cell(v) for v in row.values()) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return ",".join(value) if isinstance(value, list) else str(value)


def register(root: typer.Typer) -> None:
    """Add `serve`, `apikey` and `token` to the `selfcare` root command."""
    apikey_app.command("create")(apikey_create)
    apikey_app.command("list")(apikey_list)
    token_app.command("create")(token_create)
    token_app.command("link")(token_link)
    token_app.command("list")(token_list)
    token_app.command("revoke")(token_revoke)
    root.command("serve", help="Serve the API and run the grants relay.")(serve_command)
    root.add_typer(apikey_app, name="apikey")
    root.add_typer(token_app, name="token")
