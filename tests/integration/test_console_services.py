"""The console's services on both backends: programme versions and their diff, grants that
keep their version, quarantine corrections, resends — each audited with before and after."""

from __future__ import annotations

import json

import pytest

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.console.audit import audit_page
from selfcare.console.operations import replay_row, resend_rejected
from selfcare.console.programs import diff_programs, publish_program, versions_of
from selfcare.errors import InvalidInput, InvalidProgram
from selfcare.grants.charging import FakeChargingClient
from selfcare.grants.ledger import list_grants
from selfcare.ingest.service import ingest_rows
from selfcare.program.digest import program_digest
from selfcare.program.load import parse_program
from tests.integration.conftest import Clock
from tests.integration.console_data import BUNDLED, CHANGED, broken_row, event
from tests.integration.test_grants_resend import rejected_grant

pytestmark = pytest.mark.integration


def test_publishing_changed_rules_makes_a_new_version_and_equal_rules_do_not(app: App) -> None:
    first = publish_program(uow=app.uow, text=BUNDLED, actor="pm")
    again = publish_program(uow=app.uow, text="# only a comment\n" + BUNDLED, actor="pm")
    second = publish_program(uow=app.uow, text=CHANGED, actor="pm", note="portal 700")
    assert (first.created, first.version.version) == (True, 1)
    assert (again.created, again.version.version) == (False, 1)
    assert (second.created, second.version.version) == (True, 2)
    program_id = first.program.id
    assert [v.version for v in versions_of(uow=app.uow, program_id=program_id)] == [1, 2]
    entries = audit_page(app.uow).entries
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("pm", "program_publish", f"{program_id} version 2"),
        ("pm", "program_publish", f"{program_id} version 1"),
    ]
    assert json.loads(entries[0].before or "")["version"] == 1
    assert json.loads(entries[0].after or "")["note"] == "portal 700"


def test_an_invalid_programme_is_refused_with_every_problem_and_stores_nothing(
    app: App,
) -> None:
    with pytest.raises(InvalidProgram, match=r"amount_mb"):
        publish_program(
            uow=app.uow, text=BUNDLED.replace("amount_mb = 600", "amount_mb = -1"), actor="pm"
        )
    assert audit_page(app.uow).total == 0


def test_the_diff_says_in_words_what_changed() -> None:
    old, new = parse_program(BUNDLED), parse_program(CHANGED)
    [change] = diff_programs(old, new, "en")
    assert change.kind == "changed"
    assert change.topic.startswith("reward ")
    assert change.before is not None
    assert "600 MB" in change.before
    assert change.after is not None
    assert "700 MB" in change.after
    assert diff_programs(old, old, "de") == []


def test_grants_keep_the_version_that_made_them(database_url: str, clock: Clock) -> None:
    """A grant carries its programme's digest; after a new version is published and the
    service restarted, new grants carry the new one and old grants stay as they were."""
    settings = Settings(database_url=database_url)
    first = build(settings, charging=FakeChargingClient(), clock=clock)
    try:
        v1 = publish_program(uow=first.uow, text=BUNDLED, actor="pm").version
        assert program_digest(first.program) == v1.digest  # the bundled example is version 1
        ingest_rows(first.ingestor, list(enumerate(_portal("anna"), 1)), source="t")
        publish_program(uow=first.uow, text=CHANGED, actor="pm")
    finally:
        first.close()
    restarted = build(settings, charging=FakeChargingClient(), clock=clock)
    try:
        assert next(r.amount_mb for r in restarted.program.tasks) == 700  # newest published
        ingest_rows(restarted.ingestor, list(enumerate(_portal("bert"), 1)), source="t")
        grants = {g.customer_id: g for g in list_grants(uow=restarted.uow)}
        v2 = versions_of(uow=restarted.uow, program_id=restarted.program.id)[-1]
    finally:
        restarted.close()
    assert (grants["anna"].amount_mb, grants["anna"].program_digest) == (600, v1.digest)
    assert (grants["bert"].amount_mb, grants["bert"].program_digest) == (700, v2.digest)


def _portal(customer: str) -> list[dict[str, str]]:
    return [
        event(f"{customer}-1", "invitation_accepted", "2026-02-01T09:00:00+01:00", customer),
        event(f"{customer}-2", "portal_registered", "2026-02-02T09:00:00+01:00", customer),
    ]


def _quarantined(app: App) -> int:
    ingest_rows(app.ingestor, [(7, broken_row(7))], source="feed")
    with app.uow(read_only=True) as work:
        [row] = work.quarantine.list_()
    assert row.id is not None
    return row.id


def test_a_corrected_row_is_ingested_and_the_audit_keeps_before_and_after(app: App) -> None:
    row_id = _quarantined(app)
    corrected = json.dumps(broken_row(7) | {"type": "portal_registered"})
    done = replay_row(app.ingestor, row_id=row_id, corrected=corrected, actor="ops")
    assert done.stored
    with app.uow(read_only=True) as work:
        assert work.quarantine.count() == 0
        assert set(work.events.by_ids(["bad-7"])) == {"bad-7"}
    [entry] = audit_page(app.uow).entries
    assert (entry.actor, entry.action, entry.target) == (
        "ops",
        "quarantine_correct_replay",
        f"quarantine row {row_id}",
    )
    assert json.loads(entry.before or "")["raw"] == json.dumps(broken_row(7))
    assert json.loads(entry.after or "")["outcome"] == "stored"


def test_a_correction_that_is_no_json_object_changes_nothing(app: App) -> None:
    row_id = _quarantined(app)
    for bad in ("{not json", "[1, 2]"):
        with pytest.raises(InvalidInput):
            replay_row(app.ingestor, row_id=row_id, corrected=bad, actor="ops")
    with app.uow(read_only=True) as work:
        assert [r.id for r in work.quarantine.list_()] == [row_id]
    assert audit_page(app.uow).total == 0


def test_a_row_still_wrong_after_replay_is_quarantined_anew_never_lost(app: App) -> None:
    row_id = _quarantined(app)
    done = replay_row(app.ingestor, row_id=row_id, corrected=None, actor="ops")
    assert not done.stored
    assert done.new_row is not None
    assert done.new_row != row_id
    with app.uow(read_only=True) as work:
        [row] = work.quarantine.list_()
    assert row.id == done.new_row
    assert json.loads(row.raw) == broken_row(7)
    after = json.loads(audit_page(app.uow).entries[0].after or "")
    assert after["new_row"] == done.new_row
    assert after["outcome"].startswith("quarantined: ")


def test_resending_a_rejected_top_up_reopens_it_and_audits_the_operator(
    app: App, charging: FakeChargingClient, clock: Clock
) -> None:
    grant = rejected_grant(app, charging)
    ids = resend_rejected(
        app.uow, program_id=app.program.id, grant_ids=[grant], actor="ops", now=clock()
    )
    assert ids == [grant]
    assert [g.status for g in list_grants(uow=app.uow)] == ["pending"]
    [entry] = audit_page(app.uow).entries
    assert (entry.action, json.loads(entry.before or "")) == ("grants_resend", {grant: "rejected"})
    assert (
        resend_rejected(
            app.uow, program_id=app.program.id, grant_ids=[grant], actor="ops", now=clock()
        )
        == []
    )
