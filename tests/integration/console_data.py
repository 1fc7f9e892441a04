"""A served console with something in every corner: two programme versions, a customer with
a grant, quarantined rows, and one operator of each role (all logged in)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from selfcare.auth.operators import create_operator
from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.console.programs import publish_program
from selfcare.domain.operators import Role
from selfcare.grants.charging import FakeChargingClient
from selfcare.ingest.service import ingest_rows
from selfcare.web.app import create_app
from tests.builders import make_program
from tests.integration.api_fixtures import live_server
from tests.integration.conftest import Clock
from tests.integration.console_fixtures import PASSWORD, Console

BUNDLED = resources.files("selfcare.program").joinpath("online-statt-hotline.toml").read_text()
CHANGED = BUNDLED.replace("amount_mb = 600", "amount_mb = 700", 1)
PROGRAM_ID = make_program().id


def event(event_id: str, kind: str, at: str, customer: str = "anna") -> dict[str, str]:
    return {"event_id": event_id, "customer_id": customer, "type": kind, "occurred_at": at}


def broken_row(n: int) -> dict[str, str]:
    """A portal registration whose type is misspelt: quarantined, fixable by hand."""
    return event(f"bad-{n}", "portal_registred", "2026-02-10T10:00:00+01:00", f"berta{n}")


@dataclass
class Seeded:
    console: Console
    clients: dict[Role | None, httpx.Client]
    quarantined: list[int]


def seed(app: App) -> list[int]:
    """Versions, events of a customer and a few quarantined rows; their ids."""
    assert CHANGED != BUNDLED
    publish_program(uow=app.uow, text=BUNDLED, actor="seed")
    publish_program(uow=app.uow, text=CHANGED, actor="seed", note="portal 700 MB")
    good: list[dict[str, Any]] = [
        event("anna-1", "invitation_accepted", "2026-02-01T09:00:00+01:00"),
        event("anna-2", "portal_registered", "2026-02-02T09:00:00+01:00"),
        event("anna-3", "hotline_call", "2026-02-03T09:00:00+01:00")
        | {"reason_code": "VVL", "direction": "inbound", "reached_agent": True},
    ]
    ingest_rows(app.ingestor, list(enumerate(good, start=1)), source="seed")
    ingest_rows(app.ingestor, [(n, broken_row(n)) for n in range(1, 16)], source="seed")
    with app.uow(read_only=True) as work:
        return [r.id or 0 for r in work.quarantine.list_(limit=100)]


def served_console(tmp: Path) -> Iterator[Seeded]:
    """Build, seed and serve; one client per role (None: not logged in)."""
    app = build(
        Settings(database_url=f"sqlite:///{tmp / 'console.db'}"),
        program=make_program(),
        charging=FakeChargingClient(),
        clock=Clock(),
    )
    try:
        rows = seed(app)
        with live_server(create_app(app, credential_ttl_s=0)) as url:
            console = Console(url, app)
            clients: dict[Role | None, httpx.Client] = {None: console.client()}
            for role in Role:
                create_operator(uow=app.uow, name=role.value, role=role, password=PASSWORD)
                http, answer = console.login(role.value)
                assert answer.status_code == 303, answer.text
                clients[role] = http
            try:
                yield Seeded(console, clients, rows)
            finally:
                console.close()
    finally:
        app.close()
