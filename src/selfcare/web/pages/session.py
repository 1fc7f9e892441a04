"""The cookies of the customer pages: session, login CSRF and the link being exchanged.

- `selfcare_session`: a random session id (never the customer token), HttpOnly,
  SameSite=Lax, path / (the speed check, my bonus, my contacts and the call checker
  share one login), Secure over HTTPS; the server keeps only its hash.
- `selfcare_csrf`: a random value a logged-out form (login, call checker) repeats in a
  hidden field (double submit); a cross-site page can neither read nor set it.
- `selfcare_link`: the customer token of a login link, for the few minutes between
  opening the link and confirming the login (the login path only), so the token
  leaves the address bar at once and a link alone never logs anyone in.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response

from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.sessions import CustomerSession, csrf_token, session_customer
from selfcare.web.deps import WebContext

SESSION_COOKIE = "selfcare_session"
CSRF_COOKIE = "selfcare_csrf"
LINK_COOKIE = "selfcare_link"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
PREFIX = "/speedtest"
COOKIE_PATH = "/"
LOGIN_PATH = "/speedtest/login"
LINK_SECONDS = 600


def session_of(ctx: WebContext, secret: str) -> CustomerSession:
    """The live session behind a cookie value (NotAuthenticated otherwise)."""
    return session_customer(uow=ctx.app.uow, secret=secret)


def session_secret(request: Request) -> str:
    """The session cookie's value; NotAuthenticated when absent."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise NotAuthenticated(f"log in first: open {LOGIN_PATH} with your customer link")
    return secret


def session_csrf(request: Request) -> str:
    """The CSRF token of the request's session ('' without a session)."""
    secret = request.cookies.get(SESSION_COOKIE)
    return csrf_token(secret) if secret else ""


def login_csrf(request: Request) -> str:
    """The login form's CSRF value: the browser's cookie, or a fresh one to set."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(
    response: Response, request: Request, secret: str, expires_at: datetime, now: datetime
) -> None:
    seconds = max(0, int((expires_at - now).total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=seconds,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def clear_cookie(response: Response, name: str, path: str = COOKIE_PATH) -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="lax")


def set_csrf_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, value, path=COOKIE_PATH, httponly=True, samesite="lax", secure=_secure(request)
    )


def set_link_cookie(
    response: Response, request: Request, token: str, path: str = LOGIN_PATH
) -> None:
    response.set_cookie(
        LINK_COOKIE,
        token,
        max_age=int(timedelta(seconds=LINK_SECONDS).total_seconds()),
        path=path,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
