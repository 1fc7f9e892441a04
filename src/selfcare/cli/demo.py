"""`selfcare demo`: the main job on embedded defaults, no configuration needed."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from selfcare.cli.evaluate import print_progress
from selfcare.domain.evaluator import evaluate
from selfcare.domain.progress import progress_to_json
from selfcare.events_io import parse_jsonl
from selfcare.program.load import bundled_example, bundled_example_text

DEMO_AS_OF = date(2026, 3, 31)


def demo_command(
    folder: Annotated[Path, typer.Option(help="Where to write the demo's files.")] = Path(
        "selfcare-demo"
    ),
) -> None:
    """Evaluate the bundled real case ("Online statt Hotline") and write its results."""
    console = Console()
    program = bundled_example()
    text = resources.files("selfcare.program").joinpath("example-events.jsonl").read_text("utf-8")
    read = parse_jsonl(text, source="example-events.jsonl")
    progress = evaluate(program, read.events, DEMO_AS_OF)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "program.toml").write_text(bundled_example_text(), encoding="utf-8")
    (folder / "events.jsonl").write_text(text, encoding="utf-8")
    result = folder / "progress.json"
    result.write_text(json.dumps(progress_to_json(progress), indent=2, ensure_ascii=False) + "\n")
    console.print(f"[bold]{program.name}[/]: {len(read.events)} events, "
                  f"{len(progress.customers)} customers, as of {DEMO_AS_OF.isoformat()}")
    print_progress(progress, skipped=len(read.problems))
    console.print(f"\nResults written to [bold]{result}[/] (program and events beside it).")
