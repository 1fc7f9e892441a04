"""The speed test routes: incompressible downloads, discarded uploads, stored results, IE11 page."""

from __future__ import annotations

import asyncio
import json
import re
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import esprima
import httpx
import pytest
from fastapi import FastAPI

from selfcare.domain.events import Event, EventType
from selfcare.domain.speedcheck.models import BERLIN, Connection
from selfcare.speedcheck.series import InMemoryMeasurementStore
from selfcare.speedcheck.service import SpeedCheck
from selfcare.web.pages.speedtest_measure import (
    SpeedtestSettings,
    SpeedtestSite,
    customer_from_query,
    install_speedtest,
)
from tests.speedtest_traffic import measured, run_traffic
from tests.unit.speedcheck.speedcheck_builders import CONTRACT
from tests.unit.speedcheck.speedcheck_es5 import es5_violations

SCRIPT = Path(__file__).resolve().parents[3] / "src/selfcare/web/pages/static/speedtest.js"
MiB = 1 << 20


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGITransport is async-only; each request runs on a fresh event loop."""

    def __init__(self, app: FastAPI) -> None:
        self._inner = httpx.ASGITransport(app=app, client=("192.0.2.7", 50000))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return asyncio.run(send())


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class EventsSeen:
    """The deviation events offered, in a list (the service hands them to ingest)."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def offer(self, event: Event) -> None:
        self.events.append(event)

    def stored(self, event_id: str) -> bool:
        return any(e.event_id == event_id for e in self.events)


def client_for(
    store: InMemoryMeasurementStore,
    clock: Clock | None = None,
    events: list[Event] | None = None,
    *,
    with_contract: bool = True,
    settings: SpeedtestSettings | None = None,
) -> httpx.Client:
    app = FastAPI()
    service = SpeedCheck(
        store=store,
        contracts=lambda _: CONTRACT if with_contract else None,
        deviations=EventsSeen(events) if events is not None else None,
        clock=clock or Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN)),
    )
    site = SpeedtestSite(
        service, customer=customer_from_query, settings=settings or SpeedtestSettings()
    )
    install_speedtest(app, site)
    return httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver")


C1 = {"customer": "c1"}
C1_EN = {"customer": "c1", "lang": "en"}


def open_test(client: httpx.Client, customer: str = "c1") -> str:
    answer = client.post("/speedtest/tests", params={"customer": customer})
    assert answer.status_code == 200, answer.text
    test_id: str = answer.json()["test_id"]
    return test_id


def result(download: int, connection: str = "lan", **extra: Any) -> dict[str, Any]:
    return {
        "test_id": "t",
        "download_kbps": download,
        "upload_kbps": 38_000,
        "ping_ms": 9,
        "connection": connection,
        **extra,
    }


def test_plain_esprima_accepts_es2015_so_an_es5_gate_is_needed() -> None:
    esprima.parseScript("let a = () => `x`;")  # no error: esprima 4 speaks ES2017
    assert es5_violations("let a = () => `x`;") == [
        "line 1: let",
        "line 1: arrow function",
        "line 1: template string",
    ]
    assert es5_violations("const p = new Promise(function () {}); fetch(u);") == [
        "line 1: const",
        "line 1: Promise",
        "line 1: fetch",
    ]


def test_the_page_script_is_es5_and_uses_xmlhttprequest_only() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert es5_violations(source) == []
    assert "XMLHttpRequest" in source
    numbers = {token.value for token in esprima.tokenize(source) if token.type == "Numeric"}
    assert "1.06" not in numbers  # payload is reported as measured, no LibreSpeed mark-up


def test_the_upload_falls_back_to_chunks_timed_by_onload_where_progress_is_unusable() -> None:
    """LibreSpeed's IE11/Edge/Safari workaround: small chunks, each counted at `onload`."""
    source = SCRIPT.read_text(encoding="utf-8")
    tree = esprima.parseScript(source)
    names = {
        node.id.name
        for node in _walk(tree)
        if node.type == "FunctionDeclaration" and node.id is not None
    }
    assert "uploadProgressUnusable" in names
    for browser in ("Trident/", "Edge/", "Safari"):
        assert browser in source
    chunked = source[source.index("} else if (chunkedUpload) {") :]
    chunked = chunked[: chunked.index("} else {")]
    assert "xhr.onload" in chunked
    assert "total += payload.chunk.size" in chunked
    assert "onprogress" not in chunked
    assert "config.uploadChunkBytes" in source


def _walk(node: object) -> list[Any]:
    """Every syntax node below `node` (esprima's nodes are plain attribute bags)."""
    found: list[Any] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif hasattr(item, "type") and hasattr(item, "__dict__"):
            found.append(item)
            stack.extend(vars(item).values())
    return found


