"""Reconciliation at scale: expected grants, the ledger export and the charging export,
compared set-based in DuckDB, every difference written to a file.

Two checks, each the same as its Python reference on the same data:

- `expected_vs_ledger` (`reconcile_expected.compare_expected`): a full outer join on
  (customer, reward, period) gives what is missing, not expected, or of another size.
- `ledger_vs_charging` (`reconcile.compare`): top-ups joined to the grant they pay (by
  idempotency key, else by the grant id they name), aggregated per grant; the rest grouped
  by key as unknown to the ledger.

SQL computes the facts; the words come from the same functions the Python path uses, so a
difference reads the same whichever path found it. `engine="python"` runs the references
over the same loaded tables: that is what the tests hold the SQL to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from selfcare.grants import reconcile as ref
from selfcare.grants.charging import UNITS, AppliedTopUp
from selfcare.grants.reconcile_expected import (
    ExpectationKind,
    ExpectedGrant,
    LedgerRow,
    compare_expected,
    expectation_detail,
)
from selfcare.grants.reconcile_files import (
    CHARGING,
    EXPECTED,
    LEDGER,
    difference_writer,
    load,
)

EXPECTED_VS_LEDGER = "expected_vs_ledger"
LEDGER_VS_CHARGING = "ledger_vs_charging"
ENGINES = ("duckdb", "python")
BATCH = 50_000


@dataclass
class Summary:
    """How much was compared and how many differences of each kind were written."""

    expected: int | None
    ledger: int
    applied: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def differences(self) -> int:
        return sum(self.counts.values())

    def to_json(self, output: Path) -> dict[str, Any]:
        return {
            "ok": not self.differences,
            "expected_grants": self.expected,
            "ledger_grants": self.ledger,
            "applied_topups": self.applied,
            "counts": self.counts,
            "differences": self.differences,
            "output": str(output),
        }


def reconcile_files(
    *,
    ledger: Path,
    charging: Path,
    output: Path,
    expected: Path | None = None,
    engine: str = "duckdb",
) -> Summary:
    """Compare the exports (and the expected grants, when given); write every difference."""
    con = duckdb.connect()
    try:
        load(con, "ledger", ledger, LEDGER)
        applied = load(con, "charging", charging, CHARGING)
        expected_rows = load(con, "expected", expected, EXPECTED) if expected else None
        con.execute(_LATEST_GRANTS)
        distinct = con.execute("SELECT count(*) FROM lg").fetchone()
        summary = Summary(expected_rows, int(distinct[0]) if distinct else 0, applied)
        counts: Counter[str] = Counter()
        with difference_writer(output) as write:
            for rows in _differences(con, engine=engine, with_expected=expected is not None):
                counts.update(r["kind"] for r in rows)
                write(rows)
        summary.counts = dict(counts)
        return summary
    finally:
        con.close()


def _differences(
    con: duckdb.DuckDBPyConnection, *, engine: str, with_expected: bool
) -> Iterator[list[dict[str, Any]]]:
    if engine == "python":
        yield from _python(con, with_expected=with_expected)
        return
    if with_expected:
        yield from _batches(con.execute(_EXPECTED_SQL), _expected_row)
    yield from _batches(con.execute(_CHARGING_SQL), _charging_row)


def _batches(cursor: duckdb.DuckDBPyConnection, render: Any) -> Iterator[list[dict[str, Any]]]:
    names = [d[0] for d in cursor.description or ()]
    while rows := cursor.fetchmany(BATCH):
        yield [render(dict(zip(names, row, strict=True))) for row in rows]


# Grants of the ledger by id, the later row where an id repeats (as a dict would keep).
_LATEST_GRANTS = """
CREATE OR REPLACE TEMP VIEW lg AS
SELECT * FROM ledger QUALIFY row_number() OVER (PARTITION BY grant_id ORDER BY ordinal DESC) = 1;
CREATE OR REPLACE TEMP VIEW tu AS
SELECT t.*, COALESCE(k.grant_id, g.grant_id) AS owner
FROM charging t
LEFT JOIN lg k ON t.idempotency_key = k.grant_id
LEFT JOIN lg g ON t.grant_id = g.grant_id;
"""

_EXPECTED_SQL = """
WITH e AS (
  SELECT * FROM expected
  QUALIFY row_number() OVER (PARTITION BY customer_id, reward, period ORDER BY ordinal DESC) = 1
), l AS (
  SELECT * FROM ledger
  QUALIFY row_number() OVER (PARTITION BY customer_id, reward, period ORDER BY ordinal DESC) = 1
)
SELECT
  CASE WHEN l.ordinal IS NULL THEN 'missing_in_ledger'
       WHEN e.ordinal IS NULL THEN 'not_expected'
       ELSE 'ledger_amount_mismatch' END AS kind,
  customer_id, reward, period, l.grant_id AS grant_id,
  e.amount_mb AS expected_amount_mb, l.amount_mb AS ledger_amount_mb
