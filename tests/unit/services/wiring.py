"""Services wired on the in-memory storage: a fake unit of work, a hand clock, a program."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from selfcare.domain.calendar import local_date
from selfcare.domain.program import Budget, Program
from selfcare.ingest.service import Ingestor
from tests.builders import make_program
from tests.fake_storage import FakeStorage


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Wired:
    """What bootstrap would hand the services, with fakes for storage and time."""

    program: Program = field(default_factory=make_program)
    storage: FakeStorage = field(default_factory=FakeStorage)
    clock: Clock = field(default_factory=Clock)

    @property
    def ingestor(self) -> Ingestor:
        return Ingestor(uow=self.storage, program=self.program, clock=self.clock)

    def today(self) -> date:
        return local_date(self.clock(), self.program.zone)


def with_budget(**budget: int) -> Wired:
    """Services under a program whose file sets a budget (the ledger seeds it from there)."""
    return Wired(program=make_program(budget=Budget(**budget)))


def enrolled_and_registered(customer: str, day: str = "2026-03-01") -> list[dict[str, Any]]:
    """Two events that make the portal-registration bonus (600 MB) due at once."""
    return [
        {
            "event_id": f"{customer}-inv",
            "customer_id": customer,
            "type": "invitation_accepted",
            "occurred_at": f"{day}T09:00:00+01:00",
        },
        {
            "event_id": f"{customer}-reg",
            "customer_id": customer,
            "type": "portal_registered",
            "occurred_at": f"{day}T10:00:00+01:00",
        },
    ]
