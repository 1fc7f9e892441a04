"""The console's pilot page: arms, invitations, SRM state, the latest analysis and its
report, from the service's database; viewers and above only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from selfcare.domain.operators import Role
from selfcare.pilot.analysis import analyze
from selfcare.pilot.pilot_store import PilotStore
from selfcare.pilot.settings import PilotSettings
from selfcare.pilot.simulate import Scenario, simulate
from selfcare.program.load import bundled_example
from tests.integration.console_fixtures import Console, console

pytestmark = pytest.mark.integration
__all__ = ["console"]


def _simulated_pilot(store: PilotStore) -> None:
    """A small simulated pilot stored as `pilot assign`, `invite` and `analyze` would."""
    _, assignments, events, _ = simulate(Scenario(customers=600, months=3, pre_months=3))
    store.save_assignments(assignments)
    treated = assignments.loc[assignments["arm"] == "treatment", "customer_id"]
    codes = pd.DataFrame(
        {"customer_id": treated, "code": [f"CODE-{c}" for c in treated], "expires_on": "2025-03-31"}
    )
    store.save_invitations(codes)
    events["occurred_at"] = pd.to_datetime(events["occurred_at"], utc=True)
    document = analyze(
        program=bundled_example(),
        settings=PilotSettings(pre_months=3),
        assignments=assignments,
        events=events.assign(direction=None, reached_agent=None),
        start=date(2025, 1, 1),
        end=date(2025, 4, 1),
    )
    store.save_analysis(document)


def test_without_a_pilot_in_the_database_the_page_says_it_is_not_set_up(console: Console) -> None:
    page = console.logged_in(Role.VIEWER).get("/operator/pilot?lang=en")
    assert page.status_code == 200
    assert "The pilot is not set up yet." in page.text


def test_the_page_shows_arms_invitations_srm_and_the_latest_analysis(console: Console) -> None:
    store = PilotStore(console.app.uow, "spring", clock=lambda: datetime(2025, 4, 2, tzinfo=UTC))
    _simulated_pilot(store)
    counts = store.counts()
    viewer = console.logged_in(Role.VIEWER)
    page = viewer.get("/operator/pilot?lang=en")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Pilot spring" in text
    assert f'<td class="num">{counts.arms["control"]}</td>' in text
    assert f"{counts.invitations_sent} sent, 0 accepted" in text
    assert "No mismatch" in text
    assert 'class="verdict"' in text
    assert text.count("data:image/png;base64,") == 2
    assert "Analysed on 2025-04-02 00:00 UTC for 2025-01-01 to 2025-04-01" in text
    full = viewer.get("/operator/pilot/spring/report?lang=de")
    assert full.status_code == 200
    assert "Entscheidung" in full.text
    assert "<script" not in full.text


def test_a_skewed_split_raises_the_srm_alarm_on_the_page(console: Console) -> None:
    store = PilotStore(console.app.uow, "skewed")
    arms = ["control"] * 600 + ["treatment"] * 400
    store.save_assignments(
        pd.DataFrame(
            {
                "customer_id": [f"k{i}" for i in range(1000)],
                "arm": arms,
                "stratum": "all",
                "wave": 1,
                "assigned_at": "2025-01-01",
            }
        )
    )
    page = console.logged_in(Role.VIEWER).get("/operator/pilot")
    assert "ALARM" in page.text
    assert "Noch keine Auswertung gespeichert" in page.text
    missing = console.logged_in(Role.VIEWER).get("/operator/pilot/skewed/report")
    assert missing.status_code == 404


def test_the_pilot_pages_need_a_login(console: Console) -> None:
    anonymous = console.client()
    for path in ("/operator/pilot", "/operator/pilot/spring/report"):
        answer = anonymous.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/operator/login")
