"""Time-driven work: what falls due without any event arriving.

A streak completes at midnight, a settlement passes, a new month frees budget for held
grants; nobody sends an event for that. The relay loop calls one `Tick` regularly (the
composition root wires it); it is safe to run in several processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from selfcare.customers.projection import catch_up, settle
from selfcare.domain.calendar import local_date
from selfcare.domain.program import Program
from selfcare.grants.budget import release_held
from selfcare.store.ports import UnitOfWork


def release_due(*, uow: Callable[..., UnitOfWork], program: Program, now: datetime) -> list[str]:
    """Release held grants the budget now has room for; the ids released."""
    with uow() as work:
        released = release_held(work, program, now)
        work.commit()
    return released


@dataclass
class Tick:
    """Grants that fell due without an event, budget releases and, on a program's first
    tick, the states of customers stored before that program was in use."""

    uow: Callable[..., UnitOfWork]
    clock: Callable[[], datetime]
    _caught_up: set[str] = field(default_factory=set, repr=False)

    def __call__(self, program: Program) -> None:
        today = local_date(self.clock(), program.zone)
        if program.id not in self._caught_up:
            catch_up(uow=self.uow, program=program, today=today, clock=self.clock)
            self._caught_up.add(program.id)
        settle(uow=self.uow, program=program, today=today, clock=self.clock)
        release_due(uow=self.uow, program=program, now=self.clock())
