"""Operator accounts, their browser sessions, the audit log and published program versions.

Plain records, as storage keeps them and services hand them out; the rules (hashing,
who may do what, how versions are numbered) live in `selfcare.auth.operators` and
`selfcare.console`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    """What an operator may do; each role may also do everything of the roles before it."""

    VIEWER = "viewer"
    PROGRAM_MANAGER = "program_manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role is `needed` or above it."""
        return self.rank >= needed.rank


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class OperatorRecord(_Record):
    """An operator account; the password only as an argon2id hash, TOTP secret if enrolled."""

    id: str
    name: str
    role: Role
    password_hash: str
    totp_secret: str | None = None
    created_at: datetime
    disabled_at: datetime | None = None


class OperatorSessionRecord(_Record):
    """A console login; the cookie's value is known to the browser only (its SHA-256 here)."""

    id: str
    session_hash: str
    operator_id: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class AuditEntry(_Record):
    """One operator action: who, what, on which object, when, and the state before/after."""

    id: int | None = None
    at: datetime
    actor: str
    action: str
    target: str
    before: str | None = None
    after: str | None = None


class ProgramVersionRecord(_Record):
    """One published version of a program: the file as published and its content digest.

    `digest` is the SHA-256 of the validated program (not of the file's spelling), so a
    comment or reordering is no new version; grants carry the digest of the program that
    made them.
    """

    program_id: str
    version: int
    digest: str
    source_text: str
    published_at: datetime
    published_by: str
    note: str = ""
