"""Handing a proven deviation to the ingest service, so the customer gets the hotline pass.

A completed, protocol-conformant series that proves a deviation becomes one
`speedcheck_deviation` event for the customer (evidence.deviation_event: its id derives from
customer and series). It is ingested like any other event, so the customer's progress and
timeline know it and a hotline call about it in the following days does not count.

The event is offered when the series completes, when the operator sets the contract
figures, and whenever the customer looks at their result, in case an earlier offer
failed; the id makes every repeat a harmless duplicate. `recorded_at` is left to the
ingest (the moment selfcare first stored it), so a repeat is the very same event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from selfcare.domain.events import Event
from selfcare.domain.speedcheck.models import Contract, Measurement
from selfcare.domain.speedcheck.protocol import FIXED_LINE
from selfcare.domain.speedcheck.verdict import Verdict, judge
from selfcare.ingest.service import EventConflict, Ingestor, ingest_event
from selfcare.speedcheck.evidence import deviation_event
from selfcare.speedcheck.series import MeasurementStore, current_series
from selfcare.store.unit_of_work import UnitOfWorkFactory

SOURCE = "speedcheck"
log = logging.getLogger(__name__)


def event_row(event: Event) -> dict[str, Any]:
    """The event as the ingest takes it, without `recorded_at` (the ingest sets it)."""
    row = event.model_dump(mode="json", exclude_none=True)
    row.pop("recorded_at", None)
    return row


class DeviationNotice:
    """Offers deviation events to the ingest service, once per series in effect."""

    def __init__(self, ingestor: Ingestor, uow: UnitOfWorkFactory) -> None:
        self._ingestor = ingestor
        self._uow = uow

    def __call__(self, event: Event) -> None:
        """Ingest the event (a repeat is a duplicate; the router calls this on completion)."""
        try:
            ingest_event(self._ingestor, event_row(event), source=SOURCE)
        except EventConflict:
            # Same series, other words: the contract figures changed after the event was
            # stored. The stored event already gives the pass; keep it as it is.
            log.info("speed check: deviation event %s already stored", event.event_id)

    def ensure(
        self, customer_id: str, series: Sequence[Measurement], verdict: Verdict | None
    ) -> Event | None:
        """The series' deviation event, ingested if it is not stored yet (None: no proof)."""
        if verdict is None or len(series) < FIXED_LINE.measurements:
            return None
        event = deviation_event(customer_id, series, verdict)
        if event is not None and not self.stored(event.event_id):
            self(event)
        return event

    def stored(self, event_id: str) -> bool:
        with self._uow(read_only=True) as work:
            return bool(work.events.by_ids([event_id]))

    def review(
        self, store: MeasurementStore, customer_id: str, contract: Contract | None
    ) -> Verdict | None:
        """Judge the customer's current series again (e.g. the contract figures just came)
        and ingest its deviation event if it now proves one."""
        series = current_series(store.list(customer_id))
        verdict = judge(series, contract) if contract is not None and series else None
        self.ensure(customer_id, series, verdict)
        return verdict
