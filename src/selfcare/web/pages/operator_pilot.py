"""`GET /operator/pilot`: until the pilot is wired into the console, the page says so."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from selfcare.web.pages.operator_auth import PageLang, Viewer, message
from selfcare.web.pages.operator_texts import TEXTS

router = APIRouter()


@router.get("/pilot", response_class=HTMLResponse, name="operator_pilot")
def pilot(request: Request, operator: Viewer, lang: PageLang) -> HTMLResponse:
    t = TEXTS[lang]
    return message(
        request,
        lang=lang,
        operator=operator,
        title=t["pilot_title"],
        lines=[t["pilot_not_set_up"]],
        status=200,
        section="pilot",
    )
