"""The console's door: login and logout, the operator's session, roles, CSRF and rendering.

- `selfcare_operator`: a random session id (never a password), HttpOnly, SameSite=Strict,
  path /operator, Secure over HTTPS: separate from the customer's `selfcare_session`,
  so neither login opens the other's pages. The server keeps its SHA-256 only.
- `selfcare_operator_csrf`: the login form's double-submit value (path /operator/login).
- Every console form carries the session's CSRF token (`console_csrf`) and must come
  from this site (Origin, else Referer); IE11 sends neither on forms, the token decides.
- Login attempts are rate-limited per client address and per account name.

`require_role(Role.ADMIN)` is the dependency other console routes use: a browser without
a session is sent to the login page, a role below the one needed gets a 403 page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcare.auth.operators import (
    MAX_NAME,
    MAX_PASSWORD,
    LoginRefused,
    Operator,
    console_csrf,
    log_in,
    log_out,
    session_operator,
)
from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.sessions import same_secret
from selfcare.console.audit import record
from selfcare.domain.operators import Role
from selfcare.errors import NotAllowed
from selfcare.web.deps import WebContext, get_context
from selfcare.web.guard import same_origin
from selfcare.web.pages.language import Lang, from_accept_language, page_language
from selfcare.web.pages.operator_texts import TEXTS
from selfcare.web.ratelimit import RateLimited

PREFIX = "/operator"
LOGIN_PATH = "/operator/login"
SESSION_COOKIE = "selfcare_operator"
LOGIN_CSRF_COOKIE = "selfcare_operator_csrf"
PRIVATE = {"Cache-Control": "no-store"}
ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
PageLang = Annotated[Lang, Depends(page_language)]
NAV = (
    ("programs", "/operator/programs", "nav_programs"),
    ("pilot", "/operator/pilot", "nav_pilot"),
    ("operations", "/operator/operations", "nav_operations"),
    ("customers", "/operator/customers", "nav_customers"),
    ("audit", "/operator/audit", "nav_audit"),
)


class OperatorLoginRequired(NotAuthenticated):
    """A console request without a live operator session (login page, or 401)."""


class RoleTooLow(NotAllowed):
    """The operator's role is below the one the route needs (403 page)."""

    def __init__(self, operator: Operator, needed: Role) -> None:
        super().__init__(f"needs the role {needed.value}; {operator.name} is {operator.role.value}")
        self.operator = operator
        self.needed = needed


class FormRefused(NotAllowed):
    """A console form without this session's CSRF token, or sent from another site."""

    def __init__(self, operator: Operator | None) -> None:
        super().__init__("missing or wrong CSRF token, or a cross-site form")
        self.operator = operator


def _secret(request: Request) -> str:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise OperatorLoginRequired(f"log in first at {LOGIN_PATH}")
    return secret


def current_operator(request: Request) -> Operator:
    """FastAPI dependency: the operator whose console session the cookie names."""
    secret = _secret(request)
    ctx = get_context(request)
    try:
        return session_operator(uow=ctx.app.uow, secret=secret)
    except NotAuthenticated as exc:
        raise OperatorLoginRequired(str(exc)) from exc


def require_role(role: Role) -> Callable[[Request], Operator]:
    """A dependency letting through operators of `role` or above (see the module doc)."""

    def check(request: Request) -> Operator:
        operator = current_operator(request)
        if not operator.allows(role):
            raise RoleTooLow(operator, role)
        return operator

    check.__name__ = f"require_{role.value}"
    return check


Viewer = Annotated[Operator, Depends(require_role(Role.VIEWER))]
ProgramManager = Annotated[Operator, Depends(require_role(Role.PROGRAM_MANAGER))]
Admin = Annotated[Operator, Depends(require_role(Role.ADMIN))]


def check_form(request: Request, operator: Operator | None, csrf: str) -> None:
    """Refuse a state-changing form without the session's token or from another site."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    if not same_origin(request.headers, request.url.scheme):
        raise FormRefused(operator)
    if not secret or not same_secret(csrf, console_csrf(secret)):
        raise FormRefused(operator)


def csrf_of(request: Request) -> str:
    secret = request.cookies.get(SESSION_COOKIE)
    return console_csrf(secret) if secret else ""


def render(
    request: Request,
    template: str,
    *,
    lang: Lang,
    operator: Operator | None,
    section: str = "",
    status: int = 200,
    page_path: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A console page in `lang`: the layout's navigation, CSRF token and language switch
    (to `page_path`, for a page shown in answer to a form's POST)."""
    t = TEXTS[lang]
    other = "en" if lang == "de" else "de"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if page_path is not None:
        query = []
    html = ENV.get_template(template).render(
        lang=lang,
        t=t,
        q=f"?lang={lang}",
        base=request.scope.get("root_path", ""),
        operator=operator,
        role_name=t[f"role_{operator.role.value}"] if operator else "",
        csrf=csrf_of(request),
        section=section,
        nav=[
            (key, f"{href}?lang={lang}", t[label])
            for key, href, label in NAV
            if key != "audit" or (operator is not None and operator.allows(Role.ADMIN))
        ],
        other_language_url=f"{page_path or request.url.path}?"
        + urlencode([*query, ("lang", other)]),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=PRIVATE)


def message(
    request: Request,
    *,
    lang: Lang,
    operator: Operator | None,
    title: str,
    lines: list[str],
    status: int,
    section: str = "",
) -> HTMLResponse:
    return render(
        request,
        "operator_message.html",
        lang=lang,
        operator=operator,
        section=section,
        status=status,
        title=title,
        lines=lines,
        error=status >= 400,  # noqa: PLR2004 - an HTTP error status
    )


