"""Logging in to the customer pages (my bonus, my contacts, the call checker, the speed
check): `GET/POST /login` and `POST /logout`.

The same exchange as the speed check's own login (`speedtest_auth.py`): opening the
one-time link (`/login?token=scl_…`) moves its secret into a short-lived cookie of the
login path and out of the address bar; the customer confirms with a POST carrying the
form's CSRF token, which spends the link and opens a server-side session (cookie on path
`/`) in one transaction and leads to the page asked for (`next`, one of the customer
pages) or to my bonus. Confirming a spent link again shows that it was used. The login page also
explains where the link comes from, since `/me` without a session lands here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH
from selfcare.auth.sessions import end_session, same_secret
from selfcare.web.deps import get_context
from selfcare.web.pages.customer_texts import TEXTS
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.layout import (
    BONUS_PATH,
    CHECK_PATH,
    CONTACTS_PATH,
    LOGIN_PATH,
    PRIVATE,
    SPEED_PATH,
    FormToken,
    csrf_ok,
    form_expired,
    render_customer_page,
    with_lang,
)
from selfcare.web.pages.session import (
    CSRF_COOKIE,
    LINK_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    login_csrf,
    set_link_cookie,
    set_session_cookie,
)
from selfcare.web.pages.speedtest_auth import LINK_ERRORS, limit_login, login_error, sign_in

NEXT_PAGES = frozenset({BONUS_PATH, CONTACTS_PATH, CHECK_PATH, SPEED_PATH, "/join"})
PageLang = Annotated[Lang, Depends(page_language)]
router = APIRouter(include_in_schema=False)


def safe_next(wanted: str | None) -> str:
    """Only a customer page may follow a login (never another site: no open redirect)."""
    return wanted if wanted in NEXT_PAGES else BONUS_PATH


def _target(path: str, lang: str | None) -> str:
    return with_lang(path, lang) if lang in ("de", "en") else path


@router.get("/login", name="customer_login")
def login_page(
    request: Request,
    lang: PageLang,
    token: Annotated[str | None, Query(max_length=MAX_SECRET_LENGTH)] = None,
    next: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The login explanation and form; opening a link parks its token (see module)."""
    if token is None:
        return login_form(request, lang, next_path=safe_next(next))
    explicit = request.query_params.get("lang")
    query = {"next": safe_next(next)} | ({"lang": explicit} if explicit in ("de", "en") else {})
    target = f"{LOGIN_PATH}?{urlencode(query)}"
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    set_link_cookie(response, request, token.strip(), LOGIN_PATH)
    return response


def login_form(
    request: Request, lang: Lang, *, next_path: str, error: str | None = None
) -> Response:
    """The page itself; with an error, the matching 4xx status."""
    csrf = login_csrf(request)
    token = FormToken(csrf, fresh=request.cookies.get(CSRF_COOKIE) != csrf)
    t = TEXTS[lang]
    statuses = {None: 200, "login_empty": 400, "login_csrf": 403}
    dropped = error in LINK_ERRORS.values()  # a spent or stale link: ask for a code instead
    response = render_customer_page(
        request,
        "customer_login.html",
        lang=lang,
        title=t["login_title"],
        t=t,
        token=token,
        error=t[error] if error else None,
        pending=bool(request.cookies.get(LINK_COOKIE)) and not dropped,
        next_path=next_path,
        check_url=with_lang(CHECK_PATH, lang),
        status_code=statuses.get(error, 401),
    )
    if dropped:
        clear_cookie(response, LINK_COOKIE, LOGIN_PATH)
    return response


@router.post("/login", name="customer_login_submit")
def login_submit(
    request: Request,
    token: Annotated[str, Form(max_length=MAX_SECRET_LENGTH)] = "",
    lang: Annotated[Lang | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Check the login form's CSRF token and the customer token, open a session."""
    limit_login(request)
    chosen = page_language(lang, request.headers.get("accept-language", ""))
    next_path = safe_next(next)
    if not same_secret(request.cookies.get(CSRF_COOKIE), csrf):
        return login_form(request, chosen, next_path=next_path, error="login_csrf")
    secret = token.strip() or request.cookies.get(LINK_COOKIE, "")
    if not secret:
        return login_form(request, chosen, next_path=next_path, error="login_empty")
    now = datetime.now(UTC)  # wall time, like the tokens' expiry (not the program's clock)
    try:
        opened = sign_in(request, secret, now)
    except NotAuthenticated as exc:
        return login_form(request, chosen, next_path=next_path, error=login_error(exc))
    response = RedirectResponse(_target(next_path, lang), status_code=303, headers=PRIVATE)
    set_session_cookie(response, request, opened.secret, opened.session.expires_at, now)
    clear_cookie(response, LINK_COOKIE, LOGIN_PATH)
    return response


@router.post("/logout", name="customer_logout")
def logout(
    request: Request,
    lang: PageLang,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """End the session on the server (with this browser's CSRF token) and forget it."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and not csrf_ok(request, csrf):
        return form_expired(request, lang, customer_id=None)
    if secret:
        end_session(uow=get_context(request).app.uow, secret=secret)
    response = RedirectResponse(with_lang(LOGIN_PATH, lang), status_code=303, headers=PRIVATE)
    clear_cookie(response, SESSION_COOKIE)
    return response
