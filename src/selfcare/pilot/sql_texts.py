"""The DuckDB statements of `counting.py`, apart so each reads as one piece of SQL.

Parameters (`$name`) carry every value; only our own column names are put into the text.
"""

from __future__ import annotations

FIELDS_AS_TEXT = (
    "{event_id: 'VARCHAR', customer_id: 'VARCHAR', type: 'VARCHAR', occurred_at: 'VARCHAR',"
    " reason_code: 'VARCHAR', text: 'VARCHAR', direction: 'VARCHAR', reached_agent: 'VARCHAR'}"
)


def readers(suffix: str, quoted_path: str) -> str:
    """DuckDB's table function for an events file: JSON Lines, Parquet, else CSV as text."""
    if suffix in {".jsonl", ".json", ".ndjson"}:
        return f"read_json({quoted_path}, format = 'newline_delimited', columns = {FIELDS_AS_TEXT})"
    if suffix == ".parquet":
        return f"read_parquet({quoted_path})"
    return f"read_csv({quoted_path}, all_varchar = true, header = true)"


# The events kept for counting: the assigned customers' (by an integer key) before the end,
# each with what counting needs of its text, reason code and call fields as flags (the
# verdict joined by the pair's hash, the texts compared only where it matches), so the
# long texts are read once and never held.
EVENTS_SQL = """
CREATE OR REPLACE TEMP TABLE ev AS
SELECT a.cid, r.event_id, hash(r.event_id) AS eid, r.type, r.occurred_at,
       coalesce(r.direction, 'inbound') = 'outbound' AS outbound,
       coalesce(r.reached_agent, true) AS reached,
       coalesce(list_contains($codes, upper(r.reason_code)), false) AS complaint,
       v.category = 'reception_problem' AS reception, v.topic_counts
FROM raw r
JOIN assigned a USING (customer_id)
LEFT JOIN verdicts v
  ON list_contains($contacts, r.type)
 AND v.vkey = hash(coalesce(r.text, ''), coalesce(r.reason_code, ''))
 AND v.text = coalesce(r.text, '') AND v.code = coalesce(r.reason_code, '')
WHERE r.occurred_at IS NULL OR r.occurred_at < $end
"""

# The distinct (text, reason code) pairs of contacts, each to be classified once.
PAIRS_SQL = """
SELECT DISTINCT coalesce(text, '') AS text, coalesce(reason_code, '') AS code
FROM raw WHERE list_contains($contacts, type)
"""

# Contacts with their verdict, whether they count (the program's rules and the hotline pass
# after a verified diagnosis, as an as-of join: the latest diagnosis at or before the call,
# its pass ending at the same local clock time `pass_days` calendar days later), whether
# they fall in the pilot or the pre-period, and their month counted from the pilot's first.
CLASSIFIED_SQL = """
CREATE TEMP TABLE classified AS
WITH contacts AS (
    SELECT ev.rowid AS rid, ev.cid, ev.type, ev.occurred_at AS moment, ev.outbound,
           ev.reached, ev.complaint, ev.reception,
           ev.topic_counts
    FROM ev WHERE list_contains($contacts, ev.type)
), diagnosed AS (
    -- the few diagnoses carry their pass's end, so the time zone is consulted per diagnosis
    SELECT cid, occurred_at AS diagnosed_at,
           timezone($zone, timezone($zone, occurred_at)
                           + to_days(CAST($pass_days AS INTEGER))) AS pass_end
    FROM ev WHERE list_contains($diagnoses, type)
)
SELECT c.rid, c.cid, c.type, c.moment, c.complaint, c.reception,
       c.topic_counts AND list_contains($counted_types, c.type) AND NOT c.outbound
         AND (c.reached OR $count_unanswered)
         AND NOT coalesce($pass_days > 0 AND p.covered, false) AS counts,
       c.moment >= $start AND c.moment < $end AS during,
       c.moment >= $pre_start AND c.moment < $start AS before,
       {month} AS month
FROM contacts c LEFT JOIN (
    SELECT DISTINCT c.rid, true AS covered FROM contacts c JOIN diagnosed d
      ON c.cid = d.cid AND c.moment >= d.diagnosed_at AND c.moment <= d.pass_end
) p USING (rid)
"""


def month_case(boundaries: int) -> str:
    """The pilot month of `c.moment` from the UTC instants where the local months start
    (parameters $m0 … $mN, month 0 starting at $m0): comparisons, not time zone lookups."""
    arms = " ".join(f"WHEN c.moment < $m{k + 1} THEN {k}" for k in range(boundaries - 1))
    return f"CASE WHEN c.moment < $m0 THEN -1 {arms} ELSE {boundaries - 1} END"


ACCEPTED_SQL = """
CREATE TEMP TABLE accepted AS
SELECT cid, min(occurred_at) AS accepted_at FROM ev
WHERE type = 'invitation_accepted' GROUP BY cid
"""

OUTCOMES_SQL = """
WITH per AS (
    SELECT cid,
           count(*) FILTER (counts AND during) AS counted,
           count(*) FILTER (counts AND before) AS counted_pre,
           count(*) FILTER (during AND list_contains($counted_types, type)) AS contacts,
           count(*) FILTER (during AND complaint) AS complaints
    FROM classified GROUP BY cid
), ordered AS (
    -- only customers with a reception problem in the pilot can have a repeat contact
    SELECT c.cid, c.reception, c.moment,
           lead(c.moment) OVER (PARTITION BY c.cid ORDER BY c.moment, e.event_id) AS next_at
    FROM classified c JOIN ev e ON e.rowid = c.rid
    WHERE c.during AND c.cid IN (SELECT cid FROM classified WHERE during AND reception)
), repeated AS (
    SELECT cid,
           count(*) FILTER (reception
                            AND next_at - moment <= to_days(CAST($repeat_days AS INTEGER)))
             AS repeat_reception
    FROM ordered GROUP BY cid
), churn AS (
    SELECT DISTINCT cid, true AS churned FROM ev
    WHERE type = 'contract_ended' AND occurred_at >= $start AND occurred_at < $end
), broken AS (
    SELECT c.cid, min(c.moment) AS first_counted_after_acceptance
    FROM classified c JOIN accepted a USING (cid)
    WHERE c.counts AND c.moment >= a.accepted_at GROUP BY c.cid
)
SELECT a.customer_id,
       coalesce(per.counted, 0) AS counted, coalesce(per.counted_pre, 0) AS counted_pre,
       coalesce(per.contacts, 0) AS contacts, coalesce(per.complaints, 0) AS complaints,
       coalesce(repeated.repeat_reception, 0) AS repeat_reception,
       accepted.accepted_at, coalesce(churn.churned, false) AS churned,
       broken.first_counted_after_acceptance
FROM assigned a
LEFT JOIN per USING (cid) LEFT JOIN repeated USING (cid)
LEFT JOIN accepted USING (cid) LEFT JOIN churn USING (cid)
LEFT JOIN broken USING (cid)
"""

MONTHLY_SQL = """
SELECT a.customer_id, c.month, count(*) AS n FROM classified c JOIN assigned a USING (cid)
WHERE c.counts AND c.during GROUP BY a.customer_id, c.month
"""

TASK_SQL = """
SELECT DISTINCT s.customer_id FROM ev e JOIN accepted a USING (cid) JOIN assigned s USING (cid)
WHERE e.type = $event AND ($prior OR e.occurred_at >= a.accepted_at)
"""
