"""Customer login for the speed check pages: a link or a pasted token, then a session.

A login link (`scl_…`) opens one session, once (`auth/sessions.py`); a pasted access
token (`sct_…`) opens one each time until it expires. A spent or expired link is told
apart from an unknown code, so the customer knows to ask for a new link.

An old computer with Internet Explorer cannot be asked to send an `Authorization` header,
so the customer opens a link with their token (`/speedtest/login?token=…`) or pastes it
into a plain form; both work without JavaScript. Opening the link logs no one in: the
answer moves the token into a short-lived cookie for the login path and redirects to
`/speedtest/login` without the query, so the token leaves the address bar (and the
access log sees it at most in that one request line, which `web/logs.py` masks). The
login is confirmed with a POST that carries the form's CSRF token and passes the
same-origin check (`web/guard.py`); a cross-site page therefore cannot log a victim in,
also in IE11, which ignores SameSite. The POST exchanges the token for a server-side
session (`auth/sessions.py`); logout ends that session on the server. Operator keys are
refused here; these pages are one customer's own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from selfcare.auth.principals import CustomerToken, NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH
from selfcare.auth.sessions import (
    LinkAlreadyUsed,
    LinkExpired,
    OpenedSession,
    end_session,
    is_login_link,
    open_link_session,
    open_session,
    same_secret,
)
from selfcare.web.deps import get_context
from selfcare.web.errors import problem_response
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.layout import ENV, PRIVATE, layout_context
from selfcare.web.pages.session import (
    CSRF_COOKIE,
    LINK_COOKIE,
    LOGIN_PATH,
    PREFIX,
    SESSION_COOKIE,
    clear_cookie,
    login_csrf,
    session_csrf,
    session_of,
    set_csrf_cookie,
    set_link_cookie,
    set_session_cookie,
)
from selfcare.web.pages.speedtest_texts import TEXTS

__all__ = ["ENV", "PREFIX", "PRIVATE", "auth_router", "customer_from_cookie", "install_login"]

CUSTOMER_LOGIN_PATH = "/login"


class LoginRequired(NotAuthenticated):
    """A speed check request without a live session (login page or 401)."""


def customer_from_cookie(request: Request) -> str:
    """FastAPI dependency: the customer whose session the browser's cookie names."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise LoginRequired(f"log in first: open {LOGIN_PATH} with your customer link")
    try:
        return session_of(get_context(request), secret).customer_id
    except NotAuthenticated as exc:
        raise LoginRequired("unknown, ended or expired session; log in again") from exc


def customer_token(request: Request, secret: str) -> CustomerToken:
    """The customer token behind a presented secret; LoginRequired for anything else."""
    try:
        principal = get_context(request).authenticate(secret)
    except NotAuthenticated as exc:
        raise LoginRequired("unknown, revoked or expired customer token; log in again") from exc
    if not isinstance(principal, CustomerToken):
        raise LoginRequired("the speed check pages need a customer token, not an API key")
    return principal


LINK_ERRORS: dict[type[NotAuthenticated], str] = {
    LinkAlreadyUsed: "login_link_used",
    LinkExpired: "login_link_expired",
}


def sign_in(request: Request, secret: str, now: datetime) -> OpenedSession:
    """Open a session with a login link (spent now, once) or a pasted access token.

    LinkAlreadyUsed / LinkExpired for a spent or stale link (`login_error` words them),
    LoginRequired for anything else."""
    ctx = get_context(request)
    ttl = timedelta(seconds=ctx.app.settings.session_ttl_s)
    if is_login_link(secret):
        try:
            return open_link_session(uow=ctx.app.uow, secret=secret, ttl=ttl, now=now)
        except (LinkAlreadyUsed, LinkExpired):
            raise
        except NotAuthenticated as exc:
            raise LoginRequired("unknown or revoked login link") from exc
    return open_session(uow=ctx.app.uow, token=customer_token(request, secret), ttl=ttl, now=now)


def login_error(exc: NotAuthenticated) -> str:
    """The text key of a failed login: a spent or stale link says so, the rest is one
    message that never tells which part was wrong."""
    return LINK_ERRORS.get(type(exc), "login_failed")


def _lang_query(lang: str | None) -> str:
    return f"?{urlencode({'lang': lang})}" if lang else ""


