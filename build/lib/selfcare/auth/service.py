"""Issuing and checking credentials: one function per use case, secrets shown only once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from selfcare.auth.principals import CustomerToken, NotAuthenticated, OperatorKey, Principal
from selfcare.auth.repository import CredentialRepository
from selfcare.auth.scopes import Scope, format_scopes
from selfcare.auth.secrets import SecretKind, digest, kind_of, new_secret
from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.errors import InvalidInput
from selfcare.store.tables import ApiKeyRow, CustomerTokenRow
from selfcare.store.unit_of_work import UnitOfWorkFactory

DEFAULT_TOKEN_TTL = timedelta(days=30)
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
    row = ApiKeyRow(
        id=str(uuid.uuid4()),
        name=name,
        key_hash=digest(key),
        scopes=format_scopes(scopes),
        created_at=now or datetime.now(UTC),
    )
    with uow() as work:
        CredentialRepository(work.session).add_key(row)
        work.commit()
    return IssuedKey(id=row.id, name=name, scopes=scopes, key=key)


def create_customer_token(
    *,
    uow: UnitOfWorkFactory,
    customer_id: str,
    ttl: timedelta = DEFAULT_TOKEN_TTL,
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a token that reads one customer's own progress, grants and timeline."""
    customer_id = customer_id.strip()
    if not customer_id or len(customer_id) > MAX_ID_LENGTH:
        raise InvalidInput(f"customer id: give 1 to {MAX_ID_LENGTH} characters")
    if ttl <= timedelta(0):
        raise InvalidInput("token lifetime must be positive")
    token = new_secret(SecretKind.CUSTOMER_TOKEN)
    issued_at = now or datetime.now(UTC)
    row = CustomerTokenRow(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        token_hash=digest(token),
        created_at=issued_at,
        expires_at=issued_at + ttl,
    )
    with uow() as work:
        CredentialRepository(work.session).add_token(row)
        work.commit()
    return IssuedToken(row.id, customer_id, issued_at + ttl, token)


def authenticate(*, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None) -> Principal:
    """The caller behind a presented secret, or NotAuthenticated (never says which part failed)."""
    moment = now or datetime.now(UTC)
    kind = kind_of(secret)
    if kind is None:
        raise NotAuthenticated("unknown credentials")
    with uow(read_only=True) as work:
        repository = CredentialRepository(work.session)
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


def _usable(token: CustomerTokenRow, now: datetime) -> bool:
    if token.revoked_at is not None:
        return False
    return token.expires_at is None or token.expires_at > now


def revoke_api_key(*, uow: UnitOfWorkFactory, key_id: str, now: datetime | None = None) -> bool:
    """Revoke a key by id; False when no such key exists."""
    with uow() as work:
        row = CredentialRepository(work.session).key(key_id)
        if row is None:
            return False
        row.revoked_at = row.revoked_at or now or datetime.now(UTC)
        work.commit()
    return True
