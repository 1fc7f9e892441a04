"""The Prometheus metrics: names, labels, the database's gauges read at scrape time."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from selfcare.grants.readings import budget_left
from selfcare.telemetry.metrics import Metrics, Readings, serve_metrics, status_class


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_every_ingest_outcome_and_relay_outcome_is_exposed_from_zero() -> None:
    scraped = samples(Metrics())
    for outcome in ("stored", "duplicate", "conflict", "quarantined"):
        assert scraped["selfcare_ingest_rows_total", (("outcome", outcome),)] == 0
    for outcome in ("confirmed", "unavailable", "rejected"):
        assert scraped["selfcare_relay_attempts_total", (("outcome", outcome),)] == 0


def test_rows_are_counted_by_outcome() -> None:
    metrics = Metrics()
    metrics.count_rows(stored=3, duplicate=1, conflict=0)
    metrics.count_rows(stored=2, quarantined=4)
    scraped = samples(metrics)
    assert scraped["selfcare_ingest_rows_total", (("outcome", "stored"),)] == 5
    assert scraped["selfcare_ingest_rows_total", (("outcome", "duplicate"),)] == 1
    assert scraped["selfcare_ingest_rows_total", (("outcome", "quarantined"),)] == 4


def test_the_database_gauges_are_read_at_each_scrape() -> None:
    metrics = Metrics()
    depth = iter([4, 1])
    metrics.read_at_scrape(lambda: Readings(next(depth), 90.5, {"total": 1200, "month": 300}))
    first, second = samples(metrics), samples(metrics)
    assert first["selfcare_outbox_open_topups", ()] == 4
    assert second["selfcare_outbox_open_topups", ()] == 1
    assert first["selfcare_outbox_oldest_open_age_seconds", ()] == 90.5
    assert first["selfcare_budget_left_mb", (("scope", "total"),)] == 1200
    assert first["selfcare_budget_left_mb", (("scope", "month"),)] == 300
    assert first["selfcare_database_up", ()] == 1


def test_a_database_that_does_not_answer_gives_up_0_not_a_failed_scrape() -> None:
    def unreachable() -> Readings:
        raise ConnectionError("database away")

    metrics = Metrics()
    metrics.read_at_scrape(unreachable)
    scraped = samples(metrics)
    assert scraped["selfcare_database_up", ()] == 0
    assert ("selfcare_outbox_open_topups", ()) not in scraped
    assert ("selfcare_ingest_rows_total", (("outcome", "stored"),)) in scraped


def test_an_empty_outbox_is_age_0_and_an_unlimited_budget_has_no_sample() -> None:
    metrics = Metrics()
    metrics.read_at_scrape(lambda: Readings(0, None, {}))
    scraped = samples(metrics)
    assert scraped["selfcare_outbox_oldest_open_age_seconds", ()] == 0
    assert not [key for key in scraped if key[0] == "selfcare_budget_left_mb"]


def test_budget_left_is_the_limit_less_what_is_reserved_per_scope() -> None:
    spent = {"total": 1800, "2026-03": 600, "2026-02": 1200}
    assert budget_left((5000, 1000), spent, "2026-03") == {"total": 3200, "month": 400}
    assert budget_left((None, 1000), spent, "2026-04") == {"month": 1000}
    assert budget_left((None, None), spent, "2026-03") == {}
    assert budget_left((2000, None), {"2026-03": 500}, "2026-03") == {"total": 1500}


def test_status_codes_are_labelled_by_class() -> None:
    assert [status_class(s) for s in (200, 204, 301, 404, 422, 503)] == [
        "2xx",
        "2xx",
        "3xx",
        "4xx",
        "4xx",
        "5xx",
    ]


def test_the_internal_port_serves_the_same_metrics_without_a_key() -> None:
    metrics = Metrics()
    metrics.count_rows(stored=7)
    port, stop = serve_metrics(metrics, host="127.0.0.1", port=0)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    finally:
        stop()
    assert response.status_code == 200
    assert 'selfcare_ingest_rows_total{outcome="stored"} 7.0' in response.text
