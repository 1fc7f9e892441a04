"""Reading a program file, turning every mistake into a message a program manager understands."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from selfcare.domain.program import Program
from selfcare.errors import InvalidProgram

BUNDLED_EXAMPLE = "online-statt-hotline.toml"


def parse_program(text: str, *, source: str = "<program>") -> Program:
    """Parse TOML text into a validated Program or raise InvalidProgram naming every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidProgram(f"{source}: not valid TOML: {exc}") from None
    return program_from_data(data, source=source)


def program_from_data(data: dict[str, Any], *, source: str = "<program>") -> Program:
    """Validate already parsed program data."""
    try:
        return Program.model_validate(data.get("program", {}) | _sections(data))
    except ValidationError as exc:
        raise InvalidProgram(f"{source}: {describe_errors(exc, data)}") from None


def _sections(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "program"}


def describe_errors(exc: ValidationError, data: dict[str, Any] | None = None) -> str:
    """One line per problem, each naming the field path in the file's own words."""
    lines = []
    errors = exc.errors()
    for error in errors:
        if error["type"] == "too_short" and _has_deeper(error["loc"], errors):
            continue  # "at least 1 reward" only because the one reward given was invalid
        path = _path(error["loc"], data)
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling)"
        elif error["type"] == "missing":
            message = "is required"
        lines.append(f"{path}: {message}" if path else message)
    return "; ".join(lines)


def _has_deeper(loc: tuple[int | str, ...], errors: list[Any]) -> bool:
    return any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


def _path(loc: tuple[int | str, ...], data: dict[str, Any] | None) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        elif item in ("task", "streak") and parts and parts[-1].startswith("["):
            continue  # discriminator tag adds nothing for a reader
        else:
            parts.append(("." if parts else "") + str(item))
    path = "".join(parts)
    if path.startswith(("id", "name", "timezone", "description")) and data is not None:
        path = "program." + path
    return path


def load_program(path: Path | str) -> Program:
    """Load a program file from disk."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidProgram(f"{file}: cannot read: {exc.strerror}") from None
    return parse_program(text, source=str(file))


def bundled_example_text() -> str:
    """The real case's program, shipped inside the package for `make demo` and `serve`."""
    return resources.files("selfcare.program").joinpath(BUNDLED_EXAMPLE).read_text("utf-8")


def bundled_example() -> Program:
    return parse_program(bundled_example_text(), source=BUNDLED_EXAMPLE)
