"""The customer's own pages: my bonus (`/me`), my contacts (`/me/contacts`) and the call
checker (`/check`, "before you call").

No customer id appears in any URL: the session cookie decides whose data a page shows,
so another customer's data cannot even be asked for. `/me` and `/me/contacts` need a
session (a browser without one is sent to the login explanation); the call checker works
logged out too, with the service's program, and logged in adds what the customer's own
progress says (a running window the call would restart, an active hotline pass). Every
page reads only; the checker's form follows POST/redirect/GET, keeping the concern in a
short-lived cookie of its own path rather than in the address (history, logs).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from selfcare.customers.queries import customer_events
from selfcare.domain.calendar import add_months, same_clock_time_later
from selfcare.domain.calls import classify_text
from selfcare.domain.contacts import RECEPTION_PROBLEM, HotlinePasses
from selfcare.domain.events import DIAGNOSIS_TYPES
from selfcare.domain.progress import StreakStatus
from selfcare.domain.selfservice import links_for
from selfcare.domain.speedcheck.models import format_day
from selfcare.errors import UnknownCustomer
from selfcare.grants.ledger import customer_grants
from selfcare.program.explain import calls_lines, describe_verdict
from selfcare.web.api.customers import progress_of
from selfcare.web.deps import Ctx, WebContext
from selfcare.web.pages.customer_texts import TEXTS
from selfcare.web.pages.customer_views import CustomerFacts, bonus_view, contacts_view
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.layout import (
    CHECK_PATH,
    PRIVATE,
    SPEED_PATH,
    csrf_ok,
    current_customer,
    form_expired,
    render_customer_page,
    with_lang,
)
from selfcare.web.pages.speedtest_auth import customer_from_cookie

CONCERN_COOKIE = "selfcare_concern"
CONCERN_SECONDS = 600
MAX_CONCERN = 500
PageLang = Annotated[Lang, Depends(page_language)]
LoggedIn = Annotated[str, Depends(customer_from_cookie)]
router = APIRouter(include_in_schema=False)


async def _facts(ctx: WebContext, customer_id: str) -> CustomerFacts | None:
    """The customer's progress, ledger and events as of today; None before any event."""
    app = ctx.app
    today = app.today()
    try:
        progress = await progress_of(ctx, customer_id, today)
    except UnknownCustomer:
        return None
    ledger = await ctx.read(customer_grants, uow=app.uow, customer_id=customer_id)
    events = await ctx.read(customer_events, uow=app.uow, customer_id=customer_id)
    return CustomerFacts(app.program, progress, ledger, events, today)


def _as_of(today: date, lang: Lang) -> str:
    return TEXTS[lang]["as_of"].format(date=format_day(today, lang))


@router.get("/me", name="customer_bonus")
async def my_bonus(request: Request, ctx: Ctx, customer_id: LoggedIn, lang: PageLang) -> Response:
    """Each reward with its state, the no-hotline window, and the data received."""
    t = TEXTS[lang]
    facts = await _facts(ctx, customer_id)
    view = bonus_view(facts, lang) if facts is not None else None
    return render_customer_page(
        request,
        "customer_bonus.html",
        lang=lang,
        title=t["me_title"],
        active="bonus",
        customer_id=customer_id,
        t=t,
        view=view,
        as_of=_as_of(ctx.app.today(), lang),
        description=ctx.app.program.description.get(lang),
        check_url=with_lang(CHECK_PATH, lang),
    )


@router.get("/me/contacts", name="customer_contacts")
async def my_contacts(
    request: Request, ctx: Ctx, customer_id: LoggedIn, lang: PageLang
) -> Response:
    """Every contact with its verdict and the sentence explaining it."""
    t = TEXTS[lang]
    facts = await _facts(ctx, customer_id)
    return render_customer_page(
        request,
        "customer_contacts.html",
        lang=lang,
        title=t["contacts_title"],
        active="contacts",
        customer_id=customer_id,
        t=t,
        contacts=contacts_view(facts, lang) if facts is not None else [],
        as_of=_as_of(ctx.app.today(), lang),
        check_url=with_lang(CHECK_PATH, lang),
    )