def test_the_page_offers_cable_or_wlan_and_has_no_inline_script() -> None:
    page = client_for(InMemoryMeasurementStore()).get("/speedtest/?customer=c1&lang=en&duration=3")
    assert page.status_code == 200
    assert 'value="lan"' in page.text
    assert 'value="wlan"' in page.text
    assert re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL) == []
    data = re.findall(
        r'<script type="application/json" id="sc-config">(.*?)</script>', page.text, re.DOTALL
    )
    assert len(data) == 1  # settings as a JSON data block: a CSP without inline script holds
    config = json.loads(data[0])
    assert config["durationMs"] == 3000
    assert config["urls"]["results"] == "/speedtest/results?customer=c1&lang=en"
    assert (config["downStreams"], config["upStreams"]) == (4, 4)
    assert config["uploadChunkBytes"] == 256 * 1024
    assert config["forceChunkedUpload"] is False
    assert "A new series starts with the next measurement by LAN cable" in page.text


def test_the_page_links_the_evidence_only_when_a_contract_is_known() -> None:
    store = InMemoryMeasurementStore()
    with_contract = client_for(store).get("/speedtest/?customer=c1").text
    without = client_for(store, with_contract=False).get("/speedtest/?customer=c1").text
    assert "Nachweis ansehen und drucken" in with_contract
    assert "Nachweis ansehen und drucken" not in without


def test_garbage_is_the_requested_number_of_incompressible_mebibytes() -> None:
    client = client_for(InMemoryMeasurementStore())
    test = open_test(client)
    response = client.get("/speedtest/garbage", params={**C1, "test": test, "ckSize": 2})
    assert response.status_code == 200
    assert len(response.content) == 2 * MiB
    assert response.headers["cache-control"].startswith("no-store")
    assert len(zlib.compress(response.content)) > 0.99 * 2 * MiB
    assert response.content[:MiB] != response.content[MiB:]


def test_garbage_beyond_the_cap_is_refused() -> None:
    client = client_for(InMemoryMeasurementStore(), settings=SpeedtestSettings(max_chunks=8))
    test = open_test(client)
    query = {**C1, "test": test, "ckSize": "9"}
    assert client.get("/speedtest/garbage", params=query).status_code == 422


def test_uploads_are_read_and_discarded_up_to_the_cap() -> None:
    client = client_for(
        InMemoryMeasurementStore(), settings=SpeedtestSettings(max_upload_bytes=MiB)
    )
    query = {**C1, "test": open_test(client)}
    assert client.post("/speedtest/empty", params=query, content=b"x" * MiB).status_code == 200
    too_much = b"x" * (MiB + 1)
    assert client.post("/speedtest/empty", params=query, content=too_much).status_code == 413


def test_ping_and_ip_answer() -> None:
    client = client_for(InMemoryMeasurementStore())
    assert client.get("/speedtest/ping").content == b""
    assert client.get("/speedtest/empty").status_code == 200
    assert client.get("/speedtest/ip").json() == {"ip": "192.0.2.7"}


def test_a_posted_result_is_stored_and_counted_from_when_the_test_started() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    answer = measured(client_for(store, clock), clock, down_kbps=94_000, params=C1_EN)
    assert answer.status_code == 200
    doc = answer.json()
    assert (doc["counted"], doc["number"]) == (True, 1)
    assert doc["message"] == "Stored as measurement 1 of 30 of the series."
    assert doc["schedule"]["text"].startswith(
        "Next measurement (2 of 10 today, no. 2 of 30) from 2025-05-12 08:05"
    )
    [stored] = store.list("c1")
    assert stored.measured_at == datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN)
    assert (stored.download_kbps, stored.connection, stored.source) == (
        94_000,
        Connection.LAN,
        "browser",
    )


def test_a_wlan_result_is_stored_for_the_diagnosis_only() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    doc = measured(
        client_for(store, clock), clock, down_kbps=20_000, connection="wlan", params=C1
    ).json()
    assert (doc["counted"], doc["number"]) == (False, None)
    assert doc["message"].startswith("Gespeichert für die Diagnose.")
    assert store.list("c1")[0].connection is Connection.WLAN


@pytest.mark.parametrize(
    "body",
    [
        result(1, "5g"),
        result(-1),
        {**result(1), "factor": 1.06},
    ],
)
def test_malformed_results_are_refused(body: dict[str, Any]) -> None:
    store = InMemoryMeasurementStore()
    assert client_for(store).post("/speedtest/results?customer=c1", json=body).status_code == 422
    assert store.list("c1") == []


def test_results_need_a_customer() -> None:
    assert (
        client_for(InMemoryMeasurementStore())
        .post("/speedtest/results", json=result(1))
        .status_code
        == 422
    )


