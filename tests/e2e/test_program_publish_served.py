"""`selfcare program publish` while `selfcare serve` runs (two real processes on one SQLite
database): the served service evaluates the events that come after by the new version —
no restart — and the grant made before keeps its version."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from selfcare.grants.ledger import customer_grants
from selfcare.program.digest import program_digest
from selfcare.program.load import parse_program
from selfcare.store.engine import make_engine
from selfcare.store.unit_of_work import SqlUnitOfWorkFactory
from tests.commands import selfcare_json
from tests.e2e.test_serve import serving
from tests.integration.console_data import BUNDLED, CHANGED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def register(http: httpx.Client, customer: str) -> int:
    """A customer joins and registers in the portal; the grants the second event made."""
    now = datetime.now(UTC).replace(microsecond=0)
    for n, kind in enumerate(("invitation_accepted", "portal_registered"), start=1):
        sent = {
            "event_id": f"{customer}-{n}",
            "customer_id": customer,
            "type": kind,
            "occurred_at": (now - timedelta(minutes=3 - n)).isoformat(),
        }
        answer = http.post("/api/v1/events", json=sent)
        assert answer.status_code == 201, answer.text
    grants: int = answer.json()["grants"]
    return grants


def test_a_version_published_by_the_cli_rules_the_served_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'selfcare.db'}"
    env = os.environ | {"SELFCARE_DATABASE_URL": url, "SELFCARE_PROGRAM_REFRESH_S": "0"}
    (tmp_path / "changed.toml").write_text(CHANGED)
    key = selfcare_json(
        *("apikey", "create", "--name", "crm", "--scopes", "events:write,grants:read"),
        env=env,
        cwd=tmp_path,
    )["key"]
    with serving(env, tmp_path, "--no-relay") as served:
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=served.url, headers=auth, timeout=30) as http:
            before = register(http, "anna")
            subprocess.run(
                [sys.executable, "-m", "selfcare", "program", "publish", "changed.toml"],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                check=True,
                timeout=120,
            )
            after = register(http, "berta")
    engine = make_engine(url)
    try:
        uow = SqlUnitOfWorkFactory(engine)
        [anna] = customer_grants(uow=uow, customer_id="anna")
        [berta] = customer_grants(uow=uow, customer_id="berta")
    finally:
        engine.dispose()
    assert before == after == 1
    assert (anna.amount_mb, anna.program_digest) == (600, program_digest(parse_program(BUNDLED)))
    assert (berta.amount_mb, berta.program_digest) == (
        700,
        program_digest(parse_program(CHANGED)),
    )
