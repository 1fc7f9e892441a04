"""Small builders for tests: a program with overrides and events with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.grants.reconcile import CONFIRMED
from selfcare.program.load import bundled_example

BERLIN = ZoneInfo("Europe/Berlin")
_ids = itertools.count(1)


def make_program(**changes: Any) -> Program:
    """The bundled real case, with top-level fields or the streak reward's fields replaced."""
    program = bundled_example()
    streak_changes = changes.pop("streak", None)
    if streak_changes:
        rewards = tuple(
            r.model_copy(update=streak_changes) if r.kind == "streak" else r
            for r in program.rewards
        )
        changes["rewards"] = rewards
    return program.model_copy(update=changes)


def berlin(text: str) -> datetime:
    """A wall-clock time in Berlin, e.g. berlin('2025-05-31 10:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def event(kind: str, when: str, customer: str = "c1", **fields: Any) -> Event:
    """An event at a Berlin wall-clock time; recorded_at may be given as text too."""
    recorded = fields.pop("recorded_at", None)
    return Event(
        event_id=fields.pop("event_id", f"e{next(_ids)}"),
        customer_id=customer,
        type=kind,
        occurred_at=berlin(when),
        recorded_at=berlin(recorded) if isinstance(recorded, str) else recorded,
        **fields,
    )


def call(when: str, text: str = "Frage zu meinem Tarif", **fields: Any) -> Event:
    """An inbound hotline call that reached an agent and, by default, counts."""
    return event("hotline_call", when, text=text, **fields)


def enrolled(when: str = "2025-05-31 10:00", customer: str = "c1") -> Event:
    return event("invitation_accepted", when, customer=customer)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One grant as the ledger knows it, for reconciliation tests (a `LedgerGrant`)."""

    grant_id: str
    customer_id: str
    amount_mb: int
    status: str = CONFIRMED
