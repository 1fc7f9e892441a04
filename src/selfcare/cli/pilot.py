"""`selfcare pilot`: assign, plan, simulate, analyse and report a randomised pilot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from selfcare.cli.common import MAX_SEED, Lang, OutputFormat, bounded, emit_json, fail
from selfcare.errors import SelfcareError

app = typer.Typer(no_args_is_help=True, help="Randomised pilot: assign, plan, simulate, analyse.")

if TYPE_CHECKING:
    from selfcare.pilot.pilot_store import PilotStore

Format = Annotated[OutputFormat, typer.Option("--format", help="table or json")]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="SELFCARE_DATABASE_URL",
        help="Also store in (analyze: read from) this database (SELFCARE_DATABASE_URL).",
    ),
]
PilotId = Annotated[str, typer.Option("--pilot", help="The pilot's id in the database.")]


@contextmanager
def _store(database_url: str | None, pilot: str) -> Iterator[PilotStore | None]:
    """The pilot in the database (migrated first) when a URL is given, else None."""
    if not database_url:
        yield None
        return
    from selfcare.bootstrap import build
    from selfcare.config import Settings
    from selfcare.pilot.pilot_store import PilotStore

    wired = build(Settings.from_env().with_(database_url=database_url))
    try:
        yield PilotStore(wired.uow, pilot, clock=wired.clock)
    finally:
        wired.close()


def _floats(text: str, option: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        fail(f"{option}: {text!r} is not a comma-separated list of numbers")


def _dates(text: str, option: str) -> tuple[date, ...]:
    try:
        return tuple(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        fail(f"{option}: {text!r} is not a comma-separated list of dates (YYYY-MM-DD)")


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")


@app.command("assign")
def assign_command(
    customers: Annotated[Path, typer.Option(help="CSV with customer_id and attributes.")],
    salt: Annotated[str, typer.Option(help="Secret salt of this pilot (keep it stable).")],
    out: Annotated[Path, typer.Option(help="Where to write the assignment CSV.")],
    start: Annotated[str, typer.Option(help="Assignment date of wave 1 (YYYY-MM-DD).")],
    strata: Annotated[str, typer.Option(help="Columns to stratify by, e.g. tariff,region.")] = "",
    control_share: Annotated[
        float,
        typer.Option(
            help="Control share of the sample.", callback=bounded("--control-share", 0.0, 1.0)
        ),
    ] = 0.5,
    exposure: Annotated[str, typer.Option(help="Cumulative sample shares per wave.")] = "1.0",
    wave_dates: Annotated[str, typer.Option(help="One date per wave (default: --start).")] = "",
    balance: Annotated[str, typer.Option(help="Pre-period columns to check for balance.")] = "",
    aa: Annotated[bool, typer.Option("--aa", help="A/A test: nobody is invited.")] = False,
    database_url: DatabaseUrl = None,
    pilot: PilotId = "pilot",
    output_format: Format = OutputFormat.TABLE,
) -> None:
    """Assign customers to control and treatment by salted SHA-256, in rollout waves."""
    from selfcare.pilot.assignment import Design
    from selfcare.pilot.service import assign_customers

    try:
        design = Design(
            salt=salt,
            start=_date(start, "--start"),
            control_share=control_share,
            exposures=_floats(exposure, "--exposure"),
            wave_dates=_dates(wave_dates, "--wave-dates"),
            strata=_names(strata),
            aa=aa,
        )
        with _store(database_url, pilot) as store:
            summary = assign_customers(
                customers=customers,
                design=design,
                out=out,
                balance_columns=_names(balance),
                store=store,
            )
    except SelfcareError as exc:
        fail(str(exc))
    if output_format is OutputFormat.JSON:
        emit_json(summary)
        return
    typer.echo(f"{summary['assigned']} of {summary['customers']} customers assigned → {out}")
    for wave in summary["waves"]:
        typer.echo(
            f"  wave {wave['wave']} ({wave['assigned_at']}): control {wave['control']}, "
            f"treatment {wave['treatment']}, SRM p = {wave['p_value']:.3g}"
            + ("  ALARM" if wave["alarm"] else "")
        )
    typer.echo("SRM alarm!" if summary["srm_alarm"] else "No sample-ratio mismatch.")


@app.command("plan")
def plan_command(
    calls_per_month: Annotated[
        float,
        typer.Option(
            help="Counted calls per customer-month.",
            callback=bounded("--calls-per-month", 0.0, 1000.0),
        ),
    ],
    relative_effect: Annotated[
        float,
        typer.Option(
            help="Change among accepters, e.g. -0.10.",
            callback=bounded("--relative-effect", -0.99, 10.0),
        ),
    ],
    take_up: Annotated[
        float,
        typer.Option(
            help="Share of invited customers who accept.",
            callback=bounded("--take-up", 0.0, 1.0),
        ),
    ],
    months: Annotated[
        int, typer.Option(help="Months of observation.", callback=bounded("--months", 1, 120))
    ],
    dispersion: Annotated[
        float,
        typer.Option(
            help="Negative-binomial K (var μ+μ²/K).",
            callback=bounded("--dispersion", 0.001, 1000.0),
        ),
    ] = 1.0,
    alpha: Annotated[
        float,
        typer.Option(
            help="Two-sided significance level.", callback=bounded("--alpha", 0.0001, 0.5)
        ),
    ] = 0.05,
    power: Annotated[
        float, typer.Option(help="Power.", callback=bounded("--power", 0.5, 0.9999))
    ] = 0.8,
    output_format: Format = OutputFormat.TABLE,
) -> None:
    """Customers per arm for negative-binomial counts, the effect diluted by take-up."""
    from selfcare.pilot.plan import PlanInput, plan

    try:
        document = plan(
            PlanInput(
                calls_per_month=calls_per_month,
                relative_effect=relative_effect,
                take_up=take_up,
                months=months,
                dispersion=dispersion,
                alpha=alpha,
                power=power,
            )
        )
    except SelfcareError as exc:
        fail(str(exc))
    if output_format is OutputFormat.JSON:
        emit_json(document)
        return
    typer.echo(
        f"{document['per_arm']:,} customers per arm ({document['total']:,} in all) over "
        f"{months} months detect {relative_effect:+.0%} among accepters at {take_up:.0%} "
        f"take-up (invitation effect {document['itt_relative_effect']:+.1%}); if everyone "
        f"accepted, {document['per_arm_if_everyone_accepted']:,} per arm would do."
    )


@app.command("simulate")
def simulate_command(
    out: Annotated[Path, typer.Option(help="Folder for customers, assignments, events, truth.")],
    customers: Annotated[
        int,
        typer.Option(
            help="Customers in the base.", callback=bounded("--customers", 100, 10_000_000)
        ),
    ] = 20_000,
    effect: Annotated[
        float,
        typer.Option(
            help="True change among accepters, e.g. -0.2.",
            callback=bounded("--effect", -0.99, 10.0),
        ),
    ] = -0.2,
    take_up: Annotated[
        float, typer.Option(help="Share who accept.", callback=bounded("--take-up", 0.0, 1.0))
    ] = 0.35,
    months: Annotated[
        int, typer.Option(help="Pilot months.", callback=bounded("--months", 1, 24))
    ] = 6,
    pre_months: Annotated[
        int, typer.Option(help="Months before.", callback=bounded("--pre-months", 1, 24))
    ] = 6,
    start: Annotated[str, typer.Option(help="Pilot start (YYYY-MM-DD).")] = "2025-01-01",
    calls_per_month: Annotated[
        float,
        typer.Option(
            help="Counted calls/customer-month.",
            callback=bounded("--calls-per-month", 0.0, 1000.0),
        ),
    ] = 0.3,
    dispersion: Annotated[
        float,
        typer.Option(
            help="Gamma shape K of call rates.",
            callback=bounded("--dispersion", 0.001, 1000.0),
        ),
    ] = 0.8,
    seed: Annotated[
        int, typer.Option(help="Random seed.", callback=bounded("--seed", 0, MAX_SEED))
    ] = 1,
    output_format: Format = OutputFormat.TABLE,
) -> None:
    """Simulate a customer base and a pilot with a known true effect."""
    from selfcare.pilot.service import simulate_to
    from selfcare.pilot.simulate import Scenario

    if not -1 < effect <= 1 or calls_per_month <= 0 or dispersion <= 0:
        fail("--effect must be in (-1, 1]; --calls-per-month and --dispersion above 0")
    scenario = Scenario(
        customers=customers,
        effect=effect,
        take_up=take_up,
        months=months,
        pre_months=pre_months,
        start=_date(start, "--start"),
        calls_per_month=calls_per_month,
        dispersion=dispersion,
        seed=seed,
    )
    summary = simulate_to(out=out, scenario=scenario)
    if output_format is OutputFormat.JSON:
        emit_json(summary)
        return
    truth = summary["truth"]
    typer.echo(
        f"{summary['events']:,} events for {customers:,} customers in {out}; true effect "
        f"{truth['itt_effect']:+.4f} calls per customer-month ({truth['itt_relative_effect']:+.1%})"
        f", take-up {truth['take_up']:.0%}. Analyse {summary['period']['start']} to "
        f"{summary['period']['end']}."
    )


@app.command("analyze")
def analyze_command(
    program: Annotated[Path, typer.Option(help="Program file (with an optional [pilot]).")],
    start: Annotated[str, typer.Option(help="First day of the pilot (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option(help="Day after the last day (YYYY-MM-DD).")],
    assignments: Annotated[
        Path | None, typer.Option(help="Assignment CSV from `pilot assign` (with --events).")
    ] = None,
    events: Annotated[
        Path | None, typer.Option(help="Events: JSON Lines, CSV or Parquet (with --assignments).")
    ] = None,
    database_url: DatabaseUrl = None,
    pilot: PilotId = "pilot",
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language.")] = Lang.DE,
    output_format: Format = OutputFormat.TABLE,
) -> None:
    """Effect on counted calls (ITT, CACE), guardrails, money; optionally the HTML report.
    Reads --assignments and --events files, or else the database's stored pilot."""
    from selfcare.pilot.service import analyze_database, analyze_files

    if (assignments is None) != (events is None):
        fail("--assignments and --events: give both files, or neither to read the database")
    if assignments is None and not database_url:
        fail("--assignments/--events or --database-url (SELFCARE_DATABASE_URL): nothing to read")
    first, after = _date(start, "--start"), _date(end, "--end")
    try:
        if assignments is not None and events is not None:
            document = analyze_files(
                program=program,
                assignments=assignments,
                events=events,
                start=first,
                end=after,
                report=report,
                lang=lang.value,
            )
        else:
            with _store(database_url, pilot) as store:
                assert store is not None  # noqa: S101 - a URL was given (checked above)
                document = analyze_database(
                    program=program,
                    store=store,
                    start=first,
                    end=after,
                    report=report,
                    lang=lang.value,
                )
    except SelfcareError as exc:
        fail(str(exc))
    if output_format is OutputFormat.JSON:
        emit_json(document)
        return
    itt, cace = document["itt"], document["cace"]
    typer.echo(
        f"Invitation effect: {itt['effect']:+.4f} counted calls per customer-month "
        f"({itt['relative_effect']:+.1%}, 95 % CI {itt['ci_low']:+.4f} to {itt['ci_high']:+.4f}, "
        f"p = {itt['p_value']:.2g}); variance reduction by pre-period "
        f"{itt['variance_reduction']:.0%}."
    )
    typer.echo(
        f"Among accepters (take-up {cace['take_up']:.0%}): {cace['effect']:+.4f} "
        f"per month (first-stage F {cace['first_stage_f']:.0f})."
    )
    for guard in document["guardrails"]:
        verdict = "ok" if guard["non_inferior"] else "NOT shown non-inferior"
        typer.echo(f"Guardrail {guard['name']}: {verdict} (p = {guard['p_value']:.3g})")
    typer.echo(f"Roll-out rule: {document['rollout']['decision']}")
    if report is not None:
        typer.echo(f"Report: {report}")


