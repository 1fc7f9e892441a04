"""`selfcare operator create|list` (console accounts) and `selfcare program publish FILE`.

The password is asked at a hidden prompt (twice), or read from the first line of stdin
with `--password-stdin` (scripts); it never appears in the process list or shell history.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import OutputFormat, emit_json, fail, print_table
from selfcare.domain.operators import Role
from selfcare.errors import SelfcareError

operator_app = typer.Typer(no_args_is_help=True, help="Operator console accounts.")


def _build() -> Any:
    from selfcare.bootstrap import build
    from selfcare.config import get_settings

    try:
        return build(get_settings())
    except SelfcareError as exc:
        fail(str(exc))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@operator_app.command("create")
def operator_create(
    name: Annotated[str, typer.Option("--name", help="The login name (no spaces).")],
    role: Annotated[Role, typer.Option("--role", help="viewer, program_manager or admin.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin's first line.")
    ] = False,
    totp: Annotated[
        bool, typer.Option("--totp", help="Also require a one-time code; prints its URI.")
    ] = False,
) -> None:
    """Create a console account; its password is stored only as an argon2id hash."""
    from selfcare.auth.operators import check_password_rules, create_operator
    from selfcare.console.audit import record

    password = _password(password_stdin)
    try:
        check_password_rules(password)
    except SelfcareError as exc:
        fail(str(exc))
    app = _build()
    try:
        created = create_operator(uow=app.uow, name=name, role=role, password=password, totp=totp)
        record(
            app.uow,
            actor="cli",
            action="operator_create",
            target=created.operator.name,
            after={"role": role.value, "totp": totp},
        )
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    sys.stdout.write(f"created operator {created.operator.name} ({role.value})\n")
    if created.totp_uri:
        sys.stdout.write(f"TOTP: add this to an authenticator app: {created.totp_uri}\n")


@operator_app.command("list")
def operator_list(
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
) -> None:
    """Console accounts by name with their role."""
    from selfcare.auth.operators import list_operators

    app = _build()
    try:
        found = list_operators(uow=app.uow)
    finally:
        app.close()
    if output is OutputFormat.JSON:
        emit_json({"operators": [{"name": o.name, "role": o.role.value} for o in found]})
        return
    print_table(("name", "role"), [(o.name, o.role.value) for o in found])


def program_publish(
    file: Annotated[Path, typer.Argument(help="The program TOML file.")],
    note: Annotated[str, typer.Option("--note", help="Why it changed (kept with it).")] = "",
) -> None:
    """Store a changed program as its next version; a running service (without
    SELFCARE_PROGRAM_PATH) evaluates events by it within SELFCARE_PROGRAM_REFRESH_S."""
    from selfcare.console.programs import publish_program

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: cannot be read ({exc.strerror or exc})")
    app = _build()
    try:
        done = publish_program(uow=app.uow, text=text, actor="cli", note=note, source=str(file))
    except SelfcareError as exc:
        fail(str(exc))
    finally:
        app.close()
    version = done.version
    if done.created:
        sys.stdout.write(f"published {version.program_id} version {version.version}\n")
    else:
        sys.stdout.write(
            f"unchanged: {version.program_id} version {version.version} has the same rules\n"
        )


def register(root: typer.Typer) -> None:
    """Add `operator` and `program publish` to the `selfcare` root command."""
    from selfcare.cli import program

    root.add_typer(operator_app, name="operator")
    program.app.command("publish")(program_publish)
