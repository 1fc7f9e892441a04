"""The operator console under `/operator`: overview and audit log here, programmes,
pilot and operations in their own modules; login, roles and CSRF in operator_auth.py.

Every page is server-rendered and needs no JavaScript; every form posts and redirects
(POST/redirect/GET); pages speak German by default and English with `?lang=en`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from selfcare.console.audit import audit_page
from selfcare.console.operations import charging_status
from selfcare.console.programs import versions_of
from selfcare.customers.queries import quarantine_page
from selfcare.domain.ledger import GrantStatus
from selfcare.web.deps import Ctx
from selfcare.web.pages import (
    operator_links,
    operator_operations,
    operator_pilot,
    operator_programs,
)
from selfcare.web.pages.operator_auth import (
    PREFIX,
    Admin,
    PageLang,
    Viewer,
    auth_router,
    install_console_errors,
    render,
)
from selfcare.web.pages.operator_texts import TEXTS

AUDIT_PAGE = 100
router = APIRouter()


def mount_console(api: FastAPI) -> None:
    """Serve the console under `/operator` (kept out of the OpenAPI document)."""
    routers = (
        auth_router(),
        router,
        operator_programs.router,
        operator_pilot.router,
        operator_operations.router,
        operator_links.router,
    )
    for module_router in routers:
        api.include_router(module_router, prefix=PREFIX, include_in_schema=False)
    install_console_errors(api)
    operator_links.install(api)


@router.get("", response_class=HTMLResponse, name="operator_home")
def overview(request: Request, ctx: Ctx, operator: Viewer, lang: PageLang) -> HTMLResponse:
    """The console's start: where to go, and the figures that call for someone to act."""
    app = ctx.app
    t = TEXTS[lang]
    status = charging_status(app.uow, app.program.id)
    versions = versions_of(uow=app.uow, program_id=app.program.id)
    glance = [
        t["glance_quarantine"].format(n=quarantine_page(uow=app.uow, limit=1, offset=0).total),
        t["glance_outbox"].format(n=status.backlog.open),
        t["glance_rejected"].format(n=status.totals.get(GrantStatus.REJECTED, (0, 0))[0]),
        t["glance_versions"].format(id=app.program.id, n=len(versions)),
    ]
    return render(request, "operator_home.html", lang=lang, operator=operator, glance=glance)


@router.get("/audit", response_class=HTMLResponse, name="operator_audit")
def audit(
    request: Request,
    ctx: Ctx,
    operator: Admin,
    lang: PageLang,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    page = audit_page(ctx.app.uow, limit=AUDIT_PAGE, offset=offset)
    entries = [e.model_copy(update={"at": e.at.replace(microsecond=0)}) for e in page.entries]
    url = f"{PREFIX}/audit?lang={lang}&offset="
    return render(
        request,
        "operator_audit.html",
        lang=lang,
        operator=operator,
        section="audit",
        entries=entries,
        total=page.total,
        newer_url=f"{url}{max(0, offset - AUDIT_PAGE)}" if offset else None,
        older_url=f"{url}{offset + AUDIT_PAGE}" if offset + AUDIT_PAGE < page.total else None,
    )
