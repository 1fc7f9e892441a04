"""The browser speed test selfcare serves, as a FastAPI router for any app to mount.

LibreSpeed's pattern, adapted to the regulator: incompressible random 1 MiB chunks for the
download (`garbage`, chunk count chosen by the client, capped), an upload that is read and
discarded (`empty`), a ping, the client's IP, and a page whose ES5 script (it must run in
Internet Explorer 11) runs several parallel streams, drops the warm-up and reports TCP
payload (factor 1, not LibreSpeed's 1.06). Results are posted back and stored for the
customer; LAN measurements build a protocol-conformant series over days (series.py).

No `from __future__ import annotations` here: FastAPI reads the route signatures at
runtime, and the customer dependency is a variable of the factory.
"""

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import ClientDisconnect

from selfcare.domain.events import Event
from selfcare.domain.speedcheck.models import Connection, Contract, Measurement
from selfcare.domain.speedcheck.report import verdict_to_json
from selfcare.domain.speedcheck.schedule import Schedule, SeriesState
from selfcare.domain.speedcheck.verdict import Verdict, judge
from selfcare.speedcheck.evidence import deviation_event, render_evidence
from selfcare.speedcheck.series import MeasurementStore, current_series, record, status
from selfcare.web.pages.speedtest_measure_texts import PAGE, script_texts

CHUNK_BYTES = 1 << 20
NO_STORE = {"Cache-Control": "no-store, no-cache, must-revalidate, max-age=0", "Pragma": "no-cache"}
HERE = Path(__file__).parent
SCRIPT = (HERE / "static" / "speedtest.js").read_text(encoding="utf-8")
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())
Lang = Literal["de", "en"]


@dataclass(frozen=True)
class SpeedtestSettings:
    """Sizes and timings of the test (the regulator's client: 4 TCP streams, 10 s)."""

    max_chunks: int = 256
    chunks_per_request: int = 100
    max_upload_bytes: int = 256 * CHUNK_BYTES
    upload_bytes: int = 4 * CHUNK_BYTES
    down_streams: int = 4
    up_streams: int = 4
    stagger_ms: int = 300
    pings: int = 10


class ResultIn(BaseModel):
    """What the page posts after a measurement (kbit/s of TCP payload, factor 1)."""

    model_config = ConfigDict(extra="forbid")

    download_kbps: int = Field(ge=0, le=100_000_000)
    upload_kbps: int = Field(ge=0, le=100_000_000)
    ping_ms: int | None = Field(default=None, ge=0, le=60_000)
    connection: Literal["lan", "wlan"]
    elapsed_ms: int = Field(default=0, ge=0, le=600_000)
    new_series: bool = False


def customer_from_query(customer: Annotated[str, Query(min_length=1, max_length=128)]) -> str:
    """Demo and test stand-in for authentication: the customer named in `?customer=`."""
    return customer


def lang_from_query(language: Annotated[Lang, Query(alias="lang")] = "de") -> str:
    """The page language from `?lang=` (German unless asked otherwise)."""
    return language


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _random_chunks(count: int) -> Iterator[bytes]:
    """Fresh random bytes per chunk: nothing on the way can compress or cache them."""
    for _ in range(count):
        yield os.urandom(CHUNK_BYTES)


