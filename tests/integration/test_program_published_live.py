"""A published programme version takes effect in the running service, without a restart:
events evaluated after publishing earn by the new version's rules and carry its digest,
grants made before keep theirs. Published through the console of the same process (taken
up at once, however long the cross-process check interval), and by `selfcare program
publish` in another process while the service runs (taken up by the interval's check)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from selfcare.auth.scopes import Scope
from selfcare.auth.service import create_api_key
from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.console.current import CurrentProgram
from selfcare.console.programs import publish_program
from selfcare.domain.operators import Role
from selfcare.grants.charging import FakeChargingClient
from selfcare.grants.ledger import customer_grants
from selfcare.program.digest import program_digest
from selfcare.program.load import parse_program
from selfcare.store.engine import make_engine, migrate
from selfcare.store.unit_of_work import SqlUnitOfWorkFactory
from selfcare.web.app import create_app
from tests.integration.api_fixtures import live_server
from tests.integration.conftest import Clock
from tests.integration.console_data import BUNDLED, CHANGED, event
from tests.integration.console_fixtures import Console, form_csrf

pytestmark = pytest.mark.integration
FIRST = parse_program(BUNDLED)
SECOND = parse_program(CHANGED)  # the portal registration earns 700 MB instead of 600


@pytest.fixture
def following(database_url: str, clock: Clock, charging: FakeChargingClient) -> Iterator[App]:
    """A service that follows published versions, checking other processes' publishing
    only once an hour: what it takes up at once was published in its own process."""
    wired = build(
        Settings(database_url=database_url, program_refresh_s=3600),
        charging=charging,
        clock=clock,
    )
    try:
        yield wired
    finally:
        wired.close()


def portal_grant(app: App, customer: str) -> tuple[int, str | None]:
    [grant] = customer_grants(uow=app.uow, customer_id=customer)
    return grant.amount_mb, grant.program_digest


def register(http: httpx.Client, customer: str) -> None:
    """A customer joins and registers in the portal (one grant, by the program in use)."""
    for n, kind in enumerate(("invitation_accepted", "portal_registered"), start=1):
        at = f"2026-02-0{n}T09:00:00+01:00"
        answer = http.post("/api/v1/events", json=event(f"{customer}-{n}", kind, at, customer))
        assert answer.status_code == 201, answer.text


def publish_in_console(console: Console, text: str) -> httpx.Response:
    http = console.logged_in(Role.PROGRAM_MANAGER)
    page = http.get("/operator/programs?lang=en")
    answer = http.post(
        "/operator/programs/publish?lang=en",
        data={"csrf": form_csrf(page), "program_text": text, "note": "portal 700 MB"},
    )
    assert answer.status_code == 303, answer.text
    return http.get(answer.headers["location"])


def test_a_version_published_in_the_console_rules_the_next_events(following: App) -> None:
    publish_program(uow=following.uow, text=BUNDLED, actor="seed")  # before it served
    key = create_api_key(uow=following.uow, name="crm", scopes=frozenset(Scope)).key
    with live_server(create_app(following, credential_ttl_s=0)) as url:
        console = Console(url, following)
        api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        with api:
            register(api, "anna")
            listed = publish_in_console(console, CHANGED)
            register(api, "berta")
        console.close()
    assert following.program == SECOND
    assert portal_grant(following, "anna") == (600, program_digest(FIRST))  # never rewritten
    assert portal_grant(following, "berta") == (700, program_digest(SECOND))
    assert "Published version 2 of online-statt-hotline; the service evaluates" in listed.text
    assert "The service runs version 2." in listed.text


def test_a_version_published_by_another_process_is_taken_up_while_serving(
    database_url: str, clock: Clock, charging: FakeChargingClient, tmp_path: Path
) -> None:
    """`selfcare program publish` in a subprocess; this service checks on every use."""
    app = build(
        Settings(database_url=database_url, program_refresh_s=0), charging=charging, clock=clock
    )
    key = create_api_key(uow=app.uow, name="crm", scopes=frozenset(Scope)).key
    (tmp_path / "changed.toml").write_text(CHANGED)
    try:
        with live_server(create_app(app, credential_ttl_s=0)) as url:
            api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
            with api:
                register(api, "anna")  # nothing published yet: the bundled example
                publish_cli(database_url, tmp_path / "changed.toml", tmp_path)
                register(api, "berta")
        assert portal_grant(app, "anna") == (600, program_digest(FIRST))
        assert portal_grant(app, "berta") == (700, program_digest(SECOND))
    finally:
        app.close()


def publish_cli(database_url: str, path: Path, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "selfcare", "program", "publish", str(path), "--note", "700"],
        env=os.environ | {"SELFCARE_DATABASE_URL": database_url},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_check_interval_bounds_how_soon_another_process_is_seen(database_url: str) -> None:
    """Within the interval the program in hand is used without a read; after it, the newest
    version; a pinned program never changes."""
    engine = make_engine(database_url)
    migrate(engine)
    uow = SqlUnitOfWorkFactory(engine)
    ticks = [0.0]
    try:
        current = CurrentProgram(FIRST, uow=uow, ttl_s=10, clock=lambda: ticks[0])
        assert current() == FIRST  # nothing published
        publish_program(uow=uow, text=CHANGED, actor="elsewhere")
        ticks[0] = 9.0
        assert current() == FIRST  # not looked yet
        ticks[0] = 10.0
        assert current() == SECOND
        current.pin(FIRST)
        current.refresh()
        assert current() == FIRST
        assert not current.follows_published
    finally:
        engine.dispose()
