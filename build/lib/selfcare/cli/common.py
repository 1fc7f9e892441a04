"""What every command shares: one JSON document on stdout, one-line errors with exit code 2."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Any, NoReturn

import typer


class OutputFormat(StrEnum):
    """`table` for people, `json` for scripts (one document on stdout, nothing else)."""

    TABLE = "table"
    JSON = "json"


class Lang(StrEnum):
    DE = "de"
    EN = "en"


def fail(message: str) -> NoReturn:
    """Stop with a one-line message on stderr and exit code 2 (bad input)."""
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise typer.Exit(code=2)


def emit_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
