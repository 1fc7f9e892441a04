"""The service's Prometheus metrics: what an operator watches to know selfcare is healthy.

One `Metrics` per wired app, each with its own registry, so two apps in one process (tests,
benchmarks) never mix their counts. Counters and histograms are updated where the work
happens (ingest, the relay, the web layer); the gauges that only the database knows
(outbox depth, oldest open top-up, budget left) are read when Prometheus scrapes, through
a `readings` function the composition root wires to a service. Labels never carry a
customer id or anything a caller typed: only fixed outcomes, route templates, methods and
status classes, so the number of series stays small and no personal data leaves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
ROW_OUTCOMES = ("stored", "duplicate", "conflict", "quarantined")
ATTEMPT_OUTCOMES = ("confirmed", "unavailable", "rejected")
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True, slots=True)
class Readings:
    """What the database says at scrape time: open top-ups, the age of the oldest open
    one (None: none open), and MB left per limited budget scope (`total`, `month`)."""

    outbox_open: int
    oldest_open_age_s: float | None
    budget_left_mb: dict[str, int] = field(default_factory=dict)


class _DatabaseGauges:
    """A collector that asks the database when scraped; a failure yields `up 0`, never a
    failed scrape, so the process metrics still arrive while the database is away."""

    def __init__(self, read: Callable[[], Readings]) -> None:
        self.read = read

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "selfcare_database_up", "1 when the scrape could read the database, else 0."
        )
        try:
            readings = self.read()
        except Exception:  # the scrape must answer whatever the database does
            log.warning("metrics: reading the database failed", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _gauges(readings)


def _gauges(readings: Readings) -> Iterator[Metric]:
    yield GaugeMetricFamily(
        "selfcare_outbox_open_topups",
        "Top-ups in the outbox not yet confirmed or rejected by the charging system.",
        value=readings.outbox_open,
    )
    yield GaugeMetricFamily(
        "selfcare_outbox_oldest_open_age_seconds",
        "Age of the oldest top-up still waiting for the charging system (0: none waits).",
        value=readings.oldest_open_age_s or 0.0,
    )
    budget = GaugeMetricFamily(
        "selfcare_budget_left_mb",
        "MB the program may still grant, per limited scope (total, current month).",
        labels=["scope"],
    )
    for scope, left in sorted(readings.budget_left_mb.items()):
        budget.add_metric([scope], left)
    yield budget


class Metrics:
    """The metrics of one wired selfcare and the registry `/metrics` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._readings_lock = threading.Lock()
        self._has_readings = False
        ProcessCollector(registry=self.registry)
        self.ingest_rows = Counter(
            "selfcare_ingest_rows",
            "Ingested rows by outcome: stored, duplicate, conflict, quarantined.",
            ["outcome"],
            registry=self.registry,
        )
        self.projection_seconds = Histogram(
            "selfcare_projection_seconds",
            "Time to fold one write's new events into its customers' progress and ledger.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "selfcare_http_request_duration_seconds",
            "HTTP request latency by route template, method and status class (2xx, 4xx…).",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.relay_attempts = Counter(
            "selfcare_relay_attempts",
            "Top-up attempts at the charging system by outcome: confirmed, unavailable, rejected.",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ROW_OUTCOMES:
            self.ingest_rows.labels(outcome)
        for outcome in ATTEMPT_OUTCOMES:
            self.relay_attempts.labels(outcome)

    def count_rows(self, **by_outcome: int) -> None:
        """Count ingested rows, e.g. `count_rows(stored=3, duplicate=1)`."""
        for outcome, rows in by_outcome.items():
            if rows:
                self.ingest_rows.labels(outcome).inc(rows)

    def read_at_scrape(self, read: Callable[[], Readings]) -> None:
        """Have each scrape ask `read` for the database's gauges (once per registry)."""
        with self._readings_lock:
            if self._has_readings:
                return
            self.registry.register(_DatabaseGauges(read))
            self._has_readings = True

    def render(self) -> bytes:
        """The text exposition format Prometheus scrapes."""
        return generate_latest(self.registry)


def status_class(status: int) -> str:
    """`2xx`, `4xx`…: the label of a status code (its exact value would add series)."""
    return f"{status // 100}xx"


def serve_metrics(metrics: Metrics, *, host: str, port: int) -> tuple[int, Callable[[], None]]:
    """Serve `/metrics` without authentication on a separate (internal) address; the port
    it listens on and a function that stops it."""
    server, thread = start_http_server(port, addr=host, registry=metrics.registry)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return int(server.server_address[1]), stop
