"""The composition root: the one place that picks real implementations and wires them.

CLI commands, the web app and tests all call `build(settings, **overrides)`; tests pass
fakes (a charging client, a fixed clock) instead of patching anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from selfcare.config import Settings, get_settings
from selfcare.customers.projection import catch_up, settle
from selfcare.domain.calendar import local_date
from selfcare.domain.program import Program
from selfcare.grants.budget import release_held
from selfcare.grants.charging import ChargingClient
from selfcare.grants.outbox import Relay, RelaySettings, start_relay_thread
from selfcare.ingest.service import Ingestor, Limits
from selfcare.program.load import bundled_example, load_program
from selfcare.store.engine import make_engine, migrate
from selfcare.store.unit_of_work import UnitOfWorkFactory


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    """A wired selfcare: storage, program, charging system and clock, ready for services."""

    settings: Settings
    engine: Engine
    uow: UnitOfWorkFactory
    program: Program
    charging: ChargingClient
    clock: Callable[[], datetime]
    ingestor: Ingestor
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _caught_up: bool = field(default=False, repr=False)

    def today(self) -> date:
        """Today in the program's time zone (the `as_of` of live progress)."""
        return local_date(self.clock(), self.program.zone)

    def relay(self, **changes: Any) -> Relay:
        """An outbox relay configured from the settings (`changes` override them)."""
        configured = RelaySettings(
            workers=self.settings.relay_concurrency,
            lease=timedelta(seconds=self.settings.relay_lease_s),
            attempts=self.settings.relay_attempts,
            idle_s=self.settings.relay_idle_s,
            backoff_cap=timedelta(seconds=self.settings.relay_backoff_cap_s),
        )
        return Relay(
            uow=self.uow,
            charging=self.charging,
            clock=self.clock,
            settings=replace(configured, **changes),
        )

    def tick(self) -> None:
        """Time-driven work: grants that fell due without an event, budget releases (and,
        on the first tick, states of customers stored before this program was in use)."""
        if not self._caught_up:
            catch_up(uow=self.uow, program=self.program, today=self.today(), clock=self.clock)
            self._caught_up = True
        settle(uow=self.uow, program=self.program, today=self.today(), clock=self.clock)
        with self.uow() as work:
            release_held(work, self.program, self.clock())
            work.commit()

    def start_background_relay(self) -> tuple[threading.Event, threading.Thread]:
        """Start the relay (and the settle tick) in a thread; set the event to stop it."""
        stop = threading.Event()
        thread = start_relay_thread(
            self.relay(), stop, tick=self.tick, tick_every_s=self.settings.settle_every_s
        )
        return stop, thread

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self.engine.dispose()


def build(
    settings: Settings | None = None,
    *,
    program: Program | None = None,
    charging: ChargingClient | None = None,
    clock: Callable[[], datetime] | None = None,
    engine: Engine | None = None,
    run_migrations: bool = True,
) -> App:
    """Wire a selfcare from settings; every keyword replaces one real part (tests: fakes)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
    if program is None:
        program = (
            load_program(settings.program_path) if settings.program_path else (bundled_example())
        )
    closers: list[Callable[[], None]] = []
    if charging is None:
        from selfcare.grants.http_charging import HttpChargingClient

        http = HttpChargingClient(settings.charging_url, timeout=settings.charging_timeout_s)
        closers.append(http.close)
        charging = http
    clock = clock or utc_now
    uow = UnitOfWorkFactory(engine)
    limits = Limits(
        max_batch=settings.max_batch_events,
        tolerance=timedelta(seconds=settings.future_tolerance_s),
    )
    ingestor = Ingestor(uow=uow, program=program, clock=clock, limits=limits)
    return App(
        settings=settings,
        engine=engine,
        uow=uow,
        program=program,
        charging=charging,
        clock=clock,
        ingestor=ingestor,
        _closers=closers,
    )
