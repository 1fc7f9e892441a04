"""Alembic migrations build exactly the schema the code declares, on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from selfcare.store.engine import downgrade, make_engine, migrate
from selfcare.store.tables import Base

pytestmark = pytest.mark.integration


def schema_difference(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_migrating_a_fresh_database_gives_exactly_the_declared_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()
    assert schema_difference(database_url) == []


def test_migrations_go_down_to_nothing_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    migrate(engine)  # a second run finds nothing to do
    engine.dispose()
    assert schema_difference(database_url) == []


def test_several_servers_starting_at_once_migrate_once(database_url: str) -> None:
    def start() -> None:
        engine = make_engine(database_url)
        try:
            migrate(engine)
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: start(), range(4)))
    assert schema_difference(database_url) == []


def test_the_migrate_command_creates_the_schema_from_the_environment(
    database_url: str, tmp_path: Path
) -> None:
    env = os.environ | {"SELFCARE_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "selfcare", "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert schema_difference(database_url) == []
    status = subprocess.run(
        [sys.executable, "-m", "selfcare", "budget", "show", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(status.stdout)["held_grants"] == 0
