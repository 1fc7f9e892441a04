"""Settings come from SELFCARE_* variables; database URLs are steered to psycopg 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfcare.config import Settings, normalise_database_url
from selfcare.errors import InvalidInput


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///selfcare.db", "sqlite:///selfcare.db"),
    ],
)
def test_database_urls_use_psycopg_3_for_postgresql(given: str, used: str) -> None:
    assert normalise_database_url(given) == used


def test_an_unsupported_database_is_refused_without_showing_the_password() -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_database_url("mysql://root:secret@h/db")
    assert "secret" not in str(raised.value)
    assert "mysql" in str(raised.value)


def test_no_environment_means_a_sqlite_file_in_the_working_folder() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///selfcare.db"
    assert settings.max_batch_events == 10_000


def test_settings_are_read_from_selfcare_variables_with_their_types() -> None:
    settings = Settings.from_env(
        {
            "SELFCARE_DATABASE_URL": "postgresql://pg/db",
            "SELFCARE_RELAY_LEASE_S": "2.5",
            "SELFCARE_MAX_BATCH_EVENTS": "500",
            "SELFCARE_PROGRAM_PATH": "programs/p.toml",
            "SELFCARE_CHARGING_URL": "",
        }
    )
    assert settings.database_url == "postgresql+psycopg://pg/db"
    assert (settings.relay_lease_s, settings.max_batch_events) == (2.5, 500)
    assert settings.program_path == Path("programs/p.toml")
    assert settings.charging_url == "http://127.0.0.1:8900"


def test_a_setting_that_is_not_a_number_is_named() -> None:
    with pytest.raises(InvalidInput, match="SELFCARE_MAX_BATCH_EVENTS"):
        Settings.from_env({"SELFCARE_MAX_BATCH_EVENTS": "many"})
