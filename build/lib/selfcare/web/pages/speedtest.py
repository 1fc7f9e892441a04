"""The speed check in the service: the browser test, the customer's overview, the evidence.

`mount_speedcheck(api, app)` puts everything under `/speedtest` on the service's app:
helper pages of speedcheck/webtest.py (test page, download/upload/ping/ip, results,
status, evidence) with the customer taken from the login cookie, the service's clock and
database, and a proven deviation handed to the ingest service; the login pages; the
customer's overview (series so far, when the next measurement is allowed, the verdict);
and the operator's contract API. Every page speaks German or English (`?lang=`, else
Accept-Language) and needs no JavaScript except the measurement itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from selfcare.bootstrap import App
from selfcare.domain.speedcheck.models import BERLIN, Contract, Measurement, format_day, format_mbit
from selfcare.domain.speedcheck.report import verdict_to_json
from selfcare.domain.speedcheck.schedule import plan
from selfcare.speedcheck.deviation import DeviationNotice
from selfcare.speedcheck.series import MeasurementStore, current_series
from selfcare.store.speedcheck_repository import SqlMeasurementStore, contract_for
from selfcare.web.api import speedcheck as contract_api
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.speedtest_auth import (
    ENV,
    PREFIX,
    PRIVATE,
    auth_router,
    customer_from_cookie,
    install_login,
)
from selfcare.web.pages.speedtest_measure import build_speedtest_router
from selfcare.web.pages.speedtest_texts import TEXTS

MAX_OTHERS = 50
CustomerId = Annotated[str, Depends(customer_from_cookie)]
PageLang = Annotated[Lang, Depends(page_language)]


def mount_speedcheck(api: FastAPI, app: App) -> None:
    """Serve the speed check for `app`'s customers under `/speedtest` (pages stay out of
    the OpenAPI document; the operator's contract routes are in it)."""
    store = SqlMeasurementStore(app.uow, clock=app.clock)
    notice = DeviationNotice(app.ingestor, app.uow)
    speedtest = build_speedtest_router(
        store,
        customer=customer_from_cookie,
        contract_for=lambda customer_id: contract_for(app.uow, customer_id),
        on_deviation=notice,
        clock=app.clock,
        language=page_language,
        links=_page_links,
    )
    api.include_router(auth_router(), prefix=PREFIX, include_in_schema=False)
    api.include_router(overview_router(app, store, notice), prefix=PREFIX, include_in_schema=False)
    api.include_router(speedtest, prefix=PREFIX, include_in_schema=False)
    api.include_router(contract_api.router)
    install_login(api)


def _page_links(request: Request, lang: str) -> list[tuple[str, str]]:
    """The test page's way back to the overview."""
    url = request.url_for("speedtest_series").path + f"?lang={lang}"
    return [(url, TEXTS[lang]["overview_title"])]


def overview_router(app: App, store: MeasurementStore, notice: DeviationNotice) -> APIRouter:
    """`GET /series`: the customer's series, the next allowed moment and the verdict."""
    router = APIRouter()

    @router.get("/series", response_class=HTMLResponse, name="speedtest_series")
    def overview(request: Request, customer_id: CustomerId, lang: PageLang) -> HTMLResponse:
        measurements = store.list(customer_id)
        series = current_series(measurements)
        contract = contract_for(app.uow, customer_id)
        verdict = notice.review(store, customer_id, contract)
        schedule = plan(series, app.clock())
        context = {
            "lang": lang,
            "t": TEXTS[lang],
            "customer_id": customer_id,
            "schedule_text": schedule.text.get(lang),
            "schedule_state": schedule.state.value,
            "schedule_count": schedule.count,
            "verdict": verdict_to_json(verdict, lang) if verdict else None,
            "pass_text": TEXTS[lang]["pass"].format(days=app.program.calls.hotline_pass_days),
            "tiers": _tiers(contract, lang),
            "rows": _rows(series, lang),
            "others": _rows(_others(measurements, series), lang, newest_first=True),
            **_urls(request, lang, has_verdict=verdict is not None),
        }
        html = ENV.get_template("speedtest_series.html").render(context)
        return HTMLResponse(html, headers=PRIVATE)

    return router


def _urls(request: Request, lang: str, *, has_verdict: bool) -> dict[str, Any]:
    def url(name: str, language: str = lang) -> str:
        return f"{request.url_for(name).path}?lang={language}"

    return {
        "measure_url": url("speedtest_page"),
        "evidence_url": url("speedtest_evidence") if has_verdict else None,
        "logout_url": request.url_for("speedtest_logout").path,
        "other_language_url": url("speedtest_series", "en" if lang == "de" else "de"),
    }


def _others(measurements: list[Measurement], series: list[Measurement]) -> list[Measurement]:
    """Measurements outside the current series (WLAN, too early, older series)."""
    current = series[0].series_id if series else None
    return [m for m in measurements if m.series_id is None or m.series_id != current][-MAX_OTHERS:]


def _tiers(contract: Contract | None, lang: str) -> list[tuple[str, str, str, str]]:
    if contract is None:
        return []

    def mbit(kbps: int) -> str:
        return f"{format_mbit(kbps, lang)} Mbit/s"

    return [
        (name, mbit(t.max_kbps), mbit(t.normal_kbps), mbit(t.min_kbps))
        for name, t in (("Download", contract.download), ("Upload", contract.upload))
    ]


def _rows(
    items: list[Measurement], lang: str, *, newest_first: bool = False
) -> list[dict[str, Any]]:
    rows = []
    for number, item in enumerate(items, start=1):
        local = item.measured_at.astimezone(BERLIN)
        rows.append(
            {
                "no": number,
                "date": format_day(local.date(), lang),
                "time": f"{local:%H:%M}",
                "download": format_mbit(item.download_kbps, lang),
                "upload": format_mbit(item.upload_kbps, lang),
                "ping": "" if item.ping_ms is None else f"{item.ping_ms} ms",
                "connection": TEXTS[lang][item.connection.value],
            }
        )
    return rows[::-1] if newest_first else rows
