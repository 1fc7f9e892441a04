"""Storage fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL runs use SELFCARE_TEST_PG_URL (CI sets it) and skip with a visible reason when
it is unset. Each test gets its own PostgreSQL schema (dropped afterwards) or its own
SQLite file, so tests never see each other's rows and may run in parallel.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.domain.program import Program
from selfcare.grants.charging import FakeChargingClient
from tests.builders import make_program

PG_ENV = "SELFCARE_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL storage tests skipped")
    return url


def _libpq_url(url: str) -> str:
    """psycopg wants postgresql://, SQLAlchemy may have been given +psycopg."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def fresh_pg_schema() -> Iterator[str]:
    """A new, empty schema; yields a database URL whose search_path points at it."""
    base = _libpq_url(pg_base_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'selfcare.db'}"
        return
    yield from fresh_pg_schema()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL schema, for tests that are about PostgreSQL itself."""
    yield from fresh_pg_schema()


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def charging() -> FakeChargingClient:
    return FakeChargingClient()


@pytest.fixture
def program() -> Program:
    return make_program()


@pytest.fixture
def app(
    database_url: str, clock: Clock, charging: FakeChargingClient, program: Program
) -> Iterator[App]:
    """A wired selfcare on a fresh database, with a hand clock and an in-memory charging."""
    wired = build(
        Settings(database_url=database_url), program=program, charging=charging, clock=clock
    )
    try:
        yield wired
    finally:
        wired.close()
