"""The speed check in the service: the browser test, the customer's overview, the evidence.

`mount_speedcheck(api, app)` puts everything under `/speedtest` on the service's app:
the browser test of speedtest_measure.py (test page, download/upload/ping/ip, results,
status, evidence) with the customer taken from the session cookie (within the rate
limits; a posted result carries the session's CSRF token); the login pages; the
customer's overview (series so far, when the next measurement is allowed, the verdict);
and the operator's contract API. What they do is the speed-check service's
(`app.speedcheck`, wired by bootstrap); no page writes on a GET. Every page speaks German
or English (`?lang=`, else Accept-Language) and needs no JavaScript except the
measurement itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from selfcare.auth.sessions import same_secret
from selfcare.bootstrap import App
from selfcare.domain.speedcheck.models import BERLIN, Contract, Measurement, format_day, format_mbit
from selfcare.domain.speedcheck.report import verdict_to_json
from selfcare.web.api import speedcheck as contract_api
from selfcare.web.deps import Ctx, get_context
from selfcare.web.errors import SelfcareHTTPError
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.layout import render_customer_page
from selfcare.web.pages.session import CSRF_HEADER, session_csrf
from selfcare.web.pages.speedtest_auth import (
    PREFIX,
    auth_router,
    customer_from_cookie,
    install_login,
)
from selfcare.web.pages.speedtest_measure import SpeedtestSite, install_speedtest
from selfcare.web.pages.speedtest_texts import TEXTS

MAX_OTHERS = 50
CustomerId = Annotated[str, Depends(customer_from_cookie)]
PageLang = Annotated[Lang, Depends(page_language)]


def mount_speedcheck(api: FastAPI, app: App) -> None:
    """Serve the speed check for `app`'s customers under `/speedtest` (pages stay out of
    the OpenAPI document; the operator's contract routes are in it)."""
    site = SpeedtestSite(
        service=app.speedcheck,
        customer=measuring_customer,
        links=_page_links,
        csrf=session_csrf,
    )
    api.include_router(auth_router(), prefix=PREFIX, include_in_schema=False)
    api.include_router(router, prefix=PREFIX, include_in_schema=False)
    install_speedtest(api, site, prefix=PREFIX)
    api.include_router(contract_api.router)
    install_login(api)


def measuring_customer(request: Request) -> str:
    """The logged-in customer, within the rate limits of measurements and transfers (per
    client address and per customer); a posted result must carry the session's CSRF
    token in `X-CSRF-Token` (the page's script sends it)."""
    customer_id = customer_from_cookie(request)
    path = request.url.path
    if request.method == "POST" and path.endswith("/results"):
        if not same_secret(request.headers.get(CSRF_HEADER), session_csrf(request)):
            raise SelfcareHTTPError(403, "forbidden", "missing or wrong CSRF token")
        _limit(request, customer_id, "measure", "measurements")
    elif path.endswith(("/tests", "/garbage", "/empty")):
        _limit(request, customer_id, "transfer", "speed test transfers")
    return customer_id


def _limit(request: Request, customer_id: str, kind: str, what: str) -> None:
    ctx = get_context(request)
    limits = ctx.rate_limits
    client = request.client.host if request.client else "-"
    per_client = getattr(limits, f"{kind}_per_client")
    per_customer = getattr(limits, f"{kind}_per_customer")
    ctx.rates.check(per_client, f"{kind}:client", client, what)
    ctx.rates.check(per_customer, f"{kind}:customer", customer_id, what)


def _page_links(request: Request, lang: str) -> list[tuple[str, str]]:
    """The test page's way back to the overview."""
    url = request.url_for("speedtest_series").path + f"?lang={lang}"
    return [(url, TEXTS[lang]["overview_title"])]


router = APIRouter()


@router.get("/series", response_class=HTMLResponse, name="speedtest_series")
def overview(request: Request, ctx: Ctx, customer_id: CustomerId, lang: PageLang) -> HTMLResponse:
    """The customer's series, the next allowed moment and the verdict (reads only)."""
    seen = ctx.app.speedcheck.overview(customer_id)
    return render_customer_page(
        request,
        "speedtest_series.html",
        lang=lang,
        title=TEXTS[lang]["overview_title"],
        active="speed",
        customer_id=customer_id,
        t=TEXTS[lang],
        schedule_text=seen.schedule.text.get(lang),
        schedule_state=seen.schedule.state.value,
        schedule_count=seen.schedule.count,
        verdict=verdict_to_json(seen.verdict, lang) if seen.verdict else None,
        pass_text=TEXTS[lang]["pass"].format(days=ctx.app.program.calls.hotline_pass_days),
        tiers=_tiers(seen.contract, lang),
        rows=_rows(seen.series, lang),
        others=_rows(_others(seen.measurements, seen.series), lang, newest_first=True),
        **_urls(request, lang, has_verdict=seen.verdict is not None),
    )


def _urls(request: Request, lang: str, *, has_verdict: bool) -> dict[str, Any]:
    def url(name: str, language: str = lang) -> str:
        return f"{request.url_for(name).path}?lang={language}"

    return {
        "measure_url": url("speedtest_page"),
        "evidence_url": url("speedtest_evidence") if has_verdict else None,
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
