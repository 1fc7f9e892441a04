"""The browser speed test measured for real: headless Chromium against uvicorn on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI

from selfcare.domain.speedcheck.models import Connection
from selfcare.speedcheck.series import InMemoryMeasurementStore
from selfcare.speedcheck.service import SpeedCheck
from selfcare.web.pages.speedtest_measure import (
    SpeedtestSite,
    customer_from_query,
    install_speedtest,
)
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, ONE_TBIT_IN_KBPS, needs_chromium
from tests.integration.api_fixtures import live_server

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]


@dataclass
class Served:
    base: str
    store: InMemoryMeasurementStore


def morning_clock() -> Callable[[], datetime]:
    """The real clock moved to 10:00 in Berlin today: a series may start whatever the hour the
    suite runs (after 20:20 a new measuring day no longer fits), while the server still times
    transfers by real elapsed time."""
    berlin = ZoneInfo("Europe/Berlin")
    today = datetime.now(berlin).date()
    offset = datetime.combine(today, time(10), tzinfo=berlin) - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


@pytest.fixture
def served() -> Iterator[Served]:
    """The speed test router in a small app, on a free loopback port, in a server thread."""
    store = InMemoryMeasurementStore()
    app = FastAPI()
    service = SpeedCheck(store, clock=morning_clock())
    install_speedtest(app, SpeedtestSite(service, customer=customer_from_query))
    with live_server(app) as base:
        yield Served(base, store)


def test_the_page_measures_loopback_by_cable_and_stores_the_result(served: Served) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{served.base}/speedtest/?customer=e2e&lang=en&duration=2")
            page.wait_for_selector("body[data-state=ready]")
            page.click("#sc-start")
            assert page.inner_text("#sc-status") == "Please choose first: LAN cable or WLAN."
            page.check("#sc-lan")
            page.click("#sc-start")
            page.wait_for_selector("body[data-state=done]", timeout=90_000)
            status = page.inner_text("#sc-status")
            shown_download = page.inner_text("#sc-download")
            ip = page.inner_text("#sc-ip")
        finally:
            browser.close()
    [stored] = served.store.list("e2e")
    assert status == "Stored as measurement 1 of 30 of the series."
    assert stored.connection is Connection.LAN
    assert stored.series_id is not None
    assert 0 < stored.download_kbps < ONE_TBIT_IN_KBPS
    assert 0 < stored.upload_kbps < ONE_TBIT_IN_KBPS
    assert stored.ping_ms is not None
    # the server's figure first (what is stored), the browser's own beside it
    assert shown_download.startswith(f"{stored.download_kbps / 1000:.2f} Mbit/s (")
    assert "your browser measured" in shown_download
    assert ip == "127.0.0.1"


IE11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"


def test_a_browser_without_usable_upload_progress_uploads_in_chunks(served: Served) -> None:
    """Claiming to be IE11, the page times the upload by chunks' onload and still stores it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(user_agent=IE11)
            page.goto(f"{served.base}/speedtest/?customer=ie&lang=en&duration=2")
            page.wait_for_selector("body[data-state=ready]")
            mode = page.get_attribute("body", "data-upload")
            page.check("#sc-wlan")
            page.click("#sc-start")
            page.wait_for_selector("body[data-state=done]", timeout=90_000)
        finally:
            browser.close()
    [stored] = served.store.list("ie")
    assert mode == "chunks"
    assert 0 < stored.upload_kbps < ONE_TBIT_IN_KBPS