def login_form(request: Request, lang: Lang, *, error: str | None = None) -> HTMLResponse:
    """The login page (a confirmation when a link was just opened); 4xx after a failure.
    After a spent or stale link the parked link is dropped: the page asks for a code."""
    csrf = login_csrf(request)
    dropped = error in LINK_ERRORS.values()
    html = ENV.get_template("speedtest_login.html").render(
        **layout_context(request, lang, active="speed", logged_in=False, csrf=csrf),
        t=TEXTS[lang],
        error=TEXTS[lang][error] if error else None,
        title=TEXTS[lang]["login_title"],
        pending=bool(request.cookies.get(LINK_COOKIE)) and not dropped,
        form_url=request.url_for("speedtest_login").path,
    )
    statuses = {None: 200, "login_empty": 400, "login_csrf": 403}
    response = HTMLResponse(html, status_code=statuses.get(error, 401), headers=PRIVATE)
    if request.cookies.get(CSRF_COOKIE) != csrf:
        set_csrf_cookie(response, request, csrf)
    if dropped:
        clear_cookie(response, LINK_COOKIE, LOGIN_PATH)
    return response


def log_in(request: Request, lang: Lang, token: str, *, explicit_lang: bool) -> Response:
    """Check the token, open a session, set its cookie and go to the overview."""
    token = token.strip() or request.cookies.get(LINK_COOKIE, "")
    if not token:
        return login_form(request, lang, error="login_empty")
    now = datetime.now(UTC)  # wall time, like the tokens' expiry (not the program's clock)
    try:
        opened = sign_in(request, token, now)
    except NotAuthenticated as exc:
        return login_form(request, lang, error=login_error(exc))
    target = request.url_for("speedtest_series").path + _lang_query(lang if explicit_lang else None)
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    set_session_cookie(response, request, opened.secret, opened.session.expires_at, now)
    clear_cookie(response, LINK_COOKIE, LOGIN_PATH)
    return response


def limit_login(request: Request) -> None:
    """Login attempts per client address (429 beyond the rate limit)."""
    ctx = get_context(request)
    client = request.client.host if request.client else "-"
    ctx.rates.check(ctx.rate_limits.login_per_client, "login", client, "login attempts")


def auth_router() -> APIRouter:
    """`GET/POST /login` and `POST /logout`, to be included under `/speedtest`."""
    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse, name="speedtest_login")
    def login_page(
        request: Request,
        lang: Annotated[Lang, Depends(page_language)],
        token: Annotated[str | None, Query(max_length=MAX_SECRET_LENGTH)] = None,
    ) -> Response:
        if token is None:
            return login_form(request, lang)
        return _park_link(request, token)

    @router.post("/login", response_class=HTMLResponse, name="speedtest_login_submit")
    def login_submit(
        request: Request,
        token: Annotated[str, Form(max_length=MAX_SECRET_LENGTH)] = "",
        lang: Annotated[Lang | None, Form()] = None,
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        limit_login(request)
        chosen = page_language(lang, request.headers.get("accept-language", ""))
        if not same_secret(request.cookies.get(CSRF_COOKIE), csrf):
            return login_form(request, chosen, error="login_csrf")
        return log_in(request, chosen, token, explicit_lang=lang is not None)

    @router.post("/logout", name="speedtest_logout")
    def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret and not same_secret(csrf, session_csrf(request)):
            return problem_response(403, "forbidden", "missing or wrong CSRF token")
        if secret:
            end_session(uow=get_context(request).app.uow, secret=secret)
        response = RedirectResponse(
            request.url_for("speedtest_login").path, status_code=303, headers=PRIVATE
        )
        clear_cookie(response, SESSION_COOKIE)
        return response

    return router


def _park_link(request: Request, token: str) -> Response:
    """Opening a login link: keep the token in a login-path cookie, drop it from the URL."""
    lang = request.query_params.get("lang")
    target = request.url_for("speedtest_login").path
    query = _lang_query(lang) if lang in ("de", "en") else ""
    response = RedirectResponse(target + query, status_code=303, headers=PRIVATE)
    set_link_cookie(response, request, token.strip())
    return response


async def on_login_required(request: Request, exc: Exception) -> Response:
    """A browser asking for a page goes to the login form; anything else gets 401."""
    wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "")
    if wants_page:
        lang = request.query_params.get("lang")
        path = request.url.path
        if path.startswith(PREFIX):
            target = request.url_for("speedtest_login").path
            query = _lang_query(lang) if lang in ("de", "en") else ""
        else:  # my bonus, my contacts: the customer login explains how to get in
            target = CUSTOMER_LOGIN_PATH
            wanted = {"next": path} | ({"lang": lang} if lang in ("de", "en") else {})
            query = f"?{urlencode(wanted)}"
        return RedirectResponse(target + query, status_code=303, headers=PRIVATE)
    return problem_response(401, "unauthenticated", str(exc), instance=request.url.path)


def install_login(api: FastAPI) -> None:
    """Answer LoginRequired as above (more specific than the API's plain 401)."""
    api.add_exception_handler(LoginRequired, on_login_required)
