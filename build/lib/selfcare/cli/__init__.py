"""The `selfcare` command: one sub-command group per feature, each a thin entry point."""

from __future__ import annotations

import sys

import typer

from selfcare.errors import SelfcareError

app = typer.Typer(
    name="selfcare",
    help="Digital self-service incentive programs: rules, evaluation, service, speed check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def main() -> None:
    """Console entry point: SelfcareErrors become a one-line message and exit code 2."""
    try:
        app()
    except SelfcareError as exc:  # commands catch their own first; this is the safety net
        sys.stderr.write(" ".join(str(exc).split()) + "\n")
        sys.exit(2)


# Feature command groups register themselves on `app` (one module per feature).
from selfcare.cli import calls, evaluate, program  # noqa: E402

app.add_typer(program.app, name="program", help="Validate and explain program files.")
app.add_typer(calls.app, name="calls", help="Would this call count? Classify a contact.")
app.command("evaluate", help="Evaluate a program over an event history.")(evaluate.evaluate_command)

from selfcare.cli import demo  # noqa: E402

app.command("demo", help="Run the bundled real case end to end on embedded defaults.")(
    demo.demo_command
)

from selfcare.cli import charging  # noqa: E402

app.command("fake-charging", help="Run the fake TMF654 charging system.")(
    charging.fake_charging_command
)

from selfcare.cli import speedcheck  # noqa: E402

app.add_typer(speedcheck.app, name="speedcheck", help="Speed check by the regulator's rules.")

from selfcare.cli import service  # noqa: E402

service.register(app)

from selfcare.cli import web  # noqa: E402

web.register(app)

from selfcare.cli import pilot  # noqa: E402

app.add_typer(pilot.app, name="pilot", help="Randomised pilot: assign, plan, simulate, analyse.")