@router.get("/check", name="customer_check")
async def check_page(
    request: Request,
    ctx: Ctx,
    lang: PageLang,
    asked: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """The form, and after a POST (`?asked=1`) the answer for the concern just sent."""
    customer_id = await ctx.read(current_customer, request)
    concern = _concern_from_cookie(request) if asked else ""
    result = await _answer(ctx, concern, customer_id, lang) if concern else None
    return _check_form(request, ctx, lang, customer_id, concern=concern, result=result)


@router.post("/check", name="customer_check_submit")
async def check_submit(
    request: Request,
    ctx: Ctx,
    concern: Annotated[str, Form(max_length=MAX_CONCERN)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    lang: Annotated[Lang | None, Form()] = None,
) -> Response:
    """Keep the concern for the answer page and redirect to it (POST/redirect/GET)."""
    chosen = page_language(lang, request.headers.get("accept-language", ""))
    customer_id = await ctx.read(current_customer, request)
    if not csrf_ok(request, csrf):
        return form_expired(request, chosen, customer_id=customer_id)
    text = concern.strip()
    if not text:
        return _check_form(
            request, ctx, chosen, customer_id, error=TEXTS[chosen]["check_empty"], status=400
        )
    target = f"{CHECK_PATH}?asked=1" + (f"&lang={lang}" if lang else "")
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    response.set_cookie(
        CONCERN_COOKIE,
        base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii"),
        max_age=CONCERN_SECONDS,
        path=CHECK_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _concern_from_cookie(request: Request) -> str:
    raw = request.cookies.get(CONCERN_COOKIE, "")
    try:
        text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return ""
    return text.strip()[:MAX_CONCERN]


def _check_form(
    request: Request,
    ctx: WebContext,
    lang: Lang,
    customer_id: str | None,
    *,
    concern: str = "",
    result: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    t = TEXTS[lang]
    program = ctx.app.program
    rules_key = "rules_yours" if customer_id is not None else "rules_default"
    return render_customer_page(
        request,
        "customer_check.html",
        lang=lang,
        title=t["check_title"],
        active="check",
        customer_id=customer_id,
        status_code=status,
        t=t,
        concern=concern,
        result=result,
        error=error,
        max_concern=MAX_CONCERN,
        rules_note=t[rules_key].format(name=program.name),
        rules=calls_lines(program.calls, lang),
    )


async def _answer(
    ctx: WebContext, concern: str, customer_id: str | None, lang: Lang
) -> dict[str, Any]:
    """Would a call about `concern` count, what settles it online, and for a logged-in
    customer what it would do to their window (or that a hotline pass covers it)."""
    t = TEXTS[lang]
    rules = ctx.app.program.calls
    verdict = classify_text(concern, rules=rules)
    links = links_for(rules, concern, verdict.category)
    speed = verdict.category == RECEPTION_PROBLEM
    result: dict[str, Any] = {
        "counts": verdict.counts,
        "headline": t["would_count" if verdict.counts else "would_not_count"],
        "detail": describe_verdict(verdict, rules, lang),
        "links": [{"url": link.url, "title": link.title.get(lang)} for link in links],
        "links_heading": t["links_counts" if verdict.counts else "links_free"],
        "speed": speed,
        "speed_text": t["speed_text"].format(days=rules.hotline_pass_days),
        "speed_url": with_lang(SPEED_PATH, lang),
        "personal": [],
    }
    if customer_id is not None:
        result["personal"] = await _personal(ctx, customer_id, verdict.counts, lang)
    return result


async def _personal(ctx: WebContext, customer_id: str, counts: bool, lang: Lang) -> list[str]:
    facts = await _facts(ctx, customer_id)
    if facts is None:
        return []
    t = TEXTS[lang]
    program = facts.program
    notes = []
    diagnoses = tuple(e for e in facts.events if e.type in DIAGNOSIS_TYPES)
    days = program.calls.hotline_pass_days
    passing = HotlinePasses(diagnoses, days, program.zone).covering(ctx.app.clock())
    if passing is not None and days > 0:
        start = next(e for e in diagnoses if e.event_id == passing.matched[0]).occurred_at
        end = same_clock_time_later(start, days, program.zone).astimezone(program.zone)
        when = t["at_time"].format(date=format_day(end.date(), lang), time=f"{end:%H:%M}")
        notes.append(t["pass_active"].format(end=when))
    elif counts:
        for streak in facts.progress.streaks:
            if streak.status is StreakStatus.RUNNING and streak.window_start is not None:
                reward = program.reward(streak.reward)
                months = getattr(reward, "months", 0)
                done = _months_done(streak.window_start, facts.today, months)
                notes.append(t["would_restart"].format(done=done, months=months))
    return notes


def _months_done(start: date, today: date, months: int) -> int:
    return sum(1 for k in range(1, months + 1) if add_months(start, k) <= today)
