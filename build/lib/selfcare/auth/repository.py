"""The auth tables behind one door: API keys and customer tokens, looked up by hash only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcare.store.tables import ApiKeyRow, CustomerTokenRow


class CredentialRepository:
    """API keys and customer tokens; no method ever sees or returns a raw secret."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_key(self, row: ApiKeyRow) -> None:
        self.session.add(row)

    def add_token(self, row: CustomerTokenRow) -> None:
        self.session.add(row)

    def key_by_hash(self, key_hash: str) -> ApiKeyRow | None:
        return self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))

    def token_by_hash(self, token_hash: str) -> CustomerTokenRow | None:
        query = select(CustomerTokenRow).where(CustomerTokenRow.token_hash == token_hash)
        return self.session.scalar(query)

    def keys(self) -> list[ApiKeyRow]:
        return list(self.session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at)))

    def key(self, key_id: str) -> ApiKeyRow | None:
        return self.session.get(ApiKeyRow, key_id)
