"""Browser sessions of the customer pages, apart from the customer's 30-day token.

A session is opened with a pasted access token (`sct_…`, reusable until it expires) or
with a one-time login link (`scl_…`): the link is spent by a conditional UPDATE in the
same transaction that stores the session, so it opens one session at most, even when two
browsers confirm at once; a second confirmation learns that the link was used. The
secret is exchanged for a fresh random session id that lives only in an HttpOnly
cookie. The database keeps the id's SHA-256, the customer and the token it came from,
so logout (or revoking that token) ends the session on the server at once: a copied
cookie is worth nothing afterwards. The CSRF token of a session's forms is derived from
the session id, which only the browser holding the cookie knows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from selfcare.auth.principals import CustomerToken, NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH, SecretKind, digest, kind_of
from selfcare.domain.records import LOGIN_LINK, CustomerSessionRecord, CustomerTokenRecord
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
    record, secret = _session_record(token.token_id, token.customer_id, moment, expires)
    with uow() as work:
        work.credentials.add_session(record)
        work.commit()
    return OpenedSession(CustomerSession(record.id, token.customer_id, expires), secret)


def _session_record(
    token_id: str, customer_id: str, now: datetime, expires: datetime
) -> tuple[CustomerSessionRecord, str]:
    """A new session as stored (its id's hash) and the id itself, for the cookie."""
    secret = SESSION_PREFIX + secrets.token_urlsafe(32)
    record = CustomerSessionRecord(
        id=str(uuid.uuid4()),
        session_hash=digest(secret),
        customer_id=customer_id,
        token_id=token_id,
        created_at=now,
        expires_at=expires,
    )
    return record, secret


class LinkAlreadyUsed(NotAuthenticated):
    """A login link that already opened a session (ask for a new one)."""


class LinkExpired(NotAuthenticated):
    """A login link past its validity, never used (ask for a new one)."""


def is_login_link(secret: str) -> bool:
    """Whether a presented secret claims to be a login link (by its prefix)."""
    return kind_of(secret) is SecretKind.LOGIN_LINK


def open_link_session(
    *,
    uow: UnitOfWorkFactory,
    secret: str,
    ttl: timedelta = DEFAULT_SESSION_TTL,
    now: datetime | None = None,
) -> OpenedSession:
    """Spend a login link and open its session in one transaction (see module).

    The session lasts `ttl` from now, not capped by the link's own expiry: the link's
    validity bounds when it can be used, not how long the login it made lasts.
    LinkAlreadyUsed, LinkExpired, or NotAuthenticated for anything else."""
    moment = now or datetime.now(UTC)
    hashed = digest(secret)
    with uow() as work:
        link = work.credentials.use_login_link(hashed, moment)
        if link is None:
            raise _why_unusable(work.credentials.token_by_hash(hashed), moment)
        record, session_secret = _session_record(link.id, link.customer_id, moment, moment + ttl)
        work.credentials.add_session(record)
        work.commit()
    return OpenedSession(
        CustomerSession(record.id, link.customer_id, record.expires_at), session_secret
    )


def _why_unusable(link: CustomerTokenRecord | None, now: datetime) -> NotAuthenticated:
    if link is None or link.purpose != LOGIN_LINK or link.revoked_at is not None:
        return NotAuthenticated("unknown or revoked login link")
    if link.used_at is not None:
        return LinkAlreadyUsed("this login link was already used; ask for a new one")
    if link.expires_at is not None and link.expires_at <= now:
        return LinkExpired("this login link has expired; ask for a new one")
    return NotAuthenticated("unusable login link")


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
    """Whether sessions opened with this token go on: not after it is revoked; for an
    access token, not after it expires; a spent login link's expiry ends no session."""
    if token.revoked_at is not None:
        return False
    if token.purpose == LOGIN_LINK:
        return True
    return token.expires_at is None or token.expires_at > now