@app.command("invite")
def invite_command(
    assignments: Annotated[Path, typer.Option(help="Assignment CSV from `pilot assign`.")],
    out: Annotated[Path, typer.Option(help="Where to write customer_id,code,expires_on.")],
    expires_on: Annotated[str, typer.Option(help="Last valid day (YYYY-MM-DD).")],
    secret_env: Annotated[
        str, typer.Option(help="Environment variable holding the HMAC secret.")
    ] = "SELFCARE_INVITATION_SECRET",  # noqa: S107 (the variable's name, not a secret)
    database_url: DatabaseUrl = None,
    pilot: PilotId = "pilot",
    output_format: Format = OutputFormat.TABLE,
) -> None:
    """Single-use, HMAC-signed invitation codes for the treatment arm (for mail merge)."""
    import os

    from selfcare.pilot.service import invite

    secret = os.environ.get(secret_env, "")
    if len(secret) < 16:  # noqa: PLR2004 - shorter secrets are guessable
        fail(f"{secret_env}: set a secret of at least 16 characters in this variable")
    try:
        with _store(database_url, pilot) as store:
            summary = invite(
                assignments=assignments,
                secret=secret.encode(),
                expires_on=_date(expires_on, "--expires-on"),
                out=out,
                store=store,
            )
    except SelfcareError as exc:
        fail(str(exc))
    if output_format is OutputFormat.JSON:
        emit_json(summary)
        return
    typer.echo(f"{summary['invited']} invitation codes → {out} (valid through {expires_on})")
