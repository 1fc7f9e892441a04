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
from selfcare.console.current import CurrentProgram
from selfcare.customers.tick import Tick
from selfcare.domain.calendar import local_date
from selfcare.domain.program import Program
from selfcare.grants.charging import ChargingClient
from selfcare.grants.outbox import Relay, RelaySettings, start_relay_thread
from selfcare.grants.readings import read_operations
from selfcare.ingest.service import Ingestor, Limits
from selfcare.pilot.acceptance import Invitations, Throttle
from selfcare.program.load import bundled_example, load_program
from selfcare.speedcheck.deviation import DeviationNotice
from selfcare.speedcheck.service import SpeedCheck
from selfcare.speedcheck.storage import UnitOfWorkMeasurementStore, contract_for
from selfcare.store.engine import head_revision, make_engine, migrate, schema_revision
from selfcare.store.reachability import check_reachable
from selfcare.store.unit_of_work import SqlUnitOfWorkFactory
from selfcare.telemetry.metrics import Metrics, Readings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    """A wired selfcare: storage, program, charging system and clock, ready for services."""

    settings: Settings
    engine: Engine
    uow: SqlUnitOfWorkFactory
    programs: CurrentProgram
    charging: ChargingClient
    clock: Callable[[], datetime]
    ingestor: Ingestor
    speedcheck: SpeedCheck
    metrics: Metrics
    _tick: Tick = field(repr=False)
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def program(self) -> Program:
        """The program in use now: the newest published version, taken up without a
        restart (console/current.py), or the pinned file."""
        return self.programs()

    @program.setter
    def program(self, program: Program) -> None:
        """Pin a program from now on (tests that run under another program)."""
        self.programs.pin(program)

    def today(self) -> date:
        """Today in the program's time zone (the `as_of` of live progress)."""
        return local_date(self.clock(), self.program.zone)

    def relay(self, **changes: Any) -> Relay:
        """An outbox relay configured from the settings (`changes` override them)."""
        configured = RelaySettings(
            workers=self.settings.relay_concurrency,
            per_claim=self.settings.relay_batch_size,
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
            metrics=self.metrics,
        )

    def read_operations(self) -> Readings:
        """Outbox depth, oldest open top-up and budget left, as a metrics scrape reads them."""
        return read_operations(uow=self.uow, program=self.program, clock=self.clock)

    def tick(self) -> None:
        """Time-driven work for the program in use (customers/tick.py): grants due
        without an event, budget releases, states of customers from before it."""
        self._tick(self.program)

    def start_background_relay(self) -> tuple[threading.Event, threading.Thread]:
        """Start the relay (and the settle tick) in a thread; set the event to stop it."""
        stop = threading.Event()
        thread = start_relay_thread(
            self.relay(), stop, tick=self.tick, tick_every_s=self.settings.settle_every_s
        )
        return stop, thread

    def invitations(self, throttle: Throttle | None = None) -> Invitations | None:
        """Invitation acceptance (`/join`), when an invitation secret is configured."""
        secret = self.settings.invitation_secret
        if not secret:
            return None
        return Invitations(self.uow, self.ingestor, secret.encode(), throttle)

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
        _checked(engine, migrate)
    closers: list[Callable[[], None]] = []
    if charging is None:
        from selfcare.grants.http_charging import HttpChargingClient

        http = HttpChargingClient(settings.charging_url, timeout=settings.charging_timeout_s)
        closers.append(http.close)
        charging = http
    clock = clock or utc_now
    uow = SqlUnitOfWorkFactory(engine)
    programs = _programs(settings, uow, program, published=run_migrations)
    program = programs()
    limits = Limits(
        max_batch=settings.max_batch_events,
        tolerance=timedelta(seconds=settings.future_tolerance_s),
        earliest=settings.earliest_event_date,
    )
    metrics = Metrics()
    ingestor = Ingestor(
        uow=uow, program=program, clock=clock, limits=limits, metrics=metrics, programs=programs
    )
    wired = App(
        settings=settings,
        engine=engine,
        uow=uow,
        programs=programs,
        charging=charging,
        clock=clock,
        ingestor=ingestor,
        speedcheck=_speedcheck(uow, ingestor, clock),
        metrics=metrics,
        _tick=Tick(uow=uow, clock=clock),
        _closers=closers,
    )
    metrics.read_at_scrape(wired.read_operations)
    return wired


def _programs(
    settings: Settings, uow: SqlUnitOfWorkFactory, program: Program | None, *, published: bool
) -> CurrentProgram:
    """A given program or the configured file, pinned; else the newest published version
    (the console's or `selfcare program publish`; only on a schema this build migrated),
    followed while running, and the bundled example while none is published."""
    if program is not None:
        return CurrentProgram(program)
    if settings.program_path:
        return CurrentProgram(load_program(settings.program_path))
    if not published:
        return CurrentProgram(bundled_example())
    return CurrentProgram(bundled_example(), uow=uow, ttl_s=settings.program_refresh_s)


def _speedcheck(
    uow: SqlUnitOfWorkFactory, ingestor: Ingestor, clock: Callable[[], datetime]
) -> SpeedCheck:
    """The speed check on the service's database, its deviations handed to ingest."""
    return SpeedCheck(
        store=UnitOfWorkMeasurementStore(uow, clock=clock),
        contracts=lambda customer_id: contract_for(uow, customer_id),
        deviations=DeviationNotice(ingestor, uow),
        clock=clock,
    )


def _checked(engine: Engine, action: Callable[[Engine], Any]) -> Any:
    """Run `action` on the engine after checking the database can be opened at all; the
    engine is disposed of when it cannot (DatabaseUnavailable names the URL and the fix)."""
    try:
        check_reachable(engine)
    except Exception:
        engine.dispose()
        raise
    return action(engine)


@dataclass(frozen=True, slots=True)
class Migration:
    """What `selfcare migrate` did: the revision before (None: empty database) and after."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        """ "created the schema …", "upgraded the schema from … to …" or "nothing to do …"."""
        if self.before == self.after:
            return f"nothing to do: the schema is at the newest revision {self.after}"
        if self.before is None:
            return f"created the schema (revision {self.after})"
        return f"upgraded the schema from revision {self.before} to {self.after}"


def migrate_database(settings: Settings | None = None) -> Migration:
    """Bring the configured database to the newest schema and say what that took."""
    engine = make_engine((settings or get_settings()).database_url)
    try:
        before = _checked(engine, schema_revision)
        if before != head_revision():
            migrate(engine)
        return Migration(before, schema_revision(engine))
    finally:
        engine.dispose()
