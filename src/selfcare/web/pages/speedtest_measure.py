"""The browser speed test selfcare serves, as a FastAPI router for any app to mount.

LibreSpeed's pattern, adapted to the regulator: incompressible random 1 MiB chunks for the
download (`garbage`, chunk count chosen by the client, capped), an upload that is read and
discarded (`empty`), a ping, the client's IP, and a page whose ES5 script (it must run in
Internet Explorer 11) runs several parallel streams, drops the warm-up and reports TCP
payload (factor 1, not LibreSpeed's 1.06). LAN measurements build a protocol-conformant
series over days (series.py).

What is stored is what the server saw: the page first asks for a test id (`tests`,
bound to the logged-in customer), every download and upload carries it, and the server
counts their bytes on its own clock (speedcheck/traffic.py). A posted result names its
test; without matching traffic it is refused. The browser's figures are answered beside
the server's, never stored in their place.

Routes live at module level; what they serve with (the speed-check service, how the
customer is known, sizes) is a `SpeedtestSite` that `install_speedtest` puts on the app.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import ClientDisconnect

from selfcare.domain.events import MAX_ID_LENGTH as MAX_CUSTOMER_LENGTH
from selfcare.domain.speedcheck.models import Connection, Measurement
from selfcare.domain.speedcheck.report import verdict_to_json
from selfcare.domain.speedcheck.schedule import Schedule
from selfcare.speedcheck.evidence import render_evidence
from selfcare.speedcheck.service import Reading, Result, SpeedCheck
from selfcare.speedcheck.traffic import Direction, NoTraffic, Tally, UnknownTest, warmups
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.problem_page import problem_page
from selfcare.web.pages.speedtest_measure_texts import PAGE, script_texts

CHUNK_BYTES = 1 << 20
PIECE_BYTES = 1 << 16  # the server counts served bytes in pieces this small
TEST_ID_LENGTH = 64
NO_STORE = {"Cache-Control": "no-store, no-cache, must-revalidate, max-age=0", "Pragma": "no-cache"}
HERE = Path(__file__).parent
SCRIPT = (HERE / "static" / "speedtest.js").read_text(encoding="utf-8")
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())


@dataclass(frozen=True)
class SpeedtestSettings:
    """Sizes and timings of the test (the regulator's client: 4 TCP streams, 10 s)."""

    max_chunks: int = 128
    chunks_per_request: int = 100
    max_upload_bytes: int = 32 * CHUNK_BYTES
    upload_bytes: int = 4 * CHUNK_BYTES
    # Where upload progress events are unusable (IE11, old Edge, Safari) the page uploads
    # chunks this small, each timed by its request's onload (LibreSpeed's workaround).
    upload_chunk_bytes: int = 256 * 1024
    force_chunked_upload: bool = False
    down_streams: int = 4
    up_streams: int = 4
    stagger_ms: int = 300
    pings: int = 10


@dataclass(frozen=True)
class SpeedtestSite:
    """What the routes serve with, set on the hosting app by `install_speedtest`.

    `customer` names the logged-in customer from the request (a session cookie in the
    service, `?customer=` in demos and tests); every route that costs the operator
    something depends on it, the transfers (`garbage`, `empty`) too: nobody else may draw
    on the operator's bandwidth. `links` adds (url, label) links of the hosting service to
    the page (overview, logout); `csrf` gives the token the page's script sends as
    `X-CSRF-Token` with its results.
    """

    service: SpeedCheck
    customer: Callable[[Request], str]
    settings: SpeedtestSettings = SpeedtestSettings()
    links: Callable[[Request, str], list[tuple[str, str]]] | None = None
    csrf: Callable[[Request], str] | None = None


class ResultIn(BaseModel):
    """What the page posts after a measurement: the test it ran, and the browser's own
    figures (kbit/s of TCP payload, factor 1), shown beside the server's."""

    model_config = ConfigDict(extra="forbid")

    test_id: str = Field(min_length=1, max_length=TEST_ID_LENGTH)
    download_kbps: int = Field(ge=0, le=100_000_000)
    upload_kbps: int = Field(ge=0, le=100_000_000)
    ping_ms: int | None = Field(default=None, ge=0, le=60_000)
    connection: Literal["lan", "wlan"]
    new_series: bool = False

    def reading(self) -> Reading:
        return Reading(
            self.download_kbps, self.upload_kbps, self.ping_ms, Connection(self.connection)
        )


class TestStartedRead(BaseModel):
    """A test the server issued: send its id with every transfer and with the result."""

    __test__ = False  # not a pytest class, despite the name

    test_id: str
    warmup_down_ms: int
    warmup_up_ms: int


class FiguresRead(BaseModel):
    """Speeds of one test as one side measured them (kbit/s of TCP payload)."""

    download_kbps: int
    upload_kbps: int


class ScheduleRead(BaseModel):
    """Where the series stands and when the next measurement may be taken."""

    state: str
    count: int
    days: int
    allowed_from: str | None = Field(description="ISO 8601, as the page's script reads it.")
    allowed_until: str | None
    text: str


class MeasurementRead(BaseModel):
    """One stored measurement as the page shows it."""

    measured_at: str = Field(description="ISO 8601 with the offset it was taken in.")
    download_kbps: int
    upload_kbps: int
    ping_ms: int | None
    connection: Literal["lan", "wlan"]
    series_id: str | None


class StatusRead(ScheduleRead):
    """The series' schedule and, with contract figures, its verdict."""

    verdict: dict[str, Any] | None


class ResultRead(BaseModel):
    """The answer to a posted result: stored (the server's figures), whether it counts,
    the series now, and the browser's own figures beside the server's."""

    stored: bool
    counted: bool
    number: int | None
    message: str
    measurement: MeasurementRead
    client: FiguresRead = Field(description="The browser's figures: shown, never stored.")
    schedule: ScheduleRead
    verdict: dict[str, Any] | None


def install_speedtest(api: FastAPI, site: SpeedtestSite, *, prefix: str = "/speedtest") -> None:
    """Serve the speed test on `api` under `prefix`, with `site`'s service and customer."""
    api.state.speedtest = site
    api.include_router(router, prefix=prefix, include_in_schema=False)


def customer_from_query(request: Request) -> str:
    """Demo and test stand-in for authentication: the customer named in `?customer=`."""
    customer = request.query_params.get("customer", "")
    if not 1 <= len(customer) <= MAX_CUSTOMER_LENGTH:
        raise HTTPException(status_code=422, detail="customer: 1 to 128 characters required")
    return customer


def _site(request: Request) -> SpeedtestSite:
    site: SpeedtestSite = request.app.state.speedtest
    return site


def _customer(request: Request) -> str:
    return _site(request).customer(request)


Site = Annotated[SpeedtestSite, Depends(_site)]
CustomerId = Annotated[str, Depends(_customer)]
PageLang = Annotated[Lang, Depends(page_language)]
router = APIRouter()


def _random_chunks(count: int, tally: Tally) -> Iterator[bytes]:
    """Fresh random bytes: nothing on the way can compress or cache them. A piece is
    counted when the server is asked for the next one, i.e. once it was handed on; a
    transfer the browser aborts never counts its last piece."""
    for _ in range(count * CHUNK_BYTES // PIECE_BYTES):
        yield os.urandom(PIECE_BYTES)
        tally.add(PIECE_BYTES)


def _tally(site: SpeedtestSite, test: str, customer_id: str, direction: Direction) -> Tally:
    try:
        return site.service.tally(test, customer_id, direction)
    except UnknownTest as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


TestParam = Annotated[str, Query(min_length=1, max_length=TEST_ID_LENGTH)]


@router.get("/", response_class=HTMLResponse, name="speedtest_page")
def page(
    request: Request,
    site: Site,
    customer_id: CustomerId,
    lang: PageLang,
    duration: Annotated[int, Query(ge=2, le=15)] = 10,
) -> HTMLResponse:
    """The test page; its ES5 script runs the measurement and posts the result."""
    seen = site.service.overview(customer_id)
    config = _page_config(request, site.settings, lang, duration)
    config["csrf"] = site.csrf(request) if site.csrf else ""
    html = _ENV.get_template("speedtest.html").render(
        lang=lang,
        t=PAGE[lang],
        schedule_text=seen.schedule.text.get(lang),
        config_json=_script_json(config),
        script_url=_path(request, "speedtest_script"),
        evidence_url=config["urls"]["evidence"] if seen.contract is not None else None,
        links=site.links(request, lang) if site.links else [],
    )
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/speedtest.js", name="speedtest_script")
def script() -> Response:
    return Response(SCRIPT, media_type="application/javascript; charset=utf-8")


@router.post("/tests", name="speedtest_start", response_model=TestStartedRead)
def start_test(
    site: Site,
    customer_id: CustomerId,
    duration: Annotated[int, Query(ge=2, le=15)] = 10,
) -> TestStartedRead:
    """Issue a test id bound to the logged-in customer; transfers are counted under it."""
    started = site.service.start_test(customer_id, duration_s=duration)
    return TestStartedRead(
        test_id=started.test_id,
        warmup_down_ms=started.warmup_down // timedelta(milliseconds=1),
        warmup_up_ms=started.warmup_up // timedelta(milliseconds=1),
    )


@router.get("/garbage", name="speedtest_garbage")
def garbage(
    site: Site,
    customer_id: CustomerId,
    test: TestParam,
    chunks: Annotated[int, Query(alias="ckSize", ge=1)] = 4,
) -> StreamingResponse:
    """`chunks` MiB of random bytes (at most the site's `max_chunks`) for an open test of
    the customer; the server counts what it hands on."""
    if chunks > site.settings.max_chunks:
        raise HTTPException(status_code=422, detail=f"ckSize: at most {site.settings.max_chunks}")
    tally = _tally(site, test, customer_id, Direction.DOWN)
    headers = {**NO_STORE, "Content-Length": str(chunks * CHUNK_BYTES)}
    return StreamingResponse(
        _random_chunks(chunks, tally), media_type="application/octet-stream", headers=headers
    )


@router.post("/empty", name="speedtest_upload")
async def upload(
    request: Request, site: Site, customer_id: CustomerId, test: TestParam
) -> Response:
    """Read, count and discard an upload stream of an open test of the customer (413
    beyond what the test needs)."""
    tally = _tally(site, test, customer_id, Direction.UP)
    received = 0
    try:
        async for part in request.stream():
            received += len(part)
            if received > site.settings.max_upload_bytes:
                raise HTTPException(status_code=413, detail="upload larger than the test needs")
            tally.add(len(part))
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


@router.get("/status", name="speedtest_status", response_model=StatusRead)
def series_status(site: Site, customer_id: CustomerId, lang: PageLang) -> StatusRead:
    """Where the customer's series stands now, and its verdict (reads only)."""
    seen = site.service.overview(customer_id)
    verdict = verdict_to_json(seen.verdict, lang) if seen.verdict else None
    return StatusRead(**schedule_read(seen.schedule, lang).model_dump(), verdict=verdict)


@router.post("/results", name="speedtest_results", response_model=ResultRead)
def results(body: ResultIn, site: Site, customer_id: CustomerId, lang: PageLang) -> ResultRead:
    """Store what the server measured for the named test (404: no such open test of
    this customer; 422: the server saw no traffic for it); the answer says whether it
    counts for the series, and shows the browser's figures beside."""
    try:
        result = site.service.record(
            customer_id, body.test_id, body.reading(), new_series=body.new_series
        )
    except UnknownTest as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except NoTraffic as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return result_read(result, lang)


def result_read(result: Result, lang: str) -> ResultRead:
    recorded = result.recorded
    return ResultRead(
        stored=True,
        counted=recorded.counted,
        number=recorded.number,
        message=recorded.text.get(lang),
        measurement=measurement_read(recorded.measurement),
        client=FiguresRead(
            download_kbps=result.client.download_kbps, upload_kbps=result.client.upload_kbps
        ),
        schedule=schedule_read(recorded.schedule, lang),
        verdict=verdict_to_json(result.verdict, lang) if result.verdict else None,
    )


@router.get("/evidence", response_class=HTMLResponse, name="speedtest_evidence")
def evidence(request: Request, site: Site, customer_id: CustomerId, lang: PageLang) -> Response:
    """The printable evidence of the current series; without series or contract 404, as a
    readable page for a browser and as problem+json for an API client."""
    series, verdict = site.service.judged(customer_id)
    if verdict is None:
        links = site.links(request, lang) if site.links else None
        detail = "no series or no contract to judge"
        return problem_page(
            request, status=404, problem="no_evidence", detail=detail, lang=lang, links=links
        )
    html = render_evidence(
        series, verdict, generated_at=site.service.clock(), lang=lang, customer_id=customer_id
    )
    return HTMLResponse(html, headers=NO_STORE)


def _path(request: Request, name: str, query: str = "") -> str:
    path = request.url_for(name).path
    return f"{path}?{query}" if query else path


def _page_config(
    request: Request, settings: SpeedtestSettings, lang: str, duration: int
) -> dict[str, Any]:
    """What the page's script needs; the page's own query (e.g. the customer) is passed on."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "duration"])
    down, up = warmups(duration)
    return {
        "lang": lang,
        "urls": {
            name: _path(request, f"speedtest_{name}", query)
            for name in (
                "start",
                "garbage",
                "upload",
                "ping",
                "ip",
                "status",
                "results",
                "evidence",
            )
        },
        "durationMs": duration * 1000,
        "warmupDownMs": down // timedelta(milliseconds=1),
        "warmupUpMs": up // timedelta(milliseconds=1),
        "downStreams": settings.down_streams,
        "upStreams": settings.up_streams,
        "staggerMs": settings.stagger_ms,
        "chunks": min(settings.chunks_per_request, settings.max_chunks),
        "uploadBytes": settings.upload_bytes,
        "uploadChunkBytes": settings.upload_chunk_bytes,
        "forceChunkedUpload": settings.force_chunked_upload,
        "pings": settings.pings,
        "texts": script_texts(lang),
    }


def _script_json(config: dict[str, Any]) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(config, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def schedule_read(schedule: Schedule, lang: str) -> ScheduleRead:
    return ScheduleRead(
        state=schedule.state.value,
        count=schedule.count,
        days=schedule.days,
        allowed_from=schedule.allowed_from.isoformat() if schedule.allowed_from else None,
        allowed_until=schedule.allowed_until.isoformat() if schedule.allowed_until else None,
        text=schedule.text.get(lang),
    )


def measurement_read(item: Measurement) -> MeasurementRead:
    return MeasurementRead(
        measured_at=item.measured_at.isoformat(),
        download_kbps=item.download_kbps,
        upload_kbps=item.upload_kbps,
        ping_ms=item.ping_ms,
        connection=item.connection.value,
        series_id=item.series_id,
    )
