"""`GET /operator/pilot`: arms, invitations sent and accepted, the SRM state and the latest
analysis with its plots; `GET /operator/pilot/{id}/report`: the full report (viewer role).

Everything comes from the service's database (pilot/overview.py); a pilot without
assignments there is "not set up".
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from selfcare.pilot.overview import PilotOverview, pilot_overview, pilot_overviews
from selfcare.web.deps import Ctx
from selfcare.web.pages.operator_auth import PRIVATE, PageLang, Viewer, message, render
from selfcare.web.pages.operator_pilot_texts import PILOT_TEXTS

router = APIRouter()
PilotId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]


@router.get("/pilot", response_class=HTMLResponse, name="operator_pilot")
async def pilot(request: Request, ctx: Ctx, operator: Viewer, lang: PageLang) -> HTMLResponse:
    pilots = await run_in_threadpool(pilot_overviews, uow=ctx.app.uow)
    views = [await run_in_threadpool(_view, p, lang) for p in pilots]
    return render(
        request,
        "operator_pilot.html",
        lang=lang,
        operator=operator,
        section="pilot",
        p=PILOT_TEXTS[lang],
        pilots=views,
    )


@router.get("/pilot/{pilot_id}/report", response_class=HTMLResponse, name="operator_report")
async def report(
    request: Request, ctx: Ctx, operator: Viewer, lang: PageLang, pilot_id: PilotId
) -> HTMLResponse:
    from selfcare.pilot.report import render_report

    found = await run_in_threadpool(pilot_overview, uow=ctx.app.uow, pilot_id=pilot_id)
    if found is None or found.analysis is None:
        texts = PILOT_TEXTS[lang]
        return message(
            request,
            lang=lang,
            operator=operator,
            title=texts["title"],
            lines=[texts["no_analysis"]],
            status=404,
            section="pilot",
        )
    html = await run_in_threadpool(render_report, found.analysis, lang=lang)
    return HTMLResponse(html, headers=PRIVATE)


def _view(found: PilotOverview, lang: str) -> dict[str, Any]:
    """What the template shows of one pilot; plots drawn here (matplotlib, off the loop)."""
    view: dict[str, Any] = {
        "id": found.pilot_id,
        "arms": found.counts.arms,
        "sent": found.counts.invitations_sent,
        "accepted": found.counts.invitations_accepted,
        "take_up": _pct(found.take_up),
        "srm": found.srm,
        "srm_observed": _pct(found.srm.observed_treatment_share),
        "srm_planned": _pct(found.srm.expected_treatment_share),
        "analysis": None,
    }
    document = found.analysis
    if document is not None and found.analysed_at is not None:
        from selfcare.pilot import report

        view["analysis"] = {
            "at": found.analysed_at.strftime("%Y-%m-%d %H:%M UTC"),
            "start": document["period"]["start"],
            "end": document["period"]["end"],
            "verdict": Markup(report.verdict(document, lang)),  # noqa: S704 - our own report's HTML, numbers and fixed texts
            "effect_plot": Markup(report.effect_plot(document, lang)),  # noqa: S704 - an <img> of a PNG we drew
            "time_plot": Markup(report.time_plot(document, lang)),  # noqa: S704 - an <img> of a PNG we drew
            "guardrails": Markup(report.guardrail_table(document, lang)),  # noqa: S704 - our own table of numbers
        }
    return view


def _pct(value: float | None) -> str:
    if value is None or math.isnan(value):  # NaN: no customers yet
        return "–"
    return f"{value:.1%}"