def request_lang(request: Request) -> Lang:
    chosen = request.query_params.get("lang")
    if chosen in ("de", "en"):
        return "de" if chosen == "de" else "en"
    return from_accept_language(request.headers.get("accept-language", ""))


def _login_page(
    request: Request, lang: Lang, *, error: str | None = None, name: str = "", status: int = 200
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "operator_login.html",
        lang=lang,
        operator=None,
        status=status,
        error=error,
        name=name,
        login_csrf=token,
    )
    if request.cookies.get(LOGIN_CSRF_COOKIE) != token:
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            path=LOGIN_PATH,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


def _limit(ctx: WebContext, request: Request, name: str) -> None:
    client = request.client.host if request.client else "-"
    limits = ctx.rate_limits
    ctx.rates.check(limits.operator_login_per_client, "oplogin", client, "login attempts")
    ctx.rates.check(
        limits.operator_login_per_account, "oplogin:account", name.lower(), "login attempts"
    )


def auth_router() -> APIRouter:
    """`GET/POST /operator/login` and `POST /operator/logout`."""
    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse, name="operator_login")
    def login_page(request: Request, lang: PageLang) -> Response:
        return _login_page(request, lang)

    @router.post("/login", response_class=HTMLResponse, name="operator_login_submit")
    def login_submit(
        request: Request,
        *,
        name: Annotated[str, Form(max_length=MAX_NAME)] = "",
        password: Annotated[str, Form(max_length=MAX_PASSWORD)] = "",
        totp: Annotated[str, Form(max_length=16)] = "",
        lang: Annotated[Lang | None, Form()] = None,
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        chosen = lang or request_lang(request)
        ctx = get_context(request)
        try:
            _limit(ctx, request, name.strip())
        except RateLimited as exc:
            text = TEXTS[chosen]["login_limited"].format(seconds=exc.retry_after)
            page = _login_page(request, chosen, error=text, name=name, status=429)
            page.headers["Retry-After"] = str(exc.retry_after)
            return page
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
        if not same_origin(request.headers, request.url.scheme) or not same_secret(cookie, csrf):
            return _login_page(request, chosen, error=TEXTS[chosen]["login_csrf"], status=403)
        return _logged_in(request, ctx, chosen, name=name, password=password, totp=totp)

    @router.post("/logout", name="operator_logout")
    def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        secret = request.cookies.get(SESSION_COOKIE)
        operator = None
        if secret:
            ctx = get_context(request)
            try:
                operator = session_operator(uow=ctx.app.uow, secret=secret)
            except NotAuthenticated:
                operator = None
            check_form(request, operator, csrf)
            if log_out(uow=ctx.app.uow, secret=secret) and operator is not None:
                record(ctx.app.uow, actor=operator.name, action="logout", target=operator.name)
        response = RedirectResponse(
            f"{LOGIN_PATH}?lang={request_lang(request)}", status_code=303, headers=PRIVATE
        )
        response.delete_cookie(SESSION_COOKIE, path=PREFIX, httponly=True, samesite="strict")
        return response

    return router


def _logged_in(
    request: Request, ctx: WebContext, lang: Lang, *, name: str, password: str, totp: str
) -> Response:
    uow = ctx.app.uow
    now = datetime.now(UTC)  # wall time, like every session's expiry
    try:
        login = log_in(
            uow=uow,
            name=name,
            password=password,
            totp_code=totp,
            ttl=timedelta(seconds=ctx.app.settings.session_ttl_s),
            now=now,
        )
    except LoginRefused as exc:
        record(uow, actor=name.strip()[:MAX_NAME] or "-", action="login_refused", target=str(exc))
        return _login_page(request, lang, error=TEXTS[lang]["login_failed"], name=name, status=401)
    record(uow, actor=login.operator.name, action="login", target=login.operator.name)
    response = RedirectResponse(f"{PREFIX}?lang={lang}", status_code=303, headers=PRIVATE)
    response.set_cookie(
        SESSION_COOKIE,
        login.secret,
        max_age=max(0, int((login.expires_at - now).total_seconds())),
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH, httponly=True, samesite="strict")
    return response


async def _on_login_required(request: Request, exc: Exception) -> Response:
    """A browser asking for a page goes to the login form; anything else gets a 401 page."""
    lang = request_lang(request)
    if request.method == "GET":
        return RedirectResponse(f"{LOGIN_PATH}?lang={lang}", status_code=303, headers=PRIVATE)
    t = TEXTS[lang]
    return message(
        request, lang=lang, operator=None, title=t["login_title"], lines=[str(exc)], status=401
    )


async def _on_role_too_low(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoleTooLow)  # noqa: S101 - registered for RoleTooLow only
    lang = request_lang(request)
    t = TEXTS[lang]
    text = t["forbidden"].format(
        role=t[f"role_{exc.operator.role.value}"], needed=t[f"role_{exc.needed.value}"]
    )
    return message(
        request,
        lang=lang,
        operator=exc.operator,
        title=t["forbidden_title"],
        lines=[text],
        status=403,
    )


async def _on_form_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormRefused)  # noqa: S101 - registered for FormRefused only
    lang = request_lang(request)
    t = TEXTS[lang]
    return message(
        request,
        lang=lang,
        operator=exc.operator,
        title=t["csrf_title"],
        lines=[t["csrf"]],
        status=403,
    )


def install_console_errors(api: FastAPI) -> None:
    """Answer the console's refusals with readable pages (not problem+json)."""
    api.add_exception_handler(OperatorLoginRequired, _on_login_required)
    api.add_exception_handler(RoleTooLow, _on_role_too_low)
    api.add_exception_handler(FormRefused, _on_form_refused)
