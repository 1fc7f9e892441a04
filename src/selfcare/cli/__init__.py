"""The `selfcare` command: one sub-command group per feature, each a thin entry point."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

# Typer 0.29 vendors Click; its exceptions are only importable from there (version pinned).
from typer._click.exceptions import ClickException, NoArgsIsHelpError

from selfcare.errors import SelfcareError

app = typer.Typer(
    name="selfcare",
    help="Digital self-service incentive programs: rules, evaluation, service, speed check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        sys.stdout.write(f"selfcare {version('selfcare')}\n")
        raise typer.Exit


@app.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Digital self-service incentive programs: rules, evaluation, service, speed check."""


def main() -> None:
    """Console entry point: bad input (a SelfcareError, or an option Click refuses) becomes
    a one-line message on stderr and exit code 2, as the README promises.

    Logs go to stderr, as JSON lines unless stderr is a terminal (telemetry/logs.py).
    """
    from selfcare.telemetry.logs import configure_logging

    configure_logging()
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message() + "\n")  # `selfcare` or a group alone: help
        sys.exit(0)
    except ClickException as exc:
        sys.stderr.write(usage_line(exc) + "\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except SelfcareError as exc:  # commands catch their own first; this is the safety net
        sys.stderr.write(" ".join(str(exc).split()) + "\n")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def usage_line(exc: ClickException) -> str:
    """ "selfcare calls check: Invalid value for '--lang': 'fr' is not one of 'de', 'en'
    (selfcare calls check --help)": one line, without pydantic's "Value error, " prefix."""
    message = " ".join(exc.format_message().replace("Value error, ", "").split())
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return message
    return f"{ctx.command_path}: {message} (see {ctx.command_path} --help)"


# Feature command groups register themselves on `app` (one module per feature).
from selfcare.cli import calls, evaluate, program  # noqa: E402 - registered after `app` exists

app.add_typer(program.app, name="program", help="Validate and explain program files.")
app.add_typer(calls.app, name="calls", help="Would this call count? Classify a contact.")
app.command("evaluate", help="Evaluate a program over an event history.")(evaluate.evaluate_command)

from selfcare.cli import backtest  # noqa: E402 - registered after `app` exists

app.command("backtest", help="Compare a changed program with its baseline on the history.")(
    backtest.backtest_command
)

from selfcare.cli import demo  # noqa: E402 - registered after `app` exists

app.command("demo", help="Run the bundled real case end to end on embedded defaults.")(
    demo.demo_command
)

from selfcare.cli import charging  # noqa: E402 - registered after `app` exists

app.command("fake-charging", help="Run the fake TMF654 charging system.")(
    charging.fake_charging_command
)

from selfcare.cli import speedcheck  # noqa: E402 - registered after `app` exists

app.add_typer(speedcheck.app, name="speedcheck", help="Speed check by the regulator's rules.")

from selfcare.cli import service  # noqa: E402 - registered after `app` exists

service.register(app)

from selfcare.cli import web  # noqa: E402 - registered after `app` exists

web.register(app)

from selfcare.cli import pilot  # noqa: E402 - registered after `app` exists

app.add_typer(pilot.app, name="pilot", help="Randomised pilot: assign, plan, simulate, analyse.")

from selfcare.cli import operator  # noqa: E402 - registered after `app` exists

operator.register(app)

from selfcare.cli import console  # noqa: E402 - registered after `app` exists

console.register(app)