FROM e FULL JOIN l USING (customer_id, reward, period)
WHERE l.ordinal IS NULL OR e.ordinal IS NULL OR e.amount_mb <> l.amount_mb
ORDER BY CASE kind WHEN 'missing_in_ledger' THEN 0 WHEN 'not_expected' THEN 1 ELSE 2 END,
  customer_id, reward, period
"""

_KIND_ORDER = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(ref.DifferenceKind))
_CHARGING_SQL = f"""
WITH per_grant AS (
  SELECT l.grant_id, l.customer_id, l.amount_mb, lower(l.status) AS status,
    count(t.id) AS n,
    count(DISTINCT t.idempotency_key)
      + max(CASE WHEN t.id IS NOT NULL AND t.idempotency_key IS NULL THEN 1 ELSE 0 END) AS keys,
    sum(t.amount_mb) AS applied,
    list_sort(list(t.id) FILTER (WHERE t.id IS NOT NULL)) AS ids
  FROM lg l LEFT JOIN tu t ON t.owner = l.grant_id
  GROUP BY l.grant_id, l.customer_id, l.amount_mb, l.status
), found AS (
  SELECT 'not_applied' AS kind, grant_id, customer_id, amount_mb AS ledger_mb,
    NULL::BIGINT AS applied_mb, []::VARCHAR[] AS ids, status, n, keys,
    NULL::VARCHAR AS units, NULL::VARCHAR AS other_customer, NULL::VARCHAR AS key
  FROM per_grant WHERE n = 0 AND status <> 'held'
  UNION ALL
  SELECT 'applied_twice', grant_id, customer_id, amount_mb, applied, ids, status, n, keys,
    NULL, NULL, NULL
  FROM per_grant WHERE n > 1
  UNION ALL
  SELECT 'applied_but_held', grant_id, customer_id, amount_mb, applied, ids, status, n, keys,
    NULL, NULL, NULL
  FROM per_grant WHERE n > 0 AND status = 'held'
  UNION ALL
  SELECT 'unconfirmed', grant_id, customer_id, amount_mb, applied, ids, status, n, keys,
    NULL, NULL, NULL
  FROM per_grant WHERE n > 0 AND status NOT IN ('held', 'confirmed')
  UNION ALL
  SELECT 'amount_mismatch', l.grant_id, l.customer_id, l.amount_mb, t.amount_mb, [t.id],
    NULL, 1, 1, t.units, NULL, NULL
  FROM lg l JOIN tu t ON t.owner = l.grant_id
  WHERE t.amount_mb <> l.amount_mb OR t.units <> '{UNITS}'
  UNION ALL
  SELECT 'customer_mismatch', l.grant_id, l.customer_id, l.amount_mb, t.amount_mb, [t.id],
    NULL, 1, 1, NULL, t.customer_id, NULL
  FROM lg l JOIN tu t ON t.owner = l.grant_id
  WHERE t.customer_id <> l.customer_id
  UNION ALL
  SELECT 'unknown_to_ledger', first(grant_id ORDER BY ordinal),
    first(customer_id ORDER BY ordinal), NULL, sum(amount_mb), list_sort(list(id)), NULL,
    count(*), NULL, NULL, NULL, COALESCE(idempotency_key, grant_id, id)
  FROM tu WHERE owner IS NULL
  GROUP BY COALESCE(idempotency_key, grant_id, id)
)
SELECT * FROM found
ORDER BY CASE kind {_KIND_ORDER} END,
  COALESCE(grant_id, ''), ids
