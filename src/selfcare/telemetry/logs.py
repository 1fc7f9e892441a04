"""Structured logs: JSON lines for log collectors, readable lines on a terminal.

The standard library's logging, with two formatters: `JsonLines` (one JSON object a line,
when stderr is not a terminal: systemd, containers, files) and `Readable` (a terminal).
A record's structured fields travel in `extra={"fields": {...}}` (see `fields`). Every
line goes through `mask` last, whatever logger wrote it (uvicorn's included): API keys,
customer tokens, login links and session secrets (`sck_…`, `sct_…`, `scl_…`, `scs_…`),
bearer credentials and database passwords never reach a log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

SECRET = re.compile(r"\b(sc[klts])_[A-Za-z0-9_\-]+")
BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")
URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
HIDDEN = "***"
_HANDLER_NAME = "selfcare"


def mask(text: str) -> str:
    """`text` with every secret replaced by its kind and `***` (`sct_***`)."""
    text = SECRET.sub(rf"\1_{HIDDEN}", text)
    text = BEARER.sub(rf"\1{HIDDEN}", text)
    return URL_PASSWORD.sub(rf"\1{HIDDEN}@", text)


def fields(**values: Any) -> dict[str, Any]:
    """The `extra` of a structured record: `log.info("request", extra=fields(status=200))`."""
    return {"fields": values}


def _fields_of(record: logging.LogRecord) -> dict[str, Any]:
    values = getattr(record, "fields", None)
    return dict(values) if isinstance(values, dict) else {}


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, event and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        document.update(_fields_of(record))
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return mask(json.dumps(document, ensure_ascii=False, default=str))


class Readable(logging.Formatter):
    """`12:00:01 INFO selfcare.web request method=GET status=200 …` for people."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        pairs = " ".join(f"{k}={v}" for k, v in _fields_of(record).items())
        line = f"{when} {record.levelname:<7} {record.name} {record.getMessage()}"
        if pairs:
            line = f"{line} {pairs}"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return mask(line)


QUIET_LIBRARIES = ("alembic", "httpx", "httpcore")


def configure_logging(
    stream: TextIO | None = None, *, as_json: bool | None = None, level: int = logging.INFO
) -> logging.Handler:
    """Send every log record to `stream` (stderr), as JSON lines unless it is a terminal.

    Libraries that narrate their own set-up (Alembic, httpx) log only their warnings, so a
    command's one-line error message stays the only line it prints.
    Replaces the handler an earlier call installed, so calling it twice is harmless.
    """
    target = stream if stream is not None else sys.stderr
    if as_json is None:
        as_json = not _is_terminal(target)
    handler = logging.StreamHandler(target)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLines() if as_json else Readable())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for chatty in QUIET_LIBRARIES:
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
    return handler


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
