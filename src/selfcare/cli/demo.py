"""`selfcare demo`: the main job on embedded defaults, no configuration needed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfcare.cli.common import Lang, bounded
from selfcare.cli.evaluate import print_progress


def demo_command(
    folder: Annotated[Path, typer.Option(help="Where to write the demo's files.")] = Path(
        "selfcare-demo"
    ),
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.EN,
    pilot_customers: Annotated[
        int,
        typer.Option(
            help="Customers in the simulated pilot (0: no pilot).",
            callback=bounded("--pilot-customers", 0, 200_000),
        ),
    ] = 6_000,
) -> None:
    """Run the real case ("Online statt Hotline") end to end and write a report; then a
    simulated pilot on the same database: assign, invite, sign up, ingest, grant, analyse."""
    from selfcare.demo.pilot_story import DEMO_SECRET
    from selfcare.demo.report import service_label
    from selfcare.demo.story import run_demo  # lazily: every command starts faster
    from selfcare.program.load import bundled_example

    console = Console()
    # The demo's charging system loses answers and fails on purpose; the summary below
    # counts the attempts, so the relay's line per attempt would only bury the result.
    relay_log = logging.getLogger("selfcare.grants.outbox")
    level = relay_log.level
    relay_log.setLevel(logging.ERROR)
    try:
        result = run_demo(folder, lang=lang.value, pilot_customers=pilot_customers)
    finally:
        relay_log.setLevel(level)
    words = DEMO_WORDS[lang.value]
    program = bundled_example()
    console.print(f"[bold]{program.name}[/]")
    print_progress(
        result.progress.as_of,
        result.progress.customers,
        skipped=0,
        lang=lang.value,
        program=program,
    )
    console.rule(words["service"], align="left")
    for key, value in result.service.items():
        console.print(f"{service_label(key, lang.value)}: {service_label(value, lang.value)}")
    console.print(
        f"\n{words['report']}: [bold]{result.report_path.resolve()}[/] ({words['beside']})"
    )
    database = (folder / "selfcare.db").resolve()
    console.print(
        f"{words['pages']}:\n  SELFCARE_DATABASE_URL=sqlite:///{database} "
        "selfcare serve --no-relay --login-link anna",
        soft_wrap=True,
        markup=False,
    )
    console.print(
        f"{words['console']}:\n  SELFCARE_DATABASE_URL=sqlite:///{database} "
        "selfcare operator create --name demo --role admin",
        soft_wrap=True,
        markup=False,
    )
    if result.pilot is not None:
        console.rule(words["pilot"], align="left")
        for key, value in result.pilot.summary.items():
            console.print(f"{key}: {value}")
        console.print(f"\n{words['pilot_report']}: [bold]{result.pilot.report_path.resolve()}[/]")
        if result.pilot.sign_up is not None:
            customer, code = result.pilot.sign_up
            console.print(
                f"{words['join'].format(customer=customer, code=code)}:\n"
                f"  SELFCARE_DATABASE_URL=sqlite:///{database} "
                f"SELFCARE_INVITATION_SECRET={DEMO_SECRET.decode()} "
                f"selfcare serve --no-relay --login-link {customer}",
                soft_wrap=True,
                markup=False,
            )


DEMO_WORDS = {
    "en": {
        "service": "service: SQLite ledger, outbox relay, charging system",
        "report": "Report",
        "beside": "progress.json, program.toml, events.jsonl and the database beside it",
        "pages": "A customer's pages (my bonus, my contacts, before you call) on this database",
        "console": "The operator console (http://127.0.0.1:8000/operator, the demo programme) "
        "after an account on this database",
        "pilot": "pilot: simulated customers, assigned, invited, signed up, analysed",
        "pilot_report": "Pilot report",
        "join": "Sign up at /join as {customer}, invited but not yet accepted, with the code "
        "{code}",
    },
    "de": {
        "service": "Dienst: SQLite-Hauptbuch, Versand, Abrechnungssystem",
        "report": "Bericht",
        "beside": "daneben progress.json, program.toml, events.jsonl und die Datenbank",
        "pages": "Die Seiten einer Kundin (Mein Bonus, Meine Kontakte, Vor dem Anruf) auf "
        "dieser Datenbank",
        "console": "Die Betreiberkonsole (http://127.0.0.1:8000/operator, das Demo-Programm) "
        "nach einem Konto auf dieser Datenbank",
        "pilot": "Pilot: simulierte Kunden, zugeteilt, eingeladen, angemeldet, ausgewertet",
        "pilot_report": "Pilot-Bericht",
        "join": "Unter /join als {customer} teilnehmen (eingeladen, noch nicht angenommen) "
        "mit dem Code {code}",
    },
}