"""


def _charging_detail(row: dict[str, Any]) -> str:
    kind = row["kind"]
    details = {
        "not_applied": lambda: ref.not_applied_detail(row["status"]),
        "applied_twice": lambda: ref.applied_twice_detail(row["n"], row["keys"]),
        "applied_but_held": lambda: ref.HELD_DETAIL,
        "unconfirmed": lambda: ref.unconfirmed_detail(row["status"]),
        "amount_mismatch": lambda: ref.amount_detail(
            row["ledger_mb"], row["applied_mb"], row["units"]
        ),
        "customer_mismatch": lambda: ref.customer_detail(row["other_customer"]),
        "unknown_to_ledger": lambda: ref.unknown_detail(row["key"], row["n"]),
    }
    return details[kind]()


def _charging_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "check": LEDGER_VS_CHARGING,
        "kind": row["kind"],
        "grant_id": row["grant_id"],
        "customer_id": row["customer_id"],
        "reward": None,
        "period": None,
        "expected_amount_mb": None,
        "ledger_amount_mb": row["ledger_mb"],
        "applied_amount_mb": row["applied_mb"],
        "topup_ids": ",".join(row["ids"]),
        "detail": _charging_detail(row),
    }


def _expected_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "check": EXPECTED_VS_LEDGER,
        "kind": row["kind"],
        "grant_id": row["grant_id"],
        "customer_id": row["customer_id"],
        "reward": row["reward"],
        "period": row["period"],
        "expected_amount_mb": row["expected_amount_mb"],
        "ledger_amount_mb": row["ledger_amount_mb"],
        "applied_amount_mb": None,
        "topup_ids": "",
        "detail": expectation_detail(
            row["kind"], row["expected_amount_mb"], row["ledger_amount_mb"]
        ),
    }


def _python(
    con: duckdb.DuckDBPyConnection, *, with_expected: bool
) -> Iterator[list[dict[str, Any]]]:
    """The Python references over the same loaded tables, rows in file order."""
    ledger = [
        LedgerRow(*row)
        for row in con.execute(
            "SELECT grant_id, customer_id, reward, period, amount_mb, status FROM ledger "
            "ORDER BY ordinal"
        ).fetchall()
    ]
    if with_expected:
        expected = [
            ExpectedGrant(*row)
            for row in con.execute(
                "SELECT customer_id, reward, period, amount_mb FROM expected ORDER BY ordinal"
            ).fetchall()
        ]
        yield [
            _expected_row(
                {
                    "kind": str(d.kind),
                    "grant_id": d.grant_id,
                    "customer_id": d.customer_id,
                    "reward": d.reward,
                    "period": d.period,
                    "expected_amount_mb": d.expected_amount_mb,
                    "ledger_amount_mb": d.ledger_amount_mb,
                }
            )
            for d in compare_expected(expected, ledger)
        ]
    topups = [
        AppliedTopUp(
            id=row[0],
            idempotency_key=row[1],
            customer_id=row[2],
            amount_mb=row[3],
            units=row[4],
            grant_id=row[5],
        )
        for row in con.execute(
            "SELECT id, idempotency_key, customer_id, amount_mb, units, grant_id FROM charging "
            "ORDER BY ordinal"
        ).fetchall()
    ]
    report = ref.compare(ledger, topups)
    yield [
        {
            "check": LEDGER_VS_CHARGING,
            "kind": str(d.kind),
            "grant_id": d.grant_id,
            "customer_id": d.customer_id,
            "reward": None,
            "period": None,
            "expected_amount_mb": None,
            "ledger_amount_mb": d.ledger_amount_mb,
            "applied_amount_mb": d.applied_amount_mb,
            "topup_ids": ",".join(d.topup_ids),
            "detail": d.detail,
        }
        for d in report.differences
    ]


__all__ = ["ENGINES", "ExpectationKind", "Summary", "reconcile_files"]
