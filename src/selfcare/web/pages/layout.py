"""The frame every customer page shares, and the one way to render a page inside it.

A customer page needs the same few things each time: the language (`?lang=`, else
Accept-Language, else German), whether a session is logged in, the CSRF token for its
forms, the navigation with the current page marked, and `Cache-Control: no-store`,
because these pages show one customer's data. `render_customer_page` gathers them so a
route only hands in its own content; `customer_base.html` lays them out (skip link,
header with the language switch, navigation, main landmark, footer with logout).

CSRF: a logged-in form repeats the session's token (a one-way function of the session
id, `auth/sessions.py`); a logged-out form (the call checker, sign-up) repeats the value
of the `selfcare_csrf` cookie (double submit). `csrf_ok` checks whichever applies, so a
missing token or another browser's token is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.sessions import csrf_token, same_secret
from selfcare.web.deps import get_context
from selfcare.web.pages.language import Lang
from selfcare.web.pages.layout_texts import LAYOUT
from selfcare.web.pages.session import CSRF_COOKIE, SESSION_COOKIE, session_of, set_csrf_cookie

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

BONUS_PATH = "/me"
CONTACTS_PATH = "/me/contacts"
CHECK_PATH = "/check"
SPEED_PATH = "/speedtest/series"
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# Query parameters the language switch keeps (the page asked for after login, an answer).
KEPT_QUERY = frozenset({"next", "asked"})
# (key, path, label): the order of the navigation; `active` names the key.
NAV = (
    ("bonus", BONUS_PATH, "nav_bonus"),
    ("contacts", CONTACTS_PATH, "nav_contacts"),
    ("check", CHECK_PATH, "nav_check"),
    ("speed", SPEED_PATH, "nav_speed"),
)


@dataclass(frozen=True, slots=True)
class FormToken:
    """The CSRF value a page's forms carry; `fresh` when its cookie must still be set."""

    value: str
    fresh: bool


def with_lang(path: str, lang: str, **query: str) -> str:
    """A link that keeps the page's language: `/me?lang=en`."""
    return f"{path}?{urlencode({**query, 'lang': lang})}"


def current_customer(request: Request) -> str | None:
    """The customer of a live session, or None (no cookie, ended or expired session):
    pages that also work logged out ask this instead of demanding a login."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    try:
        return session_of(get_context(request), secret).customer_id
    except NotAuthenticated:
        return None


def form_csrf(request: Request) -> FormToken:
    """The CSRF token for the forms of this page (see the module text)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        return FormToken(csrf_token(secret), fresh=False)
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return FormToken(existing, fresh=False)
    return FormToken(secrets.token_urlsafe(24), fresh=True)


def csrf_ok(request: Request, presented: str | None) -> bool:
    """Whether a posted form carries this browser's CSRF token (constant-time check)."""
    secret = request.cookies.get(SESSION_COOKIE)
    expected = csrf_token(secret) if secret else request.cookies.get(CSRF_COOKIE, "")
    return bool(expected) and same_secret(presented, expected)


def layout_context(
    request: Request,
    lang: Lang,
    *,
    active: str | None,
    logged_in: bool,
    csrf: str,
) -> dict[str, Any]:
    """What `customer_base.html` needs besides the page's own content."""
    other: Lang = "en" if lang == "de" else "de"
    query = {k: v for k, v in request.query_params.items() if k in KEPT_QUERY}
    return {
        "lang": lang,
        "other_lang": other,
        "L": LAYOUT[lang],
        "site_name": get_context(request).app.program.name,
        "home_url": with_lang(BONUS_PATH if logged_in else CHECK_PATH, lang),
        "nav": [
            {"url": with_lang(path, lang), "label": LAYOUT[lang][label], "current": key == active}
            for key, path, label in NAV
        ],
        "other_language_url": with_lang(request.url.path, other, **query),
        "logged_in": logged_in,
        "logout_url": LOGOUT_PATH,
        "login_url": with_lang(LOGIN_PATH, lang),
        "csrf": csrf,
    }


def render_customer_page(
    request: Request,
    template: str,
    *,
    lang: Lang,
    title: str,
    active: str | None = None,
    customer_id: str | None = None,
    status_code: int = 200,
    token: FormToken | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render `template` (which extends customer_base.html) for the customer of the
    session (`customer_id`, None when logged out), never stored by any cache. `token`
    replaces the page's usual CSRF token (the login form's own double-submit value)."""
    token = token or form_csrf(request)
    frame = layout_context(
        request, lang, active=active, logged_in=customer_id is not None, csrf=token.value
    )
    page = {**frame, "title": title, "customer_id": customer_id, **context}
    html = ENV.get_template(template).render(page)
    response = HTMLResponse(html, status_code=status_code, headers=PRIVATE)
    if token.fresh:
        set_csrf_cookie(response, request, token.value)
    return response


def form_expired(request: Request, lang: Lang, *, customer_id: str | None) -> HTMLResponse:
    """The readable 403 page for a form without this browser's CSRF token."""
    return render_customer_page(
        request,
        "customer_error.html",
        lang=lang,
        title=LAYOUT[lang]["error_title"],
        customer_id=customer_id,
        status_code=403,
        message=LAYOUT[lang]["form_expired"],
    )
