"""The auth tables behind one door: API keys, customer tokens and browser sessions, looked up
by hash only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from selfcare.domain.records import (
    LOGIN_LINK,
    ApiKeyRecord,
    CustomerSessionRecord,
    CustomerTokenRecord,
)
from selfcare.store.tables import ApiKeyRow, CustomerSessionRow, CustomerTokenRow


class SqlCredentialRepository:
    """API keys, customer tokens and sessions; no method ever sees or returns a raw secret."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_key(self, key: ApiKeyRecord) -> None:
        self.session.add(ApiKeyRow(**key.model_dump()))

    def add_token(self, token: CustomerTokenRecord) -> None:
        self.session.add(CustomerTokenRow(**token.model_dump()))

    def key_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        row = self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
        return None if row is None else ApiKeyRecord.model_validate(row)

    def token_by_hash(self, token_hash: str) -> CustomerTokenRecord | None:
        query = select(CustomerTokenRow).where(CustomerTokenRow.token_hash == token_hash)
        row = self.session.scalar(query)
        return None if row is None else CustomerTokenRecord.model_validate(row)

    def revoke_key(self, key_id: str, now: datetime) -> bool:
        """Revoke a key, keeping the first revocation time; False when there is no such key."""
        if self.session.get(ApiKeyRow, key_id) is None:
            return False
        self.session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return True

    def keys(self) -> list[ApiKeyRecord]:
        query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        return [ApiKeyRecord.model_validate(row) for row in self.session.scalars(query)]

    def tokens(self, customer_id: str | None = None) -> list[CustomerTokenRecord]:
        query = select(CustomerTokenRow).order_by(CustomerTokenRow.created_at, CustomerTokenRow.id)
        if customer_id is not None:
            query = query.where(CustomerTokenRow.customer_id == customer_id)
        return [CustomerTokenRecord.model_validate(row) for row in self.session.scalars(query)]

    def token(self, token_id: str) -> CustomerTokenRecord | None:
        row = self.session.get(CustomerTokenRow, token_id)
        return None if row is None else CustomerTokenRecord.model_validate(row)

    def revoke_token(self, token_id: str, now: datetime) -> bool:
        """Revoke a token, keeping the first revocation time, and end its open sessions."""
        if self.session.get(CustomerTokenRow, token_id) is None:
            return False
        self.session.execute(
            update(CustomerTokenRow)
            .where(CustomerTokenRow.id == token_id, CustomerTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        self.session.execute(
            update(CustomerSessionRow)
            .where(CustomerSessionRow.token_id == token_id, CustomerSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )
        return True

    def use_login_link(self, token_hash: str, now: datetime) -> CustomerTokenRecord | None:
        """Spend a login link: one conditional UPDATE, so of two confirmations at the same
        moment exactly one sees a row changed (PostgreSQL makes the second wait for the
        first's row lock, then re-checks `used_at`; SQLite writes one at a time). None
        when the link is unknown, used, revoked or expired (the caller says which)."""
        spent = self.session.execute(
            update(CustomerTokenRow)
            .where(
                CustomerTokenRow.token_hash == token_hash,
                CustomerTokenRow.purpose == LOGIN_LINK,
                CustomerTokenRow.used_at.is_(None),
                CustomerTokenRow.revoked_at.is_(None),
                CustomerTokenRow.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(spent, "rowcount", 0) != 1:
            return None
        return self.token_by_hash(token_hash)

    def add_session(self, session: CustomerSessionRecord) -> None:
        self.session.add(CustomerSessionRow(**session.model_dump()))

    def session_by_hash(self, session_hash: str) -> CustomerSessionRecord | None:
        query = select(CustomerSessionRow).where(CustomerSessionRow.session_hash == session_hash)
        row = self.session.scalar(query)
        return None if row is None else CustomerSessionRecord.model_validate(row)

    def end_session(self, session_hash: str, now: datetime) -> bool:
        found = self.session_by_hash(session_hash)
        if found is None or found.ended_at is not None:
            return False
        self.session.execute(
            update(CustomerSessionRow)
            .where(CustomerSessionRow.id == found.id, CustomerSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )
        return True
