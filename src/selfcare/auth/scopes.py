"""What an operator API key may do: a small fixed set of scopes."""

from __future__ import annotations

from enum import StrEnum

from selfcare.errors import InvalidInput


class Scope(StrEnum):
    """`events:write` feeds events in, `events:backfill` may also set their `recorded_at`
    (loading history: otherwise the service stamps the time it received them),
    `grants:read` reads any customer's progress and grants, `pilot:admin` sees held
    grants and quarantine, `customers:token` issues customer tokens, `metrics:read`
    scrapes `/metrics`."""

    EVENTS_WRITE = "events:write"
    EVENTS_BACKFILL = "events:backfill"
    GRANTS_READ = "grants:read"
    PILOT_ADMIN = "pilot:admin"
    CUSTOMERS_TOKEN = "customers:token"  # noqa: S105 (a scope name, not a secret)
    METRICS_READ = "metrics:read"


def parse_scopes(text: str) -> frozenset[Scope]:
    """Scopes from `a,b,c`; an unknown or empty list is refused with the allowed names."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    allowed = ", ".join(s.value for s in Scope)
    if not names:
        raise InvalidInput(f"--scopes: give at least one of {allowed}")
    known = {s.value for s in Scope}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput(f"--scopes: unknown scope {unknown[0]!r}; use {allowed}")
    return frozenset(Scope(n) for n in names)


def format_scopes(scopes: frozenset[Scope]) -> str:
    """The stored form: sorted, comma-separated."""
    return ",".join(sorted(s.value for s in scopes))
