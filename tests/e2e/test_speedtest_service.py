"""The speed test as the service serves it: headless Chromium logs in with a customer token
(plain form, session cookie), measures once on the real page against uvicorn on 127.0.0.1, and the
measurement lands in the service's database and on the customer's overview page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from selfcare.auth.service import create_customer_token
from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.domain.speedcheck.models import BERLIN, Connection
from selfcare.grants.charging import FakeChargingClient
from selfcare.speedcheck.storage import UnitOfWorkMeasurementStore
from selfcare.web.app import create_app
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, ONE_TBIT_IN_KBPS, needs_chromium
from tests.integration.api_fixtures import live_server

# The service's clock: a Monday morning, so a new series may start with this measurement.
MONDAY_MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]


def monday_morning_running() -> Callable[[], datetime]:
    """A clock that starts on Monday morning and runs in real time: the server times the
    test's transfers on it (a clock standing still would see no speed at all)."""
    started = time.monotonic()
    return lambda: MONDAY_MORNING + timedelta(seconds=time.monotonic() - started)


@dataclass
class Service:
    base: str
    app: App


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """The whole service app (SQLite file, fixed clock) on a free loopback port."""
    wired = build(
        Settings(database_url=f"sqlite:///{tmp_path / 'selfcare.db'}"),
        charging=FakeChargingClient(),
        clock=monday_morning_running(),
    )
    try:
        with live_server(create_app(wired)) as url:
            yield Service(url, wired)
    finally:
        wired.close()


def test_a_customer_logs_in_measures_on_the_served_page_and_finds_it_stored(
    service: Service,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    token = create_customer_token(uow=service.app.uow, customer_id="e2e-customer").token
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{service.base}/speedtest/login?lang=en")
            page.fill("#token", token)
            page.click("button[type=submit]")
            page.wait_for_url("**/speedtest/series?lang=en")
            measure_href = page.get_attribute("#measure", "href")
            cookies = page.context.cookies()
            page.goto(f"{service.base}{measure_href}&duration=2")
            page.wait_for_selector("body[data-state=ready]")
            page.check("#sc-lan")
            page.click("#sc-start")
            page.wait_for_selector("body[data-state=done]", timeout=90_000)
            status = page.inner_text("#sc-status")
            page.goto(f"{service.base}/speedtest/series?lang=en")
            schedule_count = page.get_attribute("#schedule", "data-count")
            rows = page.locator("#series-measurements tr").count()
        finally:
            browser.close()
    [cookie] = [c for c in cookies if c["name"] == "selfcare_session"]
    assert cookie["httpOnly"] is True
    assert cookie["path"] == "/"
    assert measure_href == "/speedtest/?lang=en"
    assert status == "Stored as measurement 1 of 30 of the series."
    assert schedule_count == "1"
    assert rows == 2  # the header and the one measurement
    [stored] = UnitOfWorkMeasurementStore(service.app.uow).list("e2e-customer")
    assert stored.connection is Connection.LAN
    assert stored.series_id is not None
    assert stored.source == "browser"
    assert 0 < stored.download_kbps < ONE_TBIT_IN_KBPS
    assert 0 < stored.upload_kbps < ONE_TBIT_IN_KBPS
    assert stored.ping_ms is not None
