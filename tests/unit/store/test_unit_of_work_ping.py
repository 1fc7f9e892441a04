"""The health check's round trip: a database that does not answer is StorageUnavailable,
the one error the web layer maps to 503 without knowing SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfcare.errors import StorageUnavailable
from selfcare.store.engine import make_engine
from selfcare.store.unit_of_work import SqlUnitOfWorkFactory
from tests.fake_storage import FakeStorage


def test_a_database_that_cannot_be_reached_is_storage_unavailable(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no such folder' / 'selfcare.db'}")
    try:
        with (
            SqlUnitOfWorkFactory(engine)(read_only=True) as work,
            pytest.raises(StorageUnavailable),
        ):
            work.ping()
    finally:
        engine.dispose()


def test_a_database_that_answers_pings_quietly(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'selfcare.db'}")
    try:
        with SqlUnitOfWorkFactory(engine)(read_only=True) as work:
            work.ping()
    finally:
        engine.dispose()


def test_the_fake_storage_can_be_switched_off_for_health_tests() -> None:
    storage = FakeStorage(available=False)
    with storage(read_only=True) as work, pytest.raises(StorageUnavailable):
        work.ping()
