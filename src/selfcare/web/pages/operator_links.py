"""Console: issue a one-time login link for a customer who asked the hotline for a new one.

A program manager or admin issues it from the customer lookup (a CSRF-checked POST); the
link and its audit entry (who, which customer, the token's id and expiry — never the
secret) commit together. The answer redirects to a result page that shows the link once:
the secret waits in this process's memory for that one GET, bound to the operator who
issued it, and never travels in a URL query, a log line or the database (which keeps its
hash). A reload of the result page says it was shown already; issuing again is cheap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from selfcare.auth.operators import Operator
from selfcare.auth.service import IssuedToken, create_login_link, login_link_url
from selfcare.console.audit import audited
from selfcare.customers.queries import require_known
from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.errors import UnknownCustomer
from selfcare.web.deps import Ctx
from selfcare.web.pages.operator_auth import (
    PREFIX,
    PRIVATE,
    PageLang,
    ProgramManager,
    check_form,
    render,
)
from selfcare.web.pages.operator_texts import TEXTS

router = APIRouter()
CustomerId = Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH)]
TokenId = Annotated[str, Path(min_length=1, max_length=64)]
# Long enough for a redirect to be followed, short enough that an abandoned result page
# leaves no secret behind for long; the link itself stays valid for its own 24 hours.
HANDOVER_S = 300.0
MAX_WAITING = 1000


@dataclass(frozen=True, slots=True)
class Shown:
    """What the result page shows once: the link and until when it works (UTC)."""

    link: str
    until: str


@dataclass
class Handover:
    """Links issued and not yet shown, by token id: each shown once, to its issuer."""

    waiting: dict[str, tuple[str, Shown, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, token_id: str, operator: str, shown: Shown) -> None:
        with self.lock:
            self._forget_old(time.monotonic())
            self.waiting[token_id] = (operator, shown, time.monotonic() + HANDOVER_S)

    def take(self, token_id: str, operator: str) -> Shown | None:
        with self.lock:
            self._forget_old(time.monotonic())
            found = self.waiting.get(token_id)
            if found is None or found[0] != operator:
                return None
            del self.waiting[token_id]
            return found[1]

    def _forget_old(self, now: float) -> None:
        for key in [k for k, (_, _, until) in self.waiting.items() if until < now]:
            del self.waiting[key]
        while len(self.waiting) >= MAX_WAITING:
            del self.waiting[next(iter(self.waiting))]


def install(api: FastAPI) -> None:
    api.state.login_link_handover = Handover()


def _handover(request: Request) -> Handover:
    found: Handover = request.app.state.login_link_handover
    return found


def _audit(operator: Operator) -> Callable[[Any, IssuedToken], None]:
    """The audit entry, added in the unit of work that stores the link."""

    def add(work: Any, issued: IssuedToken) -> None:
        audited(
            work,
            actor=operator.name,
            action="customer_login_link_issue",
            target=f"customer {issued.customer_id}",
            after={"token_id": issued.id, "expires_at": issued.expires_at.isoformat()},
        )

    return add


@router.post("/customers/{customer_id}/login-link", name="operator_login_link_issue")
async def issue(
    request: Request,
    ctx: Ctx,
    operator: ProgramManager,
    lang: PageLang,
    customer_id: CustomerId,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Issue the link (audited), then redirect to the page that shows it once (PRG)."""
    check_form(request, operator, csrf)
    app = ctx.app
    try:
        require_known(uow=app.uow, program_id=app.program.id, customer_id=customer_id)
    except UnknownCustomer:
        t = TEXTS[lang]
        return render(
            request,
            "operator_customer.html",
            lang=lang,
            operator=operator,
            section="customers",
            status=404,
            page_path=f"{PREFIX}/customers/{quote(customer_id, safe='')}",
            customer_id=customer_id,
            unknown=t["customer_unknown"].format(id=customer_id),
        )
    issued = await ctx.write(
        create_login_link, uow=app.uow, customer_id=customer_id, also=_audit(operator)
    )
    link = login_link_url(str(request.base_url), issued.token)
    until = f"{issued.expires_at:%Y-%m-%d %H:%M}"
    _handover(request).put(issued.id, operator.name, Shown(link, until))
    target = f"{PREFIX}/customers/{quote(customer_id, safe='')}/login-link/{issued.id}?lang={lang}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE)


@router.get(
    "/customers/{customer_id}/login-link/{token_id}",
    response_class=HTMLResponse,
    name="operator_login_link",
)
def shown_once(
    request: Request,
    operator: ProgramManager,
    lang: PageLang,
    customer_id: CustomerId,
    token_id: TokenId,
) -> HTMLResponse:
    """The new link, this once; afterwards (or to another operator) only that it was shown."""
    shown = _handover(request).take(token_id, operator.name)
    return render(
        request,
        "operator_login_link.html",
        lang=lang,
        operator=operator,
        section="customers",
        customer_id=customer_id,
        customer_url=f"{PREFIX}/customers/{quote(customer_id, safe='')}?lang={lang}",
        shown=shown,
    )
