"""Reconciliation: does the charging system hold exactly what the grants ledger promised?

Pure comparison, no I/O: the caller reads the ledger and asks the charging system what it
applied (`ChargingClient.list_applied`), then `compare` lists every difference so an
operator can act on each one. A top-up belongs to a grant by its `Idempotency-Key` (the
grant id), or failing that by the grant id selfcare wrote into its description.

Ledger statuses: `confirmed` grants must be applied; `held` grants (budget exhausted)
must not be; any other status (`pending`, `sending`, `rejected`, …) means the relay has
not confirmed it yet, so an applied top-up for it is reported as `unconfirmed` and a
missing one as `not_applied` with the status named.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from selfcare.domain.ledger import GrantStatus
from selfcare.grants.charging import UNITS, AppliedTopUp

CONFIRMED = GrantStatus.CONFIRMED
HELD = GrantStatus.HELD


class LedgerGrant(Protocol):
    """What reconciliation reads from a ledger row (any object with these attributes)."""

    @property
    def grant_id(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def amount_mb(self) -> int: ...
    @property
    def status(self) -> str: ...


class DifferenceKind(StrEnum):
    """Ways the ledger and the charging system can disagree, worst money first."""

    APPLIED_TWICE = "applied_twice"  # more than one top-up for one grant
    UNKNOWN_TO_LEDGER = "unknown_to_ledger"  # applied, but no such grant
    APPLIED_BUT_HELD = "applied_but_held"  # paid although the budget held it back
    AMOUNT_MISMATCH = "amount_mismatch"  # applied another volume than granted
    CUSTOMER_MISMATCH = "customer_mismatch"  # applied to another customer
    NOT_APPLIED = "not_applied"  # granted, but the customer did not receive it
    UNCONFIRMED = "unconfirmed"  # applied, but the ledger still waits for confirmation


@dataclass(frozen=True, slots=True)
class Difference:
    """One disagreement, with what each side says and the charging system's top-up ids."""

    kind: DifferenceKind
    grant_id: str | None
    customer_id: str | None
    detail: str
    ledger_amount_mb: int | None = None
    applied_amount_mb: int | None = None
    topup_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "grant_id": self.grant_id,
            "customer_id": self.customer_id,
            "ledger_amount_mb": self.ledger_amount_mb,
            "applied_amount_mb": self.applied_amount_mb,
            "topup_ids": list(self.topup_ids),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """Every difference found; `ok` when the ledger and the charging system agree."""

    ledger_grants: int
    applied_topups: int
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        """How many differences of each kind (kinds with none left out)."""
        return dict(Counter(str(d.kind) for d in self.differences))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "ledger_grants": self.ledger_grants,
            "applied_topups": self.applied_topups,
            "counts": self.counts(),
            "differences": [d.to_json() for d in self.differences],
        }


def compare(ledger: Iterable[LedgerGrant], applied: Iterable[AppliedTopUp]) -> ReconciliationReport:
    """List every difference between the ledger's grants and the applied top-ups."""
    grants = {entry.grant_id: entry for entry in ledger}
    topups = list(applied)
    by_grant: dict[str, list[AppliedTopUp]] = defaultdict(list)
    strangers: dict[str, list[AppliedTopUp]] = defaultdict(list)
    for topup in topups:
        grant_id = _owner(topup, grants)
        if grant_id is None:
            strangers[topup.idempotency_key or topup.grant_id or topup.id].append(topup)
        else:
            by_grant[grant_id].append(topup)
    differences = [
        difference
        for grant_id, entry in grants.items()
        for difference in _check_grant(entry, by_grant.get(grant_id, []))
    ]
    differences.extend(_unknown(key, group) for key, group in strangers.items())
    order = list(DifferenceKind)
    differences.sort(key=lambda d: (order.index(d.kind), d.grant_id or "", d.topup_ids))
    return ReconciliationReport(len(grants), len(topups), tuple(differences))


def _owner(topup: AppliedTopUp, grants: dict[str, LedgerGrant]) -> str | None:
    """The ledger grant a top-up pays: by its key, else by the grant named in it."""
    for candidate in (topup.idempotency_key, topup.grant_id):
        if candidate is not None and candidate in grants:
            return candidate
    return None


def _check_grant(entry: LedgerGrant, topups: list[AppliedTopUp]) -> list[Difference]:
    status = entry.status.lower()
    if not topups:
        if status == HELD:
            return []
        return [_diff(DifferenceKind.NOT_APPLIED, entry, [], not_applied_detail(status))]
    found: list[Difference] = []
    if len(topups) > 1:
        keys = len({t.idempotency_key for t in topups})
        text = applied_twice_detail(len(topups), keys)
        found.append(_diff(DifferenceKind.APPLIED_TWICE, entry, topups, text))
    if status == HELD:
        found.append(_diff(DifferenceKind.APPLIED_BUT_HELD, entry, topups, HELD_DETAIL))
    elif status != CONFIRMED:
        found.append(_diff(DifferenceKind.UNCONFIRMED, entry, topups, unconfirmed_detail(status)))
    for topup in topups:
        if topup.amount_mb != entry.amount_mb or topup.units != UNITS:
            text = amount_detail(entry.amount_mb, topup.amount_mb, topup.units)
            found.append(_diff(DifferenceKind.AMOUNT_MISMATCH, entry, [topup], text))
        if topup.customer_id != entry.customer_id:
            text = customer_detail(topup.customer_id)
            found.append(_diff(DifferenceKind.CUSTOMER_MISMATCH, entry, [topup], text))
    return found


def _diff(
    kind: DifferenceKind, entry: LedgerGrant, topups: list[AppliedTopUp], detail: str
) -> Difference:
    return Difference(
        kind=kind,
        grant_id=entry.grant_id,
        customer_id=entry.customer_id,
        detail=detail,
        ledger_amount_mb=entry.amount_mb,
        applied_amount_mb=sum(t.amount_mb for t in topups) if topups else None,
        topup_ids=tuple(sorted(t.id for t in topups)),
    )


def _unknown(key: str, topups: list[AppliedTopUp]) -> Difference:
    first = topups[0]
    return Difference(
        kind=DifferenceKind.UNKNOWN_TO_LEDGER,
        grant_id=first.grant_id,
        customer_id=first.customer_id,
        detail=unknown_detail(key, len(topups)),
        applied_amount_mb=sum(t.amount_mb for t in topups),
        topup_ids=tuple(sorted(t.id for t in topups)),
    )


# The words of each difference, in one place: the set-based reconciliation
# (`reconcile_sql`) computes the same facts in SQL and renders them with these.
HELD_DETAIL = "held by budget"


def not_applied_detail(status: str) -> str:
    return f"ledger status {status!r}"


def applied_twice_detail(topups: int, keys: int) -> str:
    how = "under the same key" if keys == 1 else f"under {keys} keys"
    return f"{topups} {how}"


def unconfirmed_detail(status: str) -> str:
    return f"ledger {status!r}"


def amount_detail(granted_mb: int, applied_mb: int, units: str) -> str:
    return f"granted {granted_mb} MB, applied {applied_mb} {units}"


def customer_detail(customer_id: str) -> str:
    return f"applied to customer {customer_id!r}"


def unknown_detail(key: str, topups: int) -> str:
    times = f", applied {topups} times" if topups > 1 else ""
    return f"no grant for key {key!r}{times}"
