"""Console operations: the ingest quarantine (inspect, correct, replay), grants and the
charging system (status, resend of rejected top-ups), reconciliation, customer lookup.

Viewers read everything here; correcting, replaying and resending need an admin. Every
change goes through `selfcare.console.operations`, which audits it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from selfcare.console.operations import (
    MAX_ROW_CHARS,
    charging_status,
    quarantined_row,
    reconciliation,
    replay_row,
    resend_rejected,
)
from selfcare.console.programs import versions_of
from selfcare.customers.queries import quarantine_page
from selfcare.customers.timeline import customer_view
from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.domain.ledger import GrantStatus
from selfcare.domain.operators import Role
from selfcare.errors import SelfcareError, UnknownCustomer
from selfcare.grants.ledger import customer_grants
from selfcare.web.deps import Ctx
from selfcare.web.pages.language import Lang
from selfcare.web.pages.operator_auth import (
    PREFIX,
    PRIVATE,
    Admin,
    PageLang,
    Viewer,
    check_form,
    message,
    render,
)
from selfcare.web.pages.operator_texts import TEXTS

router = APIRouter()
QUARANTINE_PAGE = 50
RowId = Annotated[int, Path(ge=1, le=2**62)]


def _time(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


@router.get("/operations", response_class=HTMLResponse, name="operator_operations")
def operations(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: PageLang,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    resent: Annotated[int | None, Query(ge=0, le=10**9)] = None,
) -> HTMLResponse:
    app = ctx.app
    page = quarantine_page(uow=app.uow, limit=QUARANTINE_PAGE, offset=offset)
    status = charging_status(app.uow, app.program.id)
    t = TEXTS[lang]
    return render(
        request,
        "operator_operations.html",
        lang=lang,
        operator=operator,
        section="operations",
        rows=[_row(r) for r in page.items],
        total=page.total,
        totals=[(s.value, *status.totals.get(s, (0, 0))) for s in GrantStatus],
        backlog=status.backlog.open,
        oldest=_time(status.backlog.oldest_created_at),
        rejected=[_grant(g) for g in status.rejected],
        is_admin=operator.allows(Role.ADMIN),
        notice=None if resent is None else t["resent"].format(n=resent),
        older_url=(
            f"{PREFIX}/operations?lang={lang}&offset={offset + QUARANTINE_PAGE}"
            if offset + QUARANTINE_PAGE < page.total
            else None
        ),
    )


def _row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "received_at": _time(row.received_at),
        "source": row.source,
        "line": row.line,
        "field": row.field,
        "reason": row.reason,
        "event_id": row.event_id or "",
    }


def _grant(grant: Any) -> dict[str, Any]:
    return {
        "id": grant.grant_id,
        "customer_id": grant.customer_id,
        "reward": grant.reward,
        "period": grant.period,
        "amount_mb": grant.amount_mb,
        "granted_on": grant.granted_on.isoformat(),
        "status": grant.status.value,
        "hold_reason": grant.hold_reason or "",
    }


@router.get(
    "/operations/quarantine/{row_id}", response_class=HTMLResponse, name="operator_quarantine_row"
)
def quarantine_row(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: PageLang,
    row_id: RowId,
    outcome: Annotated[str | None, Query(max_length=20)] = None,
    new_row: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> HTMLResponse:
    return _row_page(request, ctx, operator, lang, row_id, outcome=outcome, new_row=new_row)


def _row_page(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: Lang,
    row_id: int,
    *,
    outcome: str | None = None,
    new_row: int | None = None,
    error: str | None = None,
    text: str | None = None,
) -> HTMLResponse:
    t = TEXTS[lang]
    row = quarantined_row(ctx.app.uow, row_id)
    notice = None
    if outcome in ("stored", "duplicate", "quarantined"):
        notice = t[f"outcome_{outcome}"].format(id=row_id, new=new_row)
    if row is None and notice is None:
        return message(
            request,
            lang=lang,
            operator=operator,
            title=t["row_title"].format(id=row_id),
            lines=[t["row_gone"]],
            status=404,
            section="operations",
        )
    return render(
        request,
        "operator_quarantine_row.html",
        lang=lang,
        operator=operator,
        section="operations",
        status=422 if error else 200,
        page_path=f"{PREFIX}/operations/quarantine/{row_id}",
        row_id=row_id,
        row=None if row is None else _row(row),
        raw=None if row is None else row.raw,
        text=text if text is not None else (_pretty(row.raw) if row else ""),
        notice=notice,
        new_row=new_row,
        error=error,
        is_admin=operator.allows(Role.ADMIN),
        max_chars=MAX_ROW_CHARS,
    )


def _pretty(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except (json.JSONDecodeError, TypeError):
        return raw


@router.post("/operations/quarantine/{row_id}/replay", name="operator_quarantine_replay")
async def replay(
    request: Request,
    ctx: Ctx,
    operator: Admin,
    lang: PageLang,
    row_id: RowId,
    csrf: Annotated[str, Form(max_length=200)] = "",
    raw: Annotated[str | None, Form(max_length=MAX_ROW_CHARS)] = None,
) -> Response:
    """Replay as is (no `raw`) or corrected; then show what became of it (PRG)."""
    check_form(request, operator, csrf)
    try:
        done = await ctx.write(
            replay_row, ctx.app.ingestor, row_id=row_id, corrected=raw, actor=operator.name
        )
    except SelfcareError as exc:
        return _row_page(request, ctx, operator, lang, row_id, error=str(exc), text=raw)
    outcome = "stored" if done.stored else "quarantined" if done.new_row else "duplicate"
    query = f"lang={lang}&outcome={outcome}" + (f"&new_row={done.new_row}" if done.new_row else "")
    target = f"{PREFIX}/operations/quarantine/{row_id}?{query}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE)


@router.post("/operations/resend", name="operator_resend")
async def resend(
    request: Request,
    ctx: Ctx,
    operator: Admin,
    lang: PageLang,
    csrf: Annotated[str, Form(max_length=200)] = "",
    grant_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Queue one rejected top-up (or all of them) again under its own grant id."""
    check_form(request, operator, csrf)
    app = ctx.app
    ids = await ctx.write(
        resend_rejected,
        app.uow,
        program_id=app.program.id,
        grant_ids=[grant_id] if grant_id else [],
        actor=operator.name,
        now=app.clock(),
    )
    target = f"{PREFIX}/operations?lang={lang}&resent={len(ids)}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE)


