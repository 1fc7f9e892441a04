"""Sign-up: `GET/POST /join`, where an invited customer types their invitation code.

The session decides who signs up (no customer id in the URL; the code is bound to the
customer, so a logged-out visitor is asked to log in first). The form posts with the
page's CSRF token and follows POST/redirect/GET: the answer is a redirect to
`/join?result=<outcome>`, whose page shows the outcome's own message (mistyped, expired,
already used, not yours, forged, too many attempts) above the form again, or the welcome
with the way on to "My bonus". Accepting records `invitation_accepted` through ingest
(pilot/acceptance.py). Attempts are limited per client address and per code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from selfcare.pilot.acceptance import accept_invitation
from selfcare.pilot.invitations import MESSAGES, Outcome
from selfcare.web.deps import Ctx, WebContext
from selfcare.web.pages.join_texts import JOIN_TEXTS
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.layout import (
    BONUS_PATH,
    LOGIN_PATH,
    csrf_ok,
    current_customer,
    form_expired,
    render_customer_page,
    with_lang,
)

JOIN_PATH = "/join"
# Far above the 17 characters of a code with dashes: a longer paste is judged (mistyped) on
# its first characters, so the customer reads the page's message, not a validation error.
MAX_CODE = 64
MAX_FORM_FIELD = 4096
PageLang = Annotated[Lang, Depends(page_language)]
router = APIRouter(include_in_schema=False)


@router.get(JOIN_PATH, name="customer_join")
async def join_page(
    request: Request,
    ctx: Ctx,
    lang: PageLang,
    result: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """The form, and the outcome of the last attempt when the redirect names one."""
    customer_id = current_customer(request)
    outcome = next((o for o in Outcome if o.value == result), None)
    t = JOIN_TEXTS[lang]
    return render_customer_page(
        request,
        "customer_join.html",
        lang=lang,
        title=t["title"],
        customer_id=customer_id,
        j=t,
        program_name=ctx.app.program.name,
        open=ctx.app.settings.invitation_secret is not None,
        outcome=outcome.value if outcome else None,
        message=MESSAGES[outcome][lang] if outcome else None,
        accepted=outcome is Outcome.ACCEPTED,
        action=with_lang(JOIN_PATH, lang),
        login_url=with_lang(LOGIN_PATH, lang, next=JOIN_PATH),
        bonus_url=with_lang(BONUS_PATH, lang),
    )


@router.post(JOIN_PATH, name="customer_join_submit")
async def join_submit(
    request: Request,
    ctx: Ctx,
    lang: PageLang,
    code: Annotated[str, Form(max_length=MAX_FORM_FIELD)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Judge the code for the session's customer; redirect to the page with the outcome."""
    customer_id = current_customer(request)
    if not csrf_ok(request, csrf):
        return form_expired(request, lang, customer_id=customer_id)
    if customer_id is None:
        return RedirectResponse(with_lang(LOGIN_PATH, lang, next=JOIN_PATH), status_code=303)
    invitations = ctx.app.invitations(lambda kind, key: _take(ctx, kind, key))
    if invitations is None:
        return RedirectResponse(with_lang(JOIN_PATH, lang), status_code=303)
    client = request.client.host if request.client else "unknown"
    answer = await ctx.write(
        accept_invitation, invitations, customer_id=customer_id, code=code[:MAX_CODE], client=client
    )
    return RedirectResponse(
        with_lang(JOIN_PATH, lang, result=answer.outcome.value), status_code=303
    )


def _take(ctx: WebContext, kind: str, key: str) -> float:
    """One attempt from the client's or the code's bucket; seconds to wait (0: go)."""
    limits = ctx.rate_limits
    rate = limits.join_per_code if kind == "join_code" else limits.join_per_client
    return ctx.rates.take(rate, kind, key)
