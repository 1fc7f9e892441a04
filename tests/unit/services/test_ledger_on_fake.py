"""The grants ledger and the budget on the fake unit of work: each grant written once with
its outbox entry; beyond the budget held, and released in order when it is raised."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.domain.ledger import BUDGET_EXHAUSTED, GrantStatus
from selfcare.domain.progress import Grant
from selfcare.grants.budget import budget_status, set_budget
from selfcare.grants.ledger import customer_grants, grant_id, list_grants, record_grants
from selfcare.ingest.service import ingest_batch
from tests.unit.services.wiring import Wired, enrolled_and_registered, with_budget

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def outbox_grant_ids(wired: Wired) -> set[str]:
    with wired.storage(read_only=True) as work:
        claimed = work.outbox.claim("test", wired.clock(), wired.clock(), 10_000)
        return {c.grant.grant_id for c in claimed}


def due(customer: str, amount_mb: int, day: date, reward: str = "bonus") -> tuple[str, Grant]:
    grant = Grant(reward=reward, period="once", amount_mb=amount_mb, granted_on=day)
    return customer, grant


def test_each_due_grant_is_written_once_with_its_outbox_entry() -> None:
    wired = Wired()
    ingest_batch(wired.ingestor, enrolled_and_registered("c1"))
    ingest_batch(wired.ingestor, enrolled_and_registered("c1"))
    grants = customer_grants(uow=wired.storage, customer_id="c1")
    assert [(g.reward, g.period, g.amount_mb, g.status) for g in grants] == [
        ("portal_registration", "once", 600, GrantStatus.PENDING)
    ]
    assert grants[0].grant_id == grant_id(wired.program.id, "c1", "portal_registration", "once")
    assert outbox_grant_ids(wired) == {grants[0].grant_id}


def test_recording_the_same_due_grants_again_adds_nothing() -> None:
    wired = Wired()
    pairs = [due("c1", 600, date(2026, 3, 1)), due("c2", 600, date(2026, 3, 1))]
    with wired.storage() as work:
        first = record_grants(work, program=wired.program, due=pairs, now=NOW)
        again = record_grants(work, program=wired.program, due=pairs, now=NOW)
        work.commit()
    assert (len(first.new), again.new) == (2, ())
    with wired.storage(read_only=True) as work:
        assert work.outbox.open_count() == 2


def test_grants_beyond_the_budget_are_held_and_released_when_it_is_raised() -> None:
    wired = with_budget(total_mb=1200)
    for customer in ("c1", "c2", "c3"):
        ingest_batch(wired.ingestor, enrolled_and_registered(customer))
    held = list_grants(uow=wired.storage, status=GrantStatus.HELD)
    assert [(g.customer_id, g.hold_reason) for g in held] == [("c3", BUDGET_EXHAUSTED)]
    status = budget_status(uow=wired.storage, program=wired.program, clock=wired.clock)
    assert (status.spent_total_mb, status.held_grants, status.held_mb) == (1200, 1, 600)
    raised = set_budget(
        uow=wired.storage,
        program=wired.program,
        total_mb=1800,
        monthly_mb=None,
        clock=wired.clock,
    )
    assert raised.released == (held[0].grant_id,)
    assert (raised.spent_total_mb, raised.held_grants) == (1800, 0)
    assert len(outbox_grant_ids(wired)) == 3


def test_a_held_grant_is_released_only_once_its_whole_amount_fits_its_month() -> None:
    wired = with_budget(monthly_mb=1000)
    pairs = [
        due("c1", 800, date(2026, 3, 1)),
        due("c2", 600, date(2026, 3, 2)),
        due("c3", 100, date(2026, 3, 3)),
    ]
    with wired.storage() as work:
        recorded = record_grants(work, program=wired.program, due=pairs, now=NOW)
        work.commit()
    [held] = recorded.held  # c2's 600 MB does not fit; c3's 100 MB still does

    def raise_to(monthly_mb: int) -> tuple[tuple[str, ...], dict[str, int]]:
        status = set_budget(
            uow=wired.storage,
            program=wired.program,
            total_mb=None,
            monthly_mb=monthly_mb,
            clock=wired.clock,
        )
        return status.released, status.spent_by_month

    assert raise_to(1400) == ((), {"2026-03": 900})
    assert raise_to(1500) == ((held,), {"2026-03": 1500})


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(st.integers(1, 900), min_size=1, max_size=12),
    total=st.integers(1, 3000),
    monthly=st.one_of(st.none(), st.integers(1, 2000)),
    more_total=st.integers(0, 2000),
    more_monthly=st.integers(0, 1000),
)
def test_the_budget_is_never_overspent(
    amounts: list[int], total: int, monthly: int | None, more_total: int, more_monthly: int
) -> None:
    """Whatever is due and however the budget is raised, every reserved MB is within it,
    and the reservations add up to exactly the MB of the grants that are not held."""
    wired = with_budget(total_mb=total, **({} if monthly is None else {"monthly_mb": monthly}))
    pairs = [due(f"c{n}", mb, date(2026, 1 + n % 3, 1 + n)) for n, mb in enumerate(amounts)]
    with wired.storage() as work:
        record_grants(work, program=wired.program, due=pairs, now=NOW)
        work.commit()
    new_total = total + more_total
    new_monthly = None if monthly is None else monthly + more_monthly
    status = set_budget(
        uow=wired.storage,
        program=wired.program,
        total_mb=new_total,
        monthly_mb=new_monthly,
        clock=wired.clock,
    )
    assert status.spent_total_mb <= new_total
    if new_monthly is not None:
        assert all(mb <= new_monthly for mb in status.spent_by_month.values())
    paid = [g for g in list_grants(uow=wired.storage) if g.status != GrantStatus.HELD]
    assert status.spent_total_mb == sum(g.amount_mb for g in paid)
