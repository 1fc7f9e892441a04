"""Reconciliation lists every way the ledger and the charging system disagree."""

from __future__ import annotations

from dataclasses import dataclass

from selfcare.grants.reconcile import DifferenceKind, ReconciliationReport, compare
from tests.builders import LedgerEntry
from tests.unit.grants.builders import applied


def grant(grant_id: str, status: str = "confirmed", *, amount_mb: int = 600) -> LedgerEntry:
    return LedgerEntry(grant_id=grant_id, customer_id="c-1", amount_mb=amount_mb, status=status)


def kinds(report: ReconciliationReport) -> list[tuple[str, str | None]]:
    return [(str(d.kind), d.grant_id) for d in report.differences]


def test_one_applied_top_up_per_confirmed_grant_is_no_difference() -> None:
    report = compare([grant("g-1"), grant("g-2")], [applied("t-1", "g-1"), applied("t-2", "g-2")])

    assert report.ok
    assert (report.ledger_grants, report.applied_topups) == (2, 2)
    assert report.to_json() == {
        "ok": True,
        "ledger_grants": 2,
        "applied_topups": 2,
        "counts": {},
        "differences": [],
    }


def test_a_confirmed_grant_the_charging_system_does_not_hold_is_not_applied() -> None:
    report = compare([grant("g-1"), grant("g-2")], [applied("t-1", "g-1")])

    assert not report.ok
    (difference,) = report.differences
    assert (difference.kind, difference.grant_id, difference.ledger_amount_mb) == (
        DifferenceKind.NOT_APPLIED,
        "g-2",
        600,
    )
    assert difference.applied_amount_mb is None


def test_a_pending_grant_not_yet_applied_is_listed_with_its_status() -> None:
    report = compare([grant("g-1", "pending")], [])

    (difference,) = report.differences
    assert difference.kind is DifferenceKind.NOT_APPLIED
    assert "pending" in difference.detail


def test_a_top_up_applied_while_the_ledger_still_waits_is_unconfirmed() -> None:
    report = compare([grant("g-1", "pending")], [applied("t-1", "g-1")])

    assert kinds(report) == [("unconfirmed", "g-1")]


def test_a_held_grant_is_fine_unpaid_and_a_difference_when_paid() -> None:
    unpaid = compare([grant("g-1", "held")], [])
    paid = compare([grant("g-1", "held")], [applied("t-1", "g-1")])

    assert unpaid.ok
    assert kinds(paid) == [("applied_but_held", "g-1")]


def test_the_same_key_applied_twice_is_reported_once_with_both_top_ups() -> None:
    report = compare([grant("g-1")], [applied("t-1", "g-1"), applied("t-2", "g-1")])

    (difference,) = report.differences
    assert difference.kind is DifferenceKind.APPLIED_TWICE
    assert difference.topup_ids == ("t-1", "t-2")
    assert difference.applied_amount_mb == 1200
    assert "same key" in difference.detail


def test_two_top_ups_for_one_grant_under_different_keys_are_applied_twice() -> None:
    report = compare(
        [grant("g-1")], [applied("t-1", "g-1"), applied("t-2", "random-key", grant_id="g-1")]
    )

    (difference,) = report.differences
    assert (difference.kind, difference.topup_ids) == (DifferenceKind.APPLIED_TWICE, ("t-1", "t-2"))
    assert "2 keys" in difference.detail


def test_a_top_up_without_our_key_is_matched_by_the_grant_named_in_it() -> None:
    report = compare([grant("g-1")], [applied("t-1", None, grant_id="g-1")])

    assert report.ok


def test_a_top_up_no_grant_explains_is_unknown_to_the_ledger() -> None:
    report = compare(
        [grant("g-1")],
        [applied("t-1", "g-1"), applied("t-9", "g-9"), applied("t-10", "g-9")],
    )

    (difference,) = report.differences
    assert difference.kind is DifferenceKind.UNKNOWN_TO_LEDGER
    assert (difference.grant_id, difference.topup_ids) == ("g-9", ("t-10", "t-9"))
    assert difference.applied_amount_mb == 1200
    assert "2 times" in difference.detail


def test_another_volume_or_unit_than_granted_is_an_amount_mismatch() -> None:
    report = compare(
        [grant("g-1", amount_mb=1800), grant("g-2")],
        [applied("t-1", "g-1", amount_mb=600), applied("t-2", "g-2", units="GB")],
    )

    assert kinds(report) == [("amount_mismatch", "g-1"), ("amount_mismatch", "g-2")]
    first = report.differences[0]
    assert (first.ledger_amount_mb, first.applied_amount_mb) == (1800, 600)
    assert first.detail == "granted 1800 MB, applied 600 MB"


def test_a_top_up_for_another_customer_is_a_customer_mismatch() -> None:
    report = compare([grant("g-1")], [applied("t-1", "g-1", customer_id="c-2")])

    assert kinds(report) == [("customer_mismatch", "g-1")]


def test_differences_come_worst_first_and_are_counted_by_kind() -> None:
    report = compare(
        [grant("g-1"), grant("g-2"), grant("g-3")],
        [applied("t-1", "g-1"), applied("t-2", "g-1"), applied("t-3", "x"), applied("t-4", "g-3")],
    )

    assert kinds(report) == [
        ("applied_twice", "g-1"),
        ("unknown_to_ledger", "x"),
        ("not_applied", "g-2"),
    ]
    assert report.counts() == {"applied_twice": 1, "unknown_to_ledger": 1, "not_applied": 1}


@dataclass
class StoredGrantRow:
    """Stands in for the storage layer's own row type: any object with the four fields."""

    grant_id: str
    customer_id: str
    amount_mb: int
    status: str
    reward: str = "app_install"


def test_the_ledger_may_be_any_rows_with_grant_customer_amount_and_status() -> None:
    rows = [StoredGrantRow("g-1", "c-1", 600, "CONFIRMED")]

    assert compare(rows, [applied("t-1", "g-1")]).ok
