"""`selfcare demo`: the main job on embedded defaults, no configuration needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfcare.cli.common import Lang
from selfcare.cli.evaluate import print_progress
from selfcare.demo.story import DEMO_AS_OF, run_demo


def demo_command(
    folder: Annotated[Path, typer.Option(help="Where to write the demo's files.")] = Path(
        "selfcare-demo"
    ),
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.EN,
) -> None:
    """Run the real case ("Online statt Hotline") end to end and write a report."""
    console = Console()
    result = run_demo(folder, lang=lang.value)
    console.print(f"[bold]Online statt Hotline[/], as of {DEMO_AS_OF.isoformat()}")
    print_progress(result.progress.as_of, result.progress.customers, skipped=0)
    console.rule("service: SQLite ledger, outbox relay, charging system", align="left")
    for key, value in result.service.items():
        console.print(f"{key}: {value}")
    console.print(
        f"\nReport: [bold]{result.report_path.resolve()}[/] "
        f"(progress.json, program.toml, events.jsonl and the database beside it)"
    )
