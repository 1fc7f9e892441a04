"""Two programs that share reward ids keep separate grants in one ledger."""

from __future__ import annotations

import pytest

from selfcare.bootstrap import App
from selfcare.grants.ledger import customer_grants, grant_id
from selfcare.ingest.service import Ingestor, ingest_batch
from tests.integration.test_ledger_budget import enrolled_and_registered

pytestmark = pytest.mark.integration


def test_two_programs_sharing_reward_ids_each_get_their_grant(app: App) -> None:
    other = app.program.model_copy(update={"id": f"{app.program.id}-2027"})
    ingest_batch(app.ingestor, enrolled_and_registered("c1"))
    second = Ingestor(uow=app.uow, program=other, clock=app.clock)
    ingest_batch(
        second, [{**e, "event_id": f"2027-{e['event_id']}"} for e in enrolled_and_registered("c1")]
    )

    grants = customer_grants(uow=app.uow, customer_id="c1")

    by_program = {(g.program_id, g.reward) for g in grants}
    shared = {g.reward for g in grants if g.program_id == app.program.id}
    assert shared, "the first program granted nothing"
    assert by_program == {(p, r) for p in (app.program.id, other.id) for r in shared}
    assert {g.grant_id for g in grants} == {
        grant_id(g.program_id, "c1", g.reward, g.period) for g in grants
    }
