"""A short-lived memory of checked credentials, so a busy API does not hash-and-query twice.

Only successful checks are remembered, keyed by the secret's digest, for `ttl_s` seconds
and never past a token's expiry. A key revoked in this process is forgotten at once
(`forget`); one revoked by another process (the CLI) stops working here within `ttl_s`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from selfcare.auth.principals import CustomerToken, OperatorKey, Principal
from selfcare.auth.secrets import digest


class CredentialCache:
    """Wraps an `authenticate(secret) -> Principal` check with a bounded TTL memory."""

    def __init__(
        self,
        check: Callable[[str], Principal],
        *,
        ttl_s: float = 10.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._check = check
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Principal]] = {}

    def __call__(self, secret: str) -> Principal:
        cached = self.cached(secret)
        if cached is not None:
            return cached
        key, now = digest(secret), self._clock()
        principal = self._check(secret)
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (now + self._ttl_s, principal)
        return principal

    def cached(self, secret: str) -> Principal | None:
        """The remembered caller for `secret`, if still fresh (no database access)."""
        with self._lock:
            hit = self._entries.get(digest(secret))
        if hit is not None and hit[0] > self._clock() and not _expired(hit[1]):
            return hit[1]
        return None

    def forget(self, credential_id: str) -> None:
        """Drop a revoked key or token at once (it is found by id: the secret is unknown)."""
        with self._lock:
            stale = [k for k, (_, p) in self._entries.items() if _id_of(p) == credential_id]
            for key in stale:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _id_of(principal: Principal) -> str:
    return principal.key_id if isinstance(principal, OperatorKey) else principal.token_id


def _expired(principal: Principal) -> bool:
    if isinstance(principal, CustomerToken) and principal.expires_at is not None:
        return principal.expires_at <= datetime.now(UTC)
    return False
