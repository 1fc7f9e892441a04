"""The grants ledger: written once with its outbox entry; the budget is never overspent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import pytest

from selfcare.bootstrap import App
from selfcare.domain.ledger import BUDGET_EXHAUSTED, GrantStatus
from selfcare.domain.program import Budget, Program
from selfcare.grants.budget import budget_status, set_budget
from selfcare.grants.ledger import customer_grants, grant_id, list_grants
from selfcare.ingest.service import Ingestor, ingest_batch
from selfcare.store.engine import make_session_factory
from selfcare.store.unit_of_work import SqlUnitOfWork
from tests.builders import make_program
from tests.integration.conftest import Clock

pytestmark = pytest.mark.integration


def enrolled_and_registered(customer: str, day: str = "2026-03-01") -> list[dict[str, Any]]:
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


def with_budget(app: App, **budget: int) -> Ingestor:
    """Ingest under a program whose file sets a budget (the ledger seeds it from there)."""
    program = app.program.model_copy(update={"budget": Budget(**budget)})
    app.program = program
    return Ingestor(uow=app.uow, program=program, clock=app.clock)


def outbox_grant_ids(app: App) -> set[str]:
    with app.uow(read_only=True) as work:
        claimed = work.outbox.claim("test", app.clock(), app.clock(), 10_000)
        return {c.grant.grant_id for c in claimed}


def test_each_due_grant_is_written_once_with_its_outbox_entry(app: App) -> None:
    ingest_batch(app.ingestor, enrolled_and_registered("c1"))
    ingest_batch(app.ingestor, enrolled_and_registered("c1"))
    ingest_batch(
        app.ingestor,
        [
            {
                "event_id": "c1-app",
                "customer_id": "c1",
                "type": "app_first_login",
                "occurred_at": "2026-03-01T11:00:00Z",
            }
        ],
    )
    grants = customer_grants(uow=app.uow, customer_id="c1")
    assert sorted((g.reward, g.period, g.amount_mb, g.status) for g in grants) == [
        ("app_install", "once", 600, "pending"),
        ("portal_registration", "once", 600, "pending"),
    ]
    assert {g.grant_id for g in grants} == {
        grant_id(app.program.id, "c1", "portal_registration", "once"),
        grant_id(app.program.id, "c1", "app_install", "once"),
    }
    assert outbox_grant_ids(app) == {g.grant_id for g in grants}


class CommitFails(SqlUnitOfWork):
    """A unit of work whose commit fails, as if the database went away right then."""

    def commit(self) -> None:
        self.session.flush()
        raise ConnectionError("database went away before COMMIT")


def test_events_grants_and_outbox_commit_together_or_not_at_all(app: App) -> None:
    sessions = make_session_factory(app.engine)
    failing = Ingestor(uow=lambda **_: CommitFails(sessions), program=app.program, clock=app.clock)
    with pytest.raises(ConnectionError):
        ingest_batch(failing, enrolled_and_registered("c1"))
    with app.uow(read_only=True) as work:
        assert (work.events.count(), work.outbox.open_count()) == (0, 0)
    assert list_grants(uow=app.uow) == []


def test_grants_beyond_the_budget_are_held_and_released_when_it_is_raised(app: App) -> None:
    ingestor = with_budget(app, total_mb=1200)
    for customer in ("c1", "c2", "c3"):
        ingest_batch(ingestor, enrolled_and_registered(customer))
    held = list_grants(uow=app.uow, status=GrantStatus.HELD)
    assert [(g.customer_id, g.hold_reason) for g in held] == [("c3", BUDGET_EXHAUSTED)]
    status = budget_status(uow=app.uow, program=app.program, clock=app.clock)
    assert (status.spent_total_mb, status.held_grants, status.held_mb) == (1200, 1, 600)
    raised = set_budget(
        uow=app.uow, program=app.program, total_mb=1800, monthly_mb=None, clock=app.clock
    )
    assert raised.released == (held[0].grant_id,)
    assert (raised.spent_total_mb, raised.held_grants) == (1800, 0)
    assert held[0].grant_id in outbox_grant_ids(app)


def test_held_grants_are_released_in_order_of_due_date_then_id(app: App, clock: Clock) -> None:
    ingestor = with_budget(app, total_mb=600)
    ingest_batch(ingestor, enrolled_and_registered("a"))  # fits
    clock.now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    ingest_batch(ingestor, enrolled_and_registered("z", "2026-03-03"))  # held, due 3 March
    clock.now = datetime(2026, 3, 4, 12, tzinfo=UTC)
    ingest_batch(ingestor, enrolled_and_registered("b", "2026-03-04"))  # held, due 4 March
    ingest_batch(ingestor, enrolled_and_registered("c", "2026-03-04"))  # held, due 4 March
    by_customer = {g.customer_id: g.grant_id for g in list_grants(uow=app.uow)}
    first = set_budget(
        uow=app.uow, program=app.program, total_mb=1200, monthly_mb=None, clock=app.clock
    )
    second = set_budget(
        uow=app.uow, program=app.program, total_mb=2400, monthly_mb=None, clock=app.clock
    )
    assert first.released == (by_customer["z"],)
    assert second.released == tuple(sorted([by_customer["b"], by_customer["c"]]))


def test_a_monthly_budget_holds_grants_within_the_month_only(app: App, clock: Clock) -> None:
    ingestor = with_budget(app, monthly_mb=600)
    ingest_batch(ingestor, enrolled_and_registered("c1"))
    ingest_batch(ingestor, enrolled_and_registered("c2"))
    clock.now = datetime(2026, 4, 1, 12, tzinfo=UTC)
    ingest_batch(ingestor, enrolled_and_registered("c3", "2026-04-01"))
    grants = {g.customer_id: (g.granted_on, g.status) for g in list_grants(uow=app.uow)}
    assert grants == {
        "c1": (date(2026, 3, 2), "pending"),
        "c2": (date(2026, 3, 2), "held"),
        "c3": (date(2026, 4, 1), "pending"),
    }
    status = budget_status(uow=app.uow, program=app.program, clock=app.clock)
    assert status.spent_by_month == {"2026-03": 600, "2026-04": 600}


@pytest.mark.slow
def test_twenty_concurrent_workers_spend_exactly_the_budget_and_hold_the_rest(
    app: App,
) -> None:
    customers = [f"c{n:03d}" for n in range(200)]  # 200 grants of 600 MB are due
    budget = 70 * 200 * 600 // 100  # covers 70 % of them: 84,000 MB
    ingestor = with_budget(app, total_mb=budget)

    def worker(mine: list[str]) -> None:
        for customer in mine:
            ingest_batch(ingestor, enrolled_and_registered(customer))

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(worker, [customers[n::20] for n in range(20)]))
    grants = list_grants(uow=app.uow)
    paid = [g for g in grants if g.status == "pending"]
    held = [g for g in grants if g.status == "held"]
    assert (len(grants), len(paid), len(held)) == (200, 140, 60)
    assert sum(g.amount_mb for g in paid) == budget
    status = budget_status(uow=app.uow, program=app.program, clock=app.clock)
    assert (status.spent_total_mb, status.held_mb) == (budget, 60 * 600)
    assert outbox_grant_ids(app) == {g.grant_id for g in paid}


def test_the_program_files_budget_seeds_the_ledger_once(app: App) -> None:
    program: Program = make_program(budget=Budget(total_mb=600))
    app.program = program
    status = budget_status(uow=app.uow, program=program, clock=app.clock)
    assert (status.total_mb, status.monthly_mb) == (600, None)
    set_budget(uow=app.uow, program=program, total_mb=5000, monthly_mb=None, clock=app.clock)
    assert budget_status(uow=app.uow, program=program, clock=app.clock).total_mb == 5000


def test_a_budget_set_later_counts_what_was_granted_before(app: App) -> None:
    """Spend counts every grant released under the program, also before the budget was
    set: 1,200 MB granted, then a budget of 1,000 MB leaves nothing to grant."""
    for customer in ("c1", "c2"):
        ingest_batch(app.ingestor, enrolled_and_registered(customer))
    status = set_budget(
        uow=app.uow, program=app.program, total_mb=1000, monthly_mb=None, clock=app.clock
    )
    assert (status.spent_total_mb, status.left_total_mb) == (1200, 0)
    assert status.spent_by_month == {"2026-03": 1200}
    ingest_batch(app.ingestor, enrolled_and_registered("c3"))
    assert [g.customer_id for g in list_grants(uow=app.uow, status=GrantStatus.HELD)] == ["c3"]
    raised = set_budget(
        uow=app.uow, program=app.program, total_mb=1800, monthly_mb=None, clock=app.clock
    )
    assert (raised.spent_total_mb, raised.held_grants, len(raised.released)) == (1800, 0, 1)


def test_a_budget_seeded_from_the_program_file_counts_earlier_grants(app: App) -> None:
    ingest_batch(app.ingestor, enrolled_and_registered("c1"))
    ingestor = with_budget(app, total_mb=1200)
    ingest_batch(ingestor, enrolled_and_registered("c2"))
    ingest_batch(ingestor, enrolled_and_registered("c3"))
    assert [g.customer_id for g in list_grants(uow=app.uow, status=GrantStatus.HELD)] == ["c3"]
    status = budget_status(uow=app.uow, program=app.program, clock=app.clock)
    assert (status.spent_total_mb, status.held_mb) == (1200, 600)
