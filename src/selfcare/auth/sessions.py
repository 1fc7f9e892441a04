"""Browser sessions of the speed check pages, apart from the customer's 30-day token.

The login link carries the customer token once; it is exchanged for a fresh random
session id that lives only in an HttpOnly cookie. The database keeps the id's SHA-256,
the customer and the token it came from, so logout (or revoking that token) ends the
session on the server at once: a copied cookie is worth nothing afterwards. The CSRF
token of a session's forms is derived from the session id, which only the browser
holding the cookie knows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from selfcare.auth.principals import CustomerToken, NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH, digest
from selfcare.domain.records import CustomerSessionRecord, CustomerTokenRecord
from selfcare.store.ports import UnitOfWorkFactory

DEFAULT_SESSION_TTL = timedelta(hours=12)
SESSION_PREFIX = "scs_"


@dataclass(frozen=True, slots=True)
class CustomerSession:
    """A logged-in browser: the customer, and until when the session lasts."""

    session_id: str
    customer_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session; `secret` (the cookie value) exists only in this value."""

    session: CustomerSession
    secret: str


def csrf_token(secret: str) -> str:
    """The CSRF token of a session's forms: a one-way function of the session id."""
    return hashlib.sha256(b"selfcare-csrf:" + secret.encode("utf-8")).hexdigest()


def same_secret(presented: str | None, expected: str) -> bool:
    """Constant-time comparison, so the answer time does not leak a prefix."""
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())


def open_session(
    *,
    uow: UnitOfWorkFactory,
    token: CustomerToken,
    ttl: timedelta = DEFAULT_SESSION_TTL,
    now: datetime | None = None,
) -> OpenedSession:
    """Exchange a checked customer token for a session (ending no later than the token)."""
    moment = now or datetime.now(UTC)
    expires = moment + ttl
    if token.expires_at is not None:
        expires = min(expires, token.expires_at)
    secret = SESSION_PREFIX + secrets.token_urlsafe(32)
    record = CustomerSessionRecord(
        id=str(uuid.uuid4()),
        session_hash=digest(secret),
        customer_id=token.customer_id,
        token_id=token.token_id,
        created_at=moment,
        expires_at=expires,
    )
    with uow() as work:
        work.credentials.add_session(record)
        work.commit()
    return OpenedSession(CustomerSession(record.id, token.customer_id, expires), secret)


def session_customer(
    *, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None
) -> CustomerSession:
    """The session behind a cookie value; NotAuthenticated when unknown, ended, expired, or
    when the token it came from was revoked since."""
    moment = now or datetime.now(UTC)
    if not secret.startswith(SESSION_PREFIX) or len(secret) > MAX_SECRET_LENGTH:
        raise NotAuthenticated("unknown session")
    with uow(read_only=True) as work:
        record = work.credentials.session_by_hash(digest(secret))
        if record is None or record.ended_at is not None or record.expires_at <= moment:
            raise NotAuthenticated("unknown, ended or expired session; log in again")
        token = work.credentials.token(record.token_id)
    if token is None or not _token_usable(token, moment):
        raise NotAuthenticated("the token of this session was revoked; log in again")
    return CustomerSession(record.id, record.customer_id, record.expires_at)


def end_session(*, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None) -> bool:
    """Logout: end the session on the server; False when there was none to end."""
    with uow() as work:
        ended = work.credentials.end_session(digest(secret), now or datetime.now(UTC))
        work.commit()
    return ended


def _token_usable(token: CustomerTokenRecord, now: datetime) -> bool:
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
