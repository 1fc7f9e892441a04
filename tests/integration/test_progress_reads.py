"""The lookup's read on a driver connection (store/lookup.py) against the unit of work's.

The API's progress lookup reads below the ORM; it must see what the unit of work sees:
the same snapshot and frozen verdicts, and exactly the grants the charging system refused
in this program, on both backends.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from selfcare.bootstrap import App
from selfcare.customers.queries import lookup_progress, refused_grants
from selfcare.errors import UnknownCustomer
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.service import ingest_batch
from selfcare.store import lookup
from selfcare.store.lookup import ProgressReads

pytestmark = pytest.mark.integration


def ingest(app: App, customer: str, *calls: str) -> None:
    rows = [
        {"event_id": f"{customer}-inv", "customer_id": customer, "type": "invitation_accepted"},
        {"event_id": f"{customer}-reg", "customer_id": customer, "type": "portal_registered"},
        *(
            {"event_id": f"{customer}-{n}", "customer_id": customer, "type": "hotline_call"}
            | {"text": text}
            for n, text in enumerate(calls)
        ),
    ]
    moments = [f"2026-0{1 + n // 20}-{1 + n % 20:02d}T09:00:00Z" for n in range(len(rows))]
    report = ingest_batch(
        app.ingestor, [row | {"occurred_at": at} for row, at in zip(rows, moments, strict=True)]
    )
    assert report.accepted == len(rows)


def test_the_lookup_read_is_the_unit_of_works_read(app: App) -> None:
    ingest(app, "c1", "Frage zu meiner Rechnung", "Vertrag verlängern")
    ingest(app, "c2")
    for customer in ("c1", "c2"):
        found = ProgressReads(app.engine).read(app.program.id, customer)
        with app.uow(read_only=True) as work:
            stored = work.states.read(app.program.id, customer)
        assert found is not None
        assert found.stored == stored
        assert found.refused == frozenset()
    assert ProgressReads(app.engine).read(app.program.id, "nobody") is None
    assert ProgressReads(app.engine).read("another-program", "c1") is None


def test_only_refused_grants_of_this_customer_are_read_as_refused(
    app: App, charging: FakeChargingClient
) -> None:
    ingest(app, "c1")
    charging.script(Fault.REJECT)
    app.relay().work_once()
    ingest(app, "c2")
    today = app.today()
    for customer, expected in (("c1", {("portal_registration", "once")}), ("c2", set())):
        found = lookup_progress(
            engine=app.engine, program_id=app.program.id, customer_id=customer, as_of=today
        )
        ledger = customer_grants(uow=app.uow, customer_id=customer)
        assert found.refused == expected == refused_grants(ledger, app.program.id)
    with pytest.raises(UnknownCustomer):
        lookup_progress(engine=app.engine, program_id=app.program.id, customer_id="x", as_of=today)


def test_a_connection_that_failed_a_read_is_not_handed_out_again(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(app, "c1")
    dropped: list[object] = []
    event.listen(app.engine, "invalidate", lambda connection, *_: dropped.append(connection))

    def lost(*_: object) -> None:
        raise ConnectionError("server closed the connection unexpectedly")

    reads = ProgressReads(app.engine)
    for backend in ("_sqlite", "_postgresql"):
        monkeypatch.setattr(lookup, backend, lost)
    with pytest.raises(ConnectionError):
        reads.read(app.program.id, "c1")
    assert len(dropped) == 1
    monkeypatch.undo()
    found = reads.read(app.program.id, "c1")
    assert found is not None
    assert found.stored.event_count == 2
