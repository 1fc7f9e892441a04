"""Who is calling: an operator key with scopes or a customer holding their own token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from selfcare.auth.scopes import Scope
from selfcare.errors import NotAllowed


class NotAuthenticated(NotAllowed):
    """No usable credentials: missing, unknown, revoked or expired (HTTP 401)."""


@dataclass(frozen=True, slots=True)
class OperatorKey:
    """An operator system (call centre, app backend, portal) holding an API key."""

    key_id: str
    name: str
    scopes: frozenset[Scope]

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes

    def require(self, scope: Scope) -> None:
        """Refuse unless the key carries `scope`."""
        if scope not in self.scopes:
            raise NotAllowed(f"this API key lacks the scope {scope.value}")

    def require_customer(self, customer_id: str) -> None:
        """Operators with `grants:read` may read every customer."""
        del customer_id
        self.require(Scope.GRANTS_READ)


@dataclass(frozen=True, slots=True)
class CustomerToken:
    """A customer (portal, app) holding a token that is bound to their own id."""

    token_id: str
    customer_id: str
    expires_at: datetime | None

    def allows(self, scope: Scope) -> bool:  # noqa: ARG002 (the same question as a key's)
        return False

    def require(self, scope: Scope) -> None:
        """Customer tokens carry no operator scope."""
        raise NotAllowed(f"a customer token cannot use {scope.value}")

    def require_customer(self, customer_id: str) -> None:
        """Only the own id; the answer for any other id never says whether it exists."""
        if customer_id != self.customer_id:
            raise NotAllowed("this token may read only its own customer")


Principal = OperatorKey | CustomerToken