def build_speedtest_router(
    store: MeasurementStore,
    *,
    customer: Callable[..., str],
    contract_for: Callable[[str], Contract | None] | None = None,
    on_deviation: Callable[[Event], None] | None = None,
    clock: Callable[[], datetime] = _utc_now,
    settings: SpeedtestSettings = SpeedtestSettings(),
    language: Callable[..., str] = lang_from_query,
    links: Callable[[Request, str], list[tuple[str, str]]] | None = None,
) -> APIRouter:
    """Routes of the speed test; mount with a trailing-slash prefix such as `/speedtest`.

    `customer` is the FastAPI dependency that names the logged-in customer; `contract_for`
    enables the verdict and the evidence page; `on_deviation` receives the
    `speedcheck_deviation` event when a series completes with a proven deviation.
    `language` is the dependency that picks `de` or `en`; `links` adds (url, label) links
    of the hosting service to the page (overview, logout).
    """
    router = APIRouter()
    customer_id_type = Annotated[str, Depends(customer)]
    lang_type = Annotated[str, Depends(language)]

    def verdict_for(customer_id: str, series: list[Measurement]) -> Verdict | None:
        contract = contract_for(customer_id) if contract_for else None
        return judge(series, contract) if contract is not None and series else None

    @router.get("/", response_class=HTMLResponse, name="speedtest_page")
    def page(
        request: Request,
        customer_id: customer_id_type,
        lang: lang_type,
        duration: Annotated[int, Query(ge=2, le=15)] = 10,
    ) -> HTMLResponse:
        schedule = status(store, customer_id, clock())
        config = _page_config(request, settings, lang, duration)
        has_contract = contract_for is not None and contract_for(customer_id) is not None
        html = _ENV.get_template("speedtest.html").render(
            lang=lang,
            t=PAGE[lang],
            schedule_text=schedule.text.get(lang),
            config_json=_script_json(config),
            script_url=_path(request, "speedtest_script"),
            evidence_url=config["urls"]["evidence"] if has_contract else None,
            links=links(request, lang) if links else [],
        )
        return HTMLResponse(html, headers=NO_STORE)

    @router.get("/speedtest.js", name="speedtest_script")
    def script() -> Response:
        return Response(SCRIPT, media_type="application/javascript; charset=utf-8")

    @router.get("/garbage", name="speedtest_garbage")
    def garbage(
        chunks: Annotated[int, Query(alias="ckSize", ge=1, le=settings.max_chunks)] = 4,
    ) -> StreamingResponse:
        headers = {**NO_STORE, "Content-Length": str(chunks * CHUNK_BYTES)}
        return StreamingResponse(
            _random_chunks(chunks), media_type="application/octet-stream", headers=headers
        )

    @router.post("/empty", name="speedtest_upload")
    async def upload(request: Request) -> Response:
        received = 0
        try:
            async for part in request.stream():
                received += len(part)
                if received > settings.max_upload_bytes:
                    raise HTTPException(status_code=413, detail="upload larger than the test needs")
        except ClientDisconnect:  # the page aborts its uploads when the test time is up
            pass
        return Response(status_code=200, headers=NO_STORE)

    @router.get("/ping", name="speedtest_ping")
    @router.get("/empty", name="speedtest_empty")
    def ping() -> Response:
        return Response(b"", headers=NO_STORE)

    @router.get("/ip", name="speedtest_ip")
    def client_ip(request: Request) -> dict[str, str | None]:
        return {"ip": request.client.host if request.client else None}

    @router.get("/status", name="speedtest_status")
    def series_status(customer_id: customer_id_type, lang: lang_type) -> dict[str, Any]:
        series = current_series(store.list(customer_id))
        doc = schedule_json(status(store, customer_id, clock()), lang)
        verdict = verdict_for(customer_id, series)
        doc["verdict"] = verdict_to_json(verdict, lang) if verdict else None
        return doc

    @router.post("/results", name="speedtest_results")
    def results(body: ResultIn, customer_id: customer_id_type, lang: lang_type) -> dict[str, Any]:
        now = clock()
        measurement = Measurement(
            now - timedelta(milliseconds=body.elapsed_ms),
            body.download_kbps,
            body.upload_kbps,
            body.ping_ms,
            Connection(body.connection),
            source="browser",
            test_id=uuid.uuid4().hex,
        )
        recorded = record(store, customer_id, measurement, new_series=body.new_series)
        verdict = verdict_for(customer_id, recorded.series)
        just_completed = recorded.counted and recorded.schedule.state is SeriesState.COMPLETE
        if verdict is not None and just_completed and on_deviation is not None:
            event = deviation_event(customer_id, recorded.series, verdict, recorded_at=now)
            if event is not None:
                on_deviation(event)
        return {
            "stored": True,
            "counted": recorded.counted,
            "number": recorded.number,
            "message": recorded.text.get(lang),
            "measurement": measurement_json(recorded.measurement),
            "schedule": schedule_json(recorded.schedule, lang),
            "verdict": verdict_to_json(verdict, lang) if verdict else None,
        }

    @router.get("/evidence", response_class=HTMLResponse, name="speedtest_evidence")
    def evidence(customer_id: customer_id_type, lang: lang_type) -> HTMLResponse:
        series = current_series(store.list(customer_id))
        verdict = verdict_for(customer_id, series)
        if verdict is None:
            raise HTTPException(status_code=404, detail="no series or no contract to judge")
        html = render_evidence(
            series, verdict, generated_at=clock(), lang=lang, customer_id=customer_id
        )
        return HTMLResponse(html)

    return router


def _path(request: Request, name: str, query: str = "") -> str:
    path = request.url_for(name).path
    return f"{path}?{query}" if query else path


def _page_config(
    request: Request, settings: SpeedtestSettings, lang: str, duration: int
) -> dict[str, Any]:
    """What the page's script needs; the page's own query (e.g. the customer) is passed on."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "duration"])
    return {
        "lang": lang,
        "urls": {
            name: _path(request, f"speedtest_{name}", query)
            for name in ("garbage", "upload", "ping", "ip", "status", "results", "evidence")
        },
        "durationMs": duration * 1000,
        "warmupDownMs": min(1500, duration * 250),
        "warmupUpMs": min(3000, duration * 300),
        "downStreams": settings.down_streams,
        "upStreams": settings.up_streams,
        "staggerMs": settings.stagger_ms,
        "chunks": min(settings.chunks_per_request, settings.max_chunks),
        "uploadBytes": settings.upload_bytes,
        "pings": settings.pings,
        "texts": script_texts(lang),
    }


def _script_json(config: dict[str, Any]) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(config, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def schedule_json(schedule: Schedule, lang: str) -> dict[str, Any]:
    return {
        "state": schedule.state.value,
        "count": schedule.count,
        "days": schedule.days,
        "allowed_from": schedule.allowed_from.isoformat() if schedule.allowed_from else None,
        "allowed_until": schedule.allowed_until.isoformat() if schedule.allowed_until else None,
        "text": schedule.text.get(lang),
    }


def measurement_json(item: Measurement) -> dict[str, Any]:
    return {
        "measured_at": item.measured_at.isoformat(),
        "download_kbps": item.download_kbps,
        "upload_kbps": item.upload_kbps,
        "ping_ms": item.ping_ms,
        "connection": item.connection.value,
        "series_id": item.series_id,
    }
