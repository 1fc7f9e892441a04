"""Issuing and checking credentials: one function per use case, secrets shown only once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from selfcare.auth.principals import CustomerToken, NotAuthenticated, OperatorKey, Principal
from selfcare.auth.scopes import Scope, format_scopes
from selfcare.auth.secrets import SecretKind, digest, kind_of, new_secret
from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.domain.records import (
    ACCESS_TOKEN,
    LOGIN_LINK,
    ApiKeyRecord,
    CustomerTokenRecord,
)
from selfcare.errors import InvalidInput
from selfcare.store.ports import UnitOfWork, UnitOfWorkFactory

DEFAULT_TOKEN_TTL = timedelta(days=30)
# A login link is printed on the operator's terminal (`serve --login-link`) or sent in a
# message; until it is used, whoever reads it can log in. One day covers "open it today"
# (a demo started in the morning, a message read in the evening) and bounds how long an
# unread copy in a scrollback or a mailbox is worth anything; once used, it is spent.
LOGIN_LINK_TTL = timedelta(hours=24)
MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new API key; `key` exists only in this value, the database keeps its hash."""

    id: str
    name: str
    scopes: frozenset[Scope]
    key: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new customer token; `token` exists only in this value."""

    id: str
    customer_id: str
    expires_at: datetime
    token: str


def create_api_key(
    *, uow: UnitOfWorkFactory, name: str, scopes: frozenset[Scope], now: datetime | None = None
) -> IssuedKey:
    """Issue an operator key with the given scopes; only its hash is stored."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"--name: give a name of 1 to {MAX_NAME_LENGTH} characters")
    if not scopes:
        raise InvalidInput("--scopes: give at least one scope")
    key = new_secret(SecretKind.API_KEY)
    record = ApiKeyRecord(
        id=str(uuid.uuid4()),
        name=name,
        key_hash=digest(key),
        scopes=format_scopes(scopes),
        created_at=now or datetime.now(UTC),
    )
    with uow() as work:
        work.credentials.add_key(record)
        work.commit()
    return IssuedKey(id=record.id, name=name, scopes=scopes, key=key)


def create_customer_token(
    *,
    uow: UnitOfWorkFactory,
    customer_id: str,
    ttl: timedelta = DEFAULT_TOKEN_TTL,
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a token that reads one customer's own progress, grants and timeline."""
    return _issue(uow, customer_id, ttl, now, kind=SecretKind.CUSTOMER_TOKEN, purpose=ACCESS_TOKEN)


def create_login_link(
    *,
    uow: UnitOfWorkFactory,
    customer_id: str,
    ttl: timedelta = LOGIN_LINK_TTL,
    now: datetime | None = None,
    also: Callable[[UnitOfWork, IssuedToken], None] | None = None,
) -> IssuedToken:
    """Issue a one-time login link's secret (`scl_…`): it opens one browser session of
    this customer, once (`auth/sessions.py`), and is refused everywhere else.

    `also` runs in the unit of work that stores the link (the console audits the issue
    there), so a link and its audit entry commit together or not at all."""
    return _issue(
        uow, customer_id, ttl, now, kind=SecretKind.LOGIN_LINK, purpose=LOGIN_LINK, also=also
    )


def login_link_url(base_url: str, secret: str) -> str:
    """The address a customer opens: the login page of the service at `base_url` (as the
    customer reaches it; empty for a path on the same host) with the link's secret."""
    return f"{base_url.rstrip('/')}/login?token={secret}"


def _issue(
    uow: UnitOfWorkFactory,
    customer_id: str,
    ttl: timedelta,
    now: datetime | None,
    *,
    kind: SecretKind,
    purpose: str,
    also: Callable[[UnitOfWork, IssuedToken], None] | None = None,
) -> IssuedToken:
    customer_id = customer_id.strip()
    if not customer_id or len(customer_id) > MAX_ID_LENGTH:
        raise InvalidInput(f"customer id: give 1 to {MAX_ID_LENGTH} characters")
    if ttl <= timedelta(0):
        raise InvalidInput("token lifetime must be positive")
    token = new_secret(kind)
    issued_at = now or datetime.now(UTC)
    record = CustomerTokenRecord(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        token_hash=digest(token),
        created_at=issued_at,
        expires_at=issued_at + ttl,
        purpose=purpose,
    )
    issued = IssuedToken(record.id, customer_id, issued_at + ttl, token)
    with uow() as work:
        work.credentials.add_token(record)
        if also is not None:
            also(work, issued)
        work.commit()
    return issued


def authenticate(*, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None) -> Principal:
    """The caller behind a presented secret, or NotAuthenticated (never says which part failed)."""
    moment = now or datetime.now(UTC)
    kind = kind_of(secret)
    if kind is None:
        raise NotAuthenticated("unknown credentials")
    if kind is SecretKind.LOGIN_LINK:
        raise NotAuthenticated("a login link opens the customer pages once; it is no API token")
    with uow(read_only=True) as work:
        repository = work.credentials
        if kind is SecretKind.API_KEY:
            key = repository.key_by_hash(digest(secret))
            if key is not None and key.revoked_at is None:
                scopes = frozenset(s for s in Scope if s.value in key.scopes.split(","))
                return OperatorKey(key.id, key.name, scopes)
        else:
            token = repository.token_by_hash(digest(secret))
            if token is not None and _usable(token, moment):
                return CustomerToken(token.id, token.customer_id, token.expires_at)
    raise NotAuthenticated("unknown, revoked or expired credentials")


def _usable(token: CustomerTokenRecord, now: datetime) -> bool:
    if token.revoked_at is not None or token.purpose != ACCESS_TOKEN:
        return False
    return token.expires_at is None or token.expires_at > now


def revoke_api_key(*, uow: UnitOfWorkFactory, key_id: str, now: datetime | None = None) -> bool:
    """Revoke a key by id; False when no such key exists."""
    with uow() as work:
        found = work.credentials.revoke_key(key_id, now or datetime.now(UTC))
        work.commit()
    return found


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """An API key as listed: never its secret, not even its hash."""

    id: str
    name: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A customer token as listed: never its secret, not even its hash."""

    id: str
    customer_id: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    purpose: str = ACCESS_TOKEN
    used_at: datetime | None = None

    @property
    def login_link(self) -> bool:
        return self.purpose == LOGIN_LINK


def list_api_keys(*, uow: UnitOfWorkFactory) -> list[KeyInfo]:
    """Every API key, oldest first, revoked ones included (with the moment)."""
    with uow(read_only=True) as work:
        keys = work.credentials.keys()
    return [KeyInfo(k.id, k.name, k.scopes, k.created_at, k.revoked_at) for k in keys]


def list_customer_tokens(
    *, uow: UnitOfWorkFactory, customer_id: str | None = None
) -> list[TokenInfo]:
    """Customer tokens, oldest first (one customer's, or all)."""
    with uow(read_only=True) as work:
        tokens = work.credentials.tokens(customer_id)
    return [
        TokenInfo(
            t.id, t.customer_id, t.created_at, t.expires_at, t.revoked_at, t.purpose, t.used_at
        )
        for t in tokens
    ]


def revoke_customer_token(
    *, uow: UnitOfWorkFactory, token_id: str, now: datetime | None = None
) -> bool:
    """Revoke a token by id and end the browser sessions opened with it; False when no
    such token exists."""
    with uow() as work:
        found = work.credentials.revoke_token(token_id, now or datetime.now(UTC))
        work.commit()
    return found
