"""Settings come from SELFCARE_* variables; database URLs are steered to psycopg 3."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from selfcare.bootstrap import build
from selfcare.config import Settings, normalise_database_url
from selfcare.errors import InvalidInput
from selfcare.grants.charging import FakeChargingClient


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


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], Settings]:
    """Settings read from exactly the given SELFCARE_* variables (the process's are removed)."""

    def read(variables: dict[str, str]) -> Settings:
        for name in [n for n in os.environ if n.startswith("SELFCARE_")]:
            monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return Settings.from_env()

    return read


def test_no_environment_means_a_sqlite_file_in_the_working_folder(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    settings = environ({})
    assert settings.database_url == "sqlite:///selfcare.db"
    assert settings.max_batch_events == 10_000


def test_settings_are_read_from_selfcare_variables_with_their_types(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    settings = environ(
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


def test_the_relay_claims_as_many_rows_as_selfcare_relay_batch_size_says(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    settings = environ({"SELFCARE_RELAY_BATCH_SIZE": "7", "SELFCARE_DATABASE_URL": "sqlite://"})
    app = build(settings, charging=FakeChargingClient(), run_migrations=False)
    try:
        assert app.relay().settings.per_claim == 7
    finally:
        app.close()


def test_a_setting_that_is_not_a_number_is_named(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    with pytest.raises(InvalidInput, match="SELFCARE_MAX_BATCH_EVENTS"):
        environ({"SELFCARE_MAX_BATCH_EVENTS": "many"})


def test_a_changed_setting_is_checked_again() -> None:
    with pytest.raises(InvalidInput, match="use sqlite:///FILE") as raised:
        Settings().with_(database_url="mysql://root:secret@h/db")
    assert "secret" not in str(raised.value)
    assert Settings().with_(relay_concurrency=2).relay_concurrency == 2


def test_api_docs_are_off_by_default_and_a_yes_no_setting(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    assert environ({}).api_docs is False
    assert environ({"SELFCARE_API_DOCS": "1"}).api_docs is True
    assert environ({"SELFCARE_API_DOCS": "off"}).api_docs is False
    assert environ({"SELFCARE_SESSION_TTL_S": "600"}).session_ttl_s == 600
    with pytest.raises(InvalidInput, match="SELFCARE_API_DOCS"):
        environ({"SELFCARE_API_DOCS": "perhaps"})


def test_metrics_are_on_the_api_by_default_and_the_internal_port_is_opt_in(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    default = environ({})
    assert (default.metrics_api, default.metrics_port, default.metrics_host) == (
        True,
        None,
        "127.0.0.1",
    )
    chosen = environ(
        {
            "SELFCARE_METRICS_API": "false",
            "SELFCARE_METRICS_PORT": "9464",
            "SELFCARE_METRICS_HOST": "10.0.0.5",
        }
    )
    assert (chosen.metrics_api, chosen.metrics_port, chosen.metrics_host) == (
        False,
        9464,
        "10.0.0.5",
    )


def test_a_switch_that_is_not_true_or_false_is_refused_with_its_name(
    environ: Callable[[dict[str, str]], Settings],
) -> None:
    with pytest.raises(InvalidInput, match="SELFCARE_METRICS_API"):
        environ({"SELFCARE_METRICS_API": "maybe"})
