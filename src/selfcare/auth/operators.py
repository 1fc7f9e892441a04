"""Operator accounts of the console: argon2id passwords, optional TOTP, server-side sessions.

A password is stored only as an argon2id hash (argon2-cffi's defaults: RFC 9106's
low-memory profile). An operator may enrol TOTP (RFC 6238, 30-second steps, one step of
clock drift accepted); then a login needs the current code as well. A login opens a
session whose random id lives only in the browser's cookie; the database keeps its
SHA-256, so logout ends it on the server. The console's CSRF token is derived from the
session id, like the customer pages' (with another label, so one never passes for the
other).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.secrets import MAX_SECRET_LENGTH, digest
from selfcare.domain.operators import OperatorRecord, OperatorSessionRecord, Role
from selfcare.errors import Conflict, InvalidInput
from selfcare.store.ports import UnitOfWorkFactory

SESSION_PREFIX = "sco_"
DEFAULT_SESSION_TTL = timedelta(hours=8)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 200
ISSUER = "selfcare"
HASHER = PasswordHasher(type=Type.ID)
# A hash verified when the name is unknown, so a guess takes as long either way.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class Operator:
    """A logged-in operator as pages see them (no hash, no TOTP secret)."""

    operator_id: str
    name: str
    role: Role

    def allows(self, needed: Role) -> bool:
        return self.role.allows(needed)


@dataclass(frozen=True, slots=True)
class CreatedOperator:
    """A new account; `totp_uri` (for an authenticator app) only when TOTP was asked for."""

    operator: Operator
    totp_uri: str | None


@dataclass(frozen=True, slots=True)
class OperatorLogin:
    """A new console session; `secret` (the cookie value) exists only in this value."""

    operator: Operator
    secret: str
    expires_at: datetime


class LoginRefused(NotAuthenticated):
    """Wrong name, password or TOTP code (one message for all: no account probing)."""


def hash_password(password: str) -> str:
    """The argon2id hash of a password (`$argon2id$v=19$m=…`)."""
    return HASHER.hash(password)


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"operator: the password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters"
        )


def create_operator(
    *,
    uow: UnitOfWorkFactory,
    name: str,
    role: Role,
    password: str,
    totp: bool = False,
    now: datetime | None = None,
) -> CreatedOperator:
    """Create an account; Conflict when the name is taken, InvalidInput for a short password."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ch.isspace() for ch in name):
        raise InvalidInput(f"operator: a name is 1 to {MAX_NAME} characters without spaces")
    check_password_rules(password)
    secret = pyotp.random_base32() if totp else None
    record = OperatorRecord(
        id=str(uuid.uuid4()),
        name=name,
        role=role,
        password_hash=hash_password(password),
        totp_secret=secret,
        created_at=now or datetime.now(UTC),
    )
    with uow() as work:
        if work.console.operator_by_name(name) is not None:
            raise Conflict(f"operator: the name {name!r} is taken")
        work.console.add_operator(record)
        work.commit()
    uri = None
    if secret is not None:
        uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)
    return CreatedOperator(Operator(record.id, name, role), uri)


def log_in(
    *,
    uow: UnitOfWorkFactory,
    name: str,
    password: str,
    totp_code: str = "",
    ttl: timedelta = DEFAULT_SESSION_TTL,
    now: datetime | None = None,
) -> OperatorLogin:
    """Check name, password and (if enrolled) TOTP code; open a session. LoginRefused else."""
    moment = now or datetime.now(UTC)
    with uow(read_only=True) as work:
        record = work.console.operator_by_name(name.strip()) if len(name) <= MAX_NAME else None
    if not _password_matches(record, password[:MAX_PASSWORD]) or record is None:
        raise LoginRefused("wrong name or password")
    if record.disabled_at is not None:
        raise LoginRefused("wrong name or password")
    if record.totp_secret is not None and not totp_valid(record.totp_secret, totp_code, moment):
        raise LoginRefused("wrong or missing one-time code")
    secret = SESSION_PREFIX + secrets.token_urlsafe(32)
    session = OperatorSessionRecord(
        id=str(uuid.uuid4()),
        session_hash=digest(secret),
        operator_id=record.id,
        created_at=moment,
        expires_at=moment + ttl,
    )
    with uow() as work:
        work.console.add_session(session)
        work.commit()
    return OperatorLogin(_operator(record), secret, session.expires_at)


def _password_matches(record: OperatorRecord | None, password: str) -> bool:
    try:
        return HASHER.verify(record.password_hash if record else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def totp_valid(secret: str, code: str, now: datetime) -> bool:
    """The 6-digit code of this, the previous or the next 30-second step."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):  # noqa: PLR2004 - TOTP codes have 6 digits
        return False
    return pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)


def session_operator(
    *, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None
) -> Operator:
    """The operator behind a console cookie; NotAuthenticated when unknown, ended, expired
    or the account was disabled since."""
    moment = now or datetime.now(UTC)
    if not secret.startswith(SESSION_PREFIX) or len(secret) > MAX_SECRET_LENGTH:
        raise NotAuthenticated("unknown console session")
    with uow(read_only=True) as work:
        session = work.console.session_by_hash(digest(secret))
        if session is None or session.ended_at is not None or session.expires_at <= moment:
            raise NotAuthenticated("unknown, ended or expired console session; log in again")
        record = work.console.operator(session.operator_id)
    if record is None or record.disabled_at is not None:
        raise NotAuthenticated("this operator account is disabled")
    return _operator(record)


def log_out(*, uow: UnitOfWorkFactory, secret: str, now: datetime | None = None) -> bool:
    """End a console session on the server; False when there was none open."""
    with uow() as work:
        ended = work.console.end_session(digest(secret), now or datetime.now(UTC))
        work.commit()
    return ended


def console_csrf(secret: str) -> str:
    """The CSRF token of a console session's forms: a one-way function of the session id."""
    return hashlib.sha256(b"selfcare-operator-csrf:" + secret.encode("utf-8")).hexdigest()


def list_operators(*, uow: UnitOfWorkFactory) -> list[Operator]:
    with uow(read_only=True) as work:
        return [_operator(r) for r in work.console.operators()]


def _operator(record: OperatorRecord) -> Operator:
    return Operator(record.id, record.name, record.role)
