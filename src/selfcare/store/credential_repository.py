"""The auth tables behind one door: API keys and customer tokens, looked up by hash only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from selfcare.domain.records import ApiKeyRecord, CustomerTokenRecord
from selfcare.store.tables import ApiKeyRow, CustomerTokenRow


class SqlCredentialRepository:
    """API keys and customer tokens; no method ever sees or returns a raw secret."""

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
