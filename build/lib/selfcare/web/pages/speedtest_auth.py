"""Customer login for the speed check pages: the customer token once, then an HttpOnly cookie.

An old computer with Internet Explorer cannot be asked to send an `Authorization` header,
so the customer opens a link with their token (`/speedtest/login?token=…`) or pastes it
into a plain form; both work without JavaScript. The answer sets an HttpOnly cookie
(SameSite=Lax, path /speedtest, Secure over HTTPS) holding the token, and every speed
check request after that is checked against the token store like any API call: revoked
or expired tokens stop working. Operator keys are refused here; these pages are one
customer's own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcare.auth.principals import CustomerToken, NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH
from selfcare.web.deps import get_context
from selfcare.web.errors import problem_response
from selfcare.web.pages.language import Lang, page_language
from selfcare.web.pages.speedtest_texts import TEXTS

COOKIE = "selfcare_speedtest"
PREFIX = "/speedtest"
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


class LoginRequired(NotAuthenticated):
    """A speed check request without a usable customer token (login page or 401)."""


def customer_from_cookie(request: Request) -> str:
    """FastAPI dependency: the customer whose token the browser's cookie holds."""
    secret = request.cookies.get(COOKIE)
    if not secret:
        raise LoginRequired(f"log in first: open {PREFIX}/login with your customer token")
    return customer_token(request, secret).customer_id


def customer_token(request: Request, secret: str) -> CustomerToken:
    """The customer token behind a presented secret; LoginRequired for anything else."""
    try:
        principal = get_context(request).authenticate(secret)
    except NotAuthenticated as exc:
        raise LoginRequired("unknown, revoked or expired customer token; log in again") from exc
    if not isinstance(principal, CustomerToken):
        raise LoginRequired("the speed check pages need a customer token, not an API key")
    return principal


def _lang_query(lang: str | None) -> str:
    return f"?{urlencode({'lang': lang})}" if lang else ""


def login_form(request: Request, lang: Lang, *, error: str | None = None) -> HTMLResponse:
    """The login page; 401 when it answers a failed attempt."""
    html = ENV.get_template("speedtest_login.html").render(
        lang=lang,
        t=TEXTS[lang],
        error=TEXTS[lang][error] if error else None,
        login_url=request.url_for("speedtest_login").path,
        other_language_url=request.url_for("speedtest_login").path
        + _lang_query("en" if lang == "de" else "de"),
    )
    status = 200 if error is None else (400 if error == "login_empty" else 401)
    return HTMLResponse(html, status_code=status, headers=PRIVATE)


def log_in(request: Request, lang: Lang, token: str, *, explicit_lang: bool) -> Response:
    """Check the token, set the cookie and go to the overview; the form again on failure."""
    token = token.strip()
    if not token:
        return login_form(request, lang, error="login_empty")
    try:
        principal = customer_token(request, token)
    except LoginRequired:
        return login_form(request, lang, error="login_failed")
    target = request.url_for("speedtest_series").path + _lang_query(lang if explicit_lang else None)
    response = RedirectResponse(target, status_code=303, headers=PRIVATE)
    expires = principal.expires_at
    response.set_cookie(
        COOKIE,
        token,
        max_age=_seconds_until(expires),
        expires=expires,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _seconds_until(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return max(0, int((moment - datetime.now(UTC)).total_seconds()))


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
        return log_in(request, lang, token, explicit_lang="lang" in request.query_params)

    @router.post("/login", response_class=HTMLResponse, name="speedtest_login_submit")
    def login_submit(
        request: Request,
        token: Annotated[str, Form(max_length=MAX_SECRET_LENGTH)] = "",
        lang: Annotated[Lang | None, Form()] = None,
    ) -> Response:
        chosen = page_language(lang, request.headers.get("accept-language", ""))
        return log_in(request, chosen, token, explicit_lang=lang is not None)

    @router.post("/logout", name="speedtest_logout")
    def logout(request: Request) -> Response:
        response = RedirectResponse(
            request.url_for("speedtest_login").path, status_code=303, headers=PRIVATE
        )
        response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="lax")
        return response

    return router


async def on_login_required(request: Request, exc: Exception) -> Response:
    """A browser asking for a page goes to the login form; anything else gets 401."""
    wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "")
    if wants_page:
        lang = request.query_params.get("lang")
        target = request.url_for("speedtest_login").path
        query = _lang_query(lang) if lang in ("de", "en") else ""
        return RedirectResponse(target + query, status_code=303, headers=PRIVATE)
    return problem_response(401, "unauthenticated", str(exc), instance=request.url.path)


def install_login(api: FastAPI) -> None:
    """Answer LoginRequired as above (more specific than the API's plain 401)."""
    api.add_exception_handler(LoginRequired, on_login_required)