@router.get(
    "/operations/reconciliation", response_class=HTMLResponse, name="operator_reconciliation"
)
def reconcile(request: Request, ctx: Ctx, operator: Viewer, lang: PageLang) -> HTMLResponse:
    app = ctx.app
    t = TEXTS[lang]
    try:
        report = reconciliation(app.uow, app.charging, program_id=app.program.id)
    except Exception as exc:  # noqa: BLE001 - any failure of the charging system is shown
        summary, differences = t["reconcile_failed"].format(error=type(exc).__name__), []
    else:
        counts = {"grants": report.ledger_grants, "topups": report.applied_topups}
        summary = (
            t["reconcile_ok"].format(**counts)
            if report.ok
            else t["reconcile_diff"].format(n=len(report.differences), **counts)
        )
        differences = list(report.differences)
    return render(
        request,
        "operator_reconciliation.html",
        lang=lang,
        operator=operator,
        section="operations",
        summary=summary,
        differences=differences,
    )


@router.get("/customers", response_class=HTMLResponse, name="operator_customers")
def customers(
    request: Request,
    operator: Viewer,
    lang: PageLang,
    customer_id: Annotated[str, Query(max_length=MAX_ID_LENGTH)] = "",
) -> Response:
    if customer_id.strip():
        target = f"{PREFIX}/customers/{quote(customer_id.strip(), safe='')}?lang={lang}"
        return RedirectResponse(target, status_code=303, headers=PRIVATE)
    return render(
        request, "operator_customer.html", lang=lang, operator=operator, section="customers"
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse, name="operator_customer")
def customer(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: PageLang,
    customer_id: Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH)],
) -> HTMLResponse:
    app = ctx.app
    t = TEXTS[lang]
    try:
        view = customer_view(
            uow=app.uow, program=app.program, customer_id=customer_id, as_of=app.today()
        )
    except UnknownCustomer:
        return render(
            request,
            "operator_customer.html",
            lang=lang,
            operator=operator,
            section="customers",
            status=404,
            customer_id=customer_id,
            unknown=t["customer_unknown"].format(id=customer_id),
        )
    published = versions_of(uow=app.uow, program_id=app.program.id)
    first = {v.digest: v.version for v in reversed(published)}  # the first with these rules
    made_by = {
        g.grant_id: first.get(g.program_digest or "")
        for g in customer_grants(uow=app.uow, customer_id=customer_id)
    }
    progress = view.progress
    return render(
        request,
        "operator_customer.html",
        lang=lang,
        operator=operator,
        section="customers",
        customer_id=customer_id,
        issue_link_url=(
            f"{PREFIX}/customers/{quote(customer_id, safe='')}/login-link?lang={lang}"
            if operator.allows(Role.PROGRAM_MANAGER)
            else None
        ),
        earned=t["earned"].format(mb=f"{progress.earned_mb:,} MB"),
        streak=t["streak"].format(status=progress.streak.status.value) if progress.streak else "",
        entries=[_entry(e, made_by, t) for e in view.entries],
    )


def _entry(
    entry: dict[str, Any], made_by: dict[str, int | None], t: dict[str, str]
) -> dict[str, Any]:
    """One timeline line: a grant with its status and programme version, or an event."""
    if entry["kind"] == "grant":
        grant = entry["grant"]
        held = f" ({grant['hold_reason']})" if grant["hold_reason"] else ""
        version = made_by.get(grant["id"])
        return {
            "day": entry["day"],
            "what": f"{grant['reward']}: {grant['amount_mb']} MB",
            "detail": grant["status"] + held,
            "counts": None,
            "version": t["unversioned"] if version is None else str(version),
        }
    call = entry["call"]
    return {
        "day": entry["day"],
        "what": entry["type"],
        "detail": call["explanation"] if call else entry["event_id"],
        "counts": None if call is None else call["counts"],
        "version": "",
    }
