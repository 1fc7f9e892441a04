"""Settings of a running selfcare: where the database and the charging system are, and limits.

pydantic-settings reads them from SELFCARE_* variables (`SELFCARE_RELAY_LEASE_S=2.5`), so
every field is read, typed and checked the same way; a value that cannot be used names its
variable. Tests build their own `Settings(...)` and override what they need.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from selfcare.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///selfcare.db"
DEFAULT_CHARGING_URL = "http://127.0.0.1:8900"
PREFIX = "SELFCARE_"


class Settings(BaseSettings):
    """Everything the composition root needs to wire a running service."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_ignore_empty=True,  # `SELFCARE_CHARGING_URL=` means "the default", as in shells
        extra="ignore",  # other SELFCARE_* variables belong to tests and tools
        frozen=True,
        hide_input_in_errors=True,  # a database URL may carry a password
    )

    database_url: str = DEFAULT_DATABASE_URL
    charging_url: str = DEFAULT_CHARGING_URL
    program_path: Path | None = None
    charging_timeout_s: float = 5.0
    relay_lease_s: float = 30.0
    relay_batch_size: int = 4  # outbox rows one relay worker claims at a time
    relay_concurrency: int = 8
    relay_idle_s: float = 1.0
    relay_attempts: int = 3
    relay_backoff_cap_s: float = 300.0
    settle_every_s: float = 60.0
    future_tolerance_s: int = 300
    max_batch_events: int = 10_000
    earliest_event_date: date | None = None  # None: the program's starts_on, else 2000-01-01
    api_docs: bool = False  # /docs and /redoc: off in production, SELFCARE_API_DOCS=1 for dev
    session_ttl_s: int = 12 * 3600
    metrics_api: bool = True  # GET /metrics on the API, for keys with scope metrics:read
    metrics_port: int | None = None  # also serve /metrics unauthenticated on this port…
    metrics_host: str = "127.0.0.1"  # …bound to this (internal) address
    invitation_secret: str | None = None  # HMAC key of the pilot's invitation codes (/join)
    program_refresh_s: float = 2.0  # how soon a version published elsewhere is taken up

    @field_validator("database_url")
    @classmethod
    def _use_psycopg_3(cls, url: str) -> str:
        return normalise_database_url(url)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed and checked again (tests, CLI options)."""
        return _checked(lambda: type(self)(**(self.model_dump() | changes)))

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from SELFCARE_DATABASE_URL, SELFCARE_CHARGING_URL, ... (unset: defaults)."""
        return _checked(cls)


def _checked(make: Callable[[], Settings]) -> Settings:
    """`make()`, with pydantic's errors as one InvalidInput that names the variables."""
    try:
        return make()
    except ValidationError as error:
        raise InvalidInput("; ".join(_problem(e) for e in error.errors())) from None


def _problem(error: Any) -> str:
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InvalidInput):
        return str(cause)
    return f"{PREFIX}{str(error['loc'][0]).upper()}: {error['msg']}"


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
