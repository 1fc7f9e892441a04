"""Expected grants against the ledger: is every grant the rules give written, and only those?

The reference for the set-based path (`reconcile_sql`): pure Python over rows in memory.
Both sides are keyed by (customer, reward, period), the ledger's unique key; where a file
repeats a key the later row counts, in both paths alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ExpectationKind(StrEnum):
    """How the expected grants and the ledger can disagree."""

    MISSING_IN_LEDGER = "missing_in_ledger"  # the rules give it, the ledger lacks it
    NOT_EXPECTED = "not_expected"  # in the ledger, the rules do not give it
    LEDGER_AMOUNT_MISMATCH = "ledger_amount_mismatch"  # both have it, with other MB


@dataclass(frozen=True, slots=True)
class ExpectedGrant:
    customer_id: str
    reward: str
    period: str
    amount_mb: int


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A row of the ledger export (what `selfcare grants list` shows)."""

    grant_id: str
    customer_id: str
    reward: str
    period: str
    amount_mb: int
    status: str


@dataclass(frozen=True, slots=True)
class ExpectationDifference:
    kind: ExpectationKind
    customer_id: str
    reward: str
    period: str
    grant_id: str | None
    expected_amount_mb: int | None
    ledger_amount_mb: int | None

    @property
    def detail(self) -> str:
        return expectation_detail(self.kind, self.expected_amount_mb, self.ledger_amount_mb)


def expectation_detail(kind: str, expected_mb: int | None, ledger_mb: int | None) -> str:
    """The words of a difference (also used by the set-based path)."""
    if kind == ExpectationKind.MISSING_IN_LEDGER:
        return f"expected {expected_mb} MB, no grant in the ledger"
    if kind == ExpectationKind.NOT_EXPECTED:
        return f"ledger grant of {ledger_mb} MB that the rules do not give"
    return f"expected {expected_mb} MB, ledger {ledger_mb} MB"


def compare_expected(
    expected: Iterable[ExpectedGrant], ledger: Iterable[LedgerRow]
) -> list[ExpectationDifference]:
    """Every missing, unexpected or differently sized grant, by kind then key."""
    wanted = {(e.customer_id, e.reward, e.period): e for e in expected}
    written = {(g.customer_id, g.reward, g.period): g for g in ledger}
    found: list[ExpectationDifference] = []
    for key in wanted.keys() | written.keys():
        e, g = wanted.get(key), written.get(key)
        if g is None:
            kind = ExpectationKind.MISSING_IN_LEDGER
        elif e is None:
            kind = ExpectationKind.NOT_EXPECTED
        elif e.amount_mb != g.amount_mb:
            kind = ExpectationKind.LEDGER_AMOUNT_MISMATCH
        else:
            continue
        found.append(
            ExpectationDifference(
                kind,
                *key,
                grant_id=g.grant_id if g else None,
                expected_amount_mb=e.amount_mb if e else None,
                ledger_amount_mb=g.amount_mb if g else None,
            )
        )
    order = list(ExpectationKind)
    found.sort(key=lambda d: (order.index(d.kind), d.customer_id, d.reward, d.period))
    return found
