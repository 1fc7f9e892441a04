"""Settings of a running selfcare: where the database and the charging system are, and limits.

Read from environment variables (SELFCARE_*) once; tests build their own `Settings(...)`.
pydantic-settings is not a dependency, so this is a small frozen dataclass.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from selfcare.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///selfcare.db"
DEFAULT_CHARGING_URL = "http://127.0.0.1:8900"
PREFIX = "SELFCARE_"


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to wire a running service."""

    database_url: str = DEFAULT_DATABASE_URL
    charging_url: str = DEFAULT_CHARGING_URL
    program_path: Path | None = None
    charging_timeout_s: float = 5.0
    relay_lease_s: float = 30.0
    relay_batch_size: int = 200
    relay_concurrency: int = 8
    relay_idle_s: float = 1.0
    relay_attempts: int = 3
    relay_backoff_cap_s: float = 300.0
    settle_every_s: float = 60.0
    future_tolerance_s: int = 300
    max_batch_events: int = 10_000

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalise_database_url(self.database_url))

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests, CLI options)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from SELFCARE_DATABASE_URL, SELFCARE_CHARGING_URL, ... (unset: defaults)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = env.get(PREFIX + item.name.upper())
            if raw is None or raw == "":
                continue
            values[item.name] = _convert(item.name, str(item.type), raw)
        return cls(**values)


def _convert(name: str, kind: str, raw: str) -> Any:
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise InvalidInput(f"{PREFIX}{name.upper()}: {raw!r} is not a number") from None
    if "Path" in kind:
        return Path(raw)
    return raw


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL: `postgresql://` and `postgres://` become `+psycopg`."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("sqlite", "postgresql+psycopg://")):
        return url
    raise InvalidInput(
        f"database URL {url.split('://', maxsplit=1)[0]}://…: use sqlite:///FILE or postgresql://…"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings.from_env()