def test_a_series_measured_over_days_ends_in_a_verdict_an_event_and_evidence() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    events: list[Event] = []
    client = client_for(store, clock, events)
    last: dict[str, Any] = {}
    for _ in range(30):
        status = client.get("/speedtest/status?customer=c1").json()
        if status["allowed_from"]:
            clock.now = max(clock.now, datetime.fromisoformat(status["allowed_from"]))
        last = measured(client, clock, down_kbps=40_000, params=C1_EN).json()
        assert last["counted"], last["message"]
        clock.now += timedelta(minutes=1)
    assert last["schedule"]["state"] == "complete"
    # A browser test is indicative: no proof, but the operator's hotline pass still follows.
    assert last["verdict"]["evidence"] == "indicative"
    assert last["verdict"]["deviation"] is False
    assert last["verdict"]["indicative_deviation"] is True
    assert last["verdict"]["protocol"]["valid"] is True
    assert last["verdict"]["download"]["failed_criteria"] == ["max", "normal", "min"]
    [event] = events
    assert event.type is EventType.SPEEDCHECK_DEVIATION
    assert event.customer_id == "c1"
    assert event.occurred_at == store.list("c1")[-1].measured_at
    evidence = client.get("/speedtest/evidence?customer=c1&lang=en")
    assert evidence.status_code == 200
    assert evidence.text.count('<td class="num">') >= 30
    assert "The measurements suggest a deviation (Download (max, normal, min))." in evidence.text
    assert "Deviation proven" not in evidence.text


def test_evidence_without_a_contract_is_not_found() -> None:
    client = client_for(InMemoryMeasurementStore(), with_contract=False)
    assert client.get("/speedtest/evidence?customer=c1").status_code == 404


def test_the_stored_speeds_are_what_the_server_timed_and_the_browser_s_stand_beside() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    boast = {"download_kbps": 1_000_000, "upload_kbps": 900_000}
    answer = measured(
        client_for(store, clock), clock, down_kbps=40_000, up_kbps=20_000, claimed=boast, params=C1
    )
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert (doc["measurement"]["download_kbps"], doc["measurement"]["upload_kbps"]) == (
        40_000,
        20_000,
    )
    assert doc["client"] == {"download_kbps": 1_000_000, "upload_kbps": 900_000}
    [stored] = store.list("c1")
    assert (stored.download_kbps, stored.upload_kbps) == (40_000, 20_000)
    assert stored.measured_at == datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN)


def test_a_result_without_traffic_the_server_saw_is_refused_and_not_stored() -> None:
    store = InMemoryMeasurementStore()
    client = client_for(store)
    test = open_test(client)
    answer = client.post("/speedtest/results", params=C1, json={**result(40_000), "test_id": test})
    assert answer.status_code == 422
    assert "no download" in answer.json()["detail"]
    assert store.list("c1") == []


def test_a_result_for_a_test_never_issued_or_issued_to_another_customer_is_refused() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    client = client_for(store, clock)
    theirs = run_traffic(client, clock, down_kbps=40_000, up_kbps=20_000, params={"customer": "c2"})
    for test_id in ("made-up", theirs):
        body = {**result(40_000), "test_id": test_id}
        assert client.post("/speedtest/results", params=C1, json=body).status_code == 404
    assert store.list("c1") == []


def test_a_test_gives_one_result_only() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    client = client_for(store, clock)
    test = run_traffic(client, clock, down_kbps=40_000, up_kbps=20_000, params=C1)
    body = {**result(40_000), "test_id": test}
    assert client.post("/speedtest/results", params=C1, json=body).status_code == 200
    assert client.post("/speedtest/results", params=C1, json=body).status_code == 404
    assert len(store.list("c1")) == 1


def test_transfers_need_an_open_test_of_the_same_customer() -> None:
    client = client_for(InMemoryMeasurementStore())
    theirs = open_test(client, "c2")
    for test in ("made-up", theirs):
        query = {**C1, "test": test}
        assert client.get("/speedtest/garbage", params=query).status_code == 404
        assert client.post("/speedtest/empty", params=query, content=b"x").status_code == 404
    assert client.get("/speedtest/garbage", params=C1).status_code == 422


def test_the_browser_cannot_date_its_measurement() -> None:
    store = InMemoryMeasurementStore()
    clock = Clock(datetime(2025, 5, 12, 8, 0, tzinfo=BERLIN))
    client = client_for(store, clock)
    answer = measured(
        client, clock, down_kbps=40_000, params=C1, claimed={"elapsed_ms": 86_400_000}
    )
    assert answer.status_code == 422
    assert store.list("c1") == []
