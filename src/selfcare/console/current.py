"""The program a running service uses: the newest published version, without a restart.

Publishing (the console's form or `selfcare program publish`) stores a new version; the
service must use it for events evaluated afterwards, while grants made before keep the
digest of the version that made them (the ledger never rewrites them).

Why a checked cache and not a read per use: the program is consulted many times per
request (every page, every ingest batch, the tick), and parsing its TOML each time would
cost more than the request. Why not only a refresh on publish: the CLI publishes from
another process, and a service may run as several processes, none of which hears the
others. So `CurrentProgram` keeps the parsed program and, at most once per `ttl_s`,
reads the head of `program_versions` — program id, version and digest of the newest row,
a few dozen bytes from a table of a handful of rows — and parses a version only when the
head changed. A publish in this process calls `refresh()`, so the next use here sees it
at once; another process sees it within `ttl_s` (SELFCARE_PROGRAM_REFRESH_S, default 2 s;
0 checks on every use). Should that read fail, the program in hand stays in use and the
next use tries again: a database too busy for it fails the request's own work anyway.

A program file (SELFCARE_PROGRAM_PATH, `--program`) or a program handed to
`bootstrap.build` is pinned: publishing then changes nothing until the service starts
without it (the console says so).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from selfcare.console.programs import version_program
from selfcare.domain.program import Program
from selfcare.errors import StorageUnavailable
from selfcare.program.digest import program_digest
from selfcare.store.ports import UnitOfWorkFactory

DEFAULT_REFRESH_S = 2.0
log = logging.getLogger(__name__)
Head = tuple[str, int, str]


class CurrentProgram:
    """The program in use now; call it (`programs()`) wherever the program is needed."""

    def __init__(
        self,
        program: Program,
        *,
        uow: UnitOfWorkFactory | None = None,
        ttl_s: float = DEFAULT_REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Without `uow`, `program` is pinned for good; with it, `program` is what runs
        while nothing is published, and the first use reads the newest version."""
        self._program = program
        self._uow = uow
        self._head: Head | None = None
        self._ttl_s = max(0.0, ttl_s)
        self._clock = clock
        self._due = float("-inf")
        self._lock = threading.Lock()

    @property
    def follows_published(self) -> bool:
        """Whether a newly published version replaces the program (False: pinned)."""
        return self._uow is not None

    def __call__(self) -> Program:
        uow = self._uow
        if uow is None or self._clock() < self._due:
            return self._program
        if not self._lock.acquire(blocking=False):
            return self._program  # another thread is looking right now: no queue behind it
        try:
            if self._clock() >= self._due:
                self._check(uow)
                self._due = self._clock() + self._ttl_s
        finally:
            self._lock.release()
        return self._program

    def refresh(self) -> None:
        """Check the published versions at the next use (after a publish in this process)."""
        self._due = float("-inf")

    def pin(self, program: Program) -> None:
        """Use `program` from now on, whatever is published (tests)."""
        self._uow = None
        self._program = program

    def _check(self, uow: UnitOfWorkFactory) -> None:
        try:
            with uow(read_only=True) as work:
                head = work.console.latest_head()
                if head is None or head == self._head:
                    return
                record = work.console.version(head[0], head[1])
        except StorageUnavailable as exc:
            log.warning("program: could not look for a newer published version: %s", exc)
            return
        if record is None or self._uow is not uow:  # gone, or pinned meanwhile
            return
        program = version_program(record)
        log.info(
            "program: now running %s version %s (digest %s)",
            record.program_id,
            record.version,
            program_digest(program)[:12],
        )
        self._program, self._head = program, head
