"""Per-customer, per-month counts from the events, computed set-based.

Each distinct (type, text, reason code) of a contact is classified once by the project's own
classifier (`selfcare.domain.calls`); the verdicts are joined back and everything else is
pandas group-bys and as-of joins, never a Python loop over events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from selfcare.domain.calls import classify_text
from selfcare.domain.events import CONTACT_TYPES, DIAGNOSIS_TYPES
from selfcare.domain.program import Program

CONTACTS = sorted(t.value for t in CONTACT_TYPES)
DIAGNOSES = sorted(t.value for t in DIAGNOSIS_TYPES)
DAYS_PER_MONTH = 365.25 / 12
REPEAT_DAYS = 7


@dataclass(frozen=True)
class Window:
    """The pilot's period [start, end) and the pre-period before it, in the program's zone."""

    start: date
    end: date
    pre_months: int
    zone: str

    def instant(self, day: date) -> pd.Timestamp:
        return pd.Timestamp(day).tz_localize(self.zone).tz_convert("UTC")

    @property
    def pre_start(self) -> date:
        earlier: date = (pd.Timestamp(self.start) - pd.DateOffset(months=self.pre_months)).date()
        return earlier

    @property
    def months(self) -> float:
        """Customer-months of exposure in the window (calendar days / average month)."""
        return (self.end - self.start).days / DAYS_PER_MONTH

    @property
    def calendar_months(self) -> int:
        return max(1, int(np.ceil(self.months - 1e-9)))


def classify_contacts(events: pd.DataFrame, program: Program) -> pd.DataFrame:
    """Contacts with `category` and `counts`; each distinct text and code classified once."""
    rules = program.calls
    contacts = events.loc[events["type"].isin(CONTACTS)].copy()
    keys = ["text", "reason_code"]
    for key in keys:
        contacts[key] = contacts[key].astype("string").fillna("")
    distinct = contacts[keys].drop_duplicates()
    verdicts = [
        classify_text(text or None, reason_code=code or None, rules=rules)
        for text, code in distinct.itertuples(index=False, name=None)
    ]
    distinct = distinct.assign(
        category=[v.category for v in verdicts], topic_counts=[v.counts for v in verdicts]
    )
    contacts = contacts.merge(distinct, on=keys, how="left")
    outbound = contacts["direction"].astype("string").fillna("inbound").eq("outbound")
    reached = contacts["reached_agent"].map(_truthy)
    contacts["counts"] = (
        contacts["topic_counts"]
        & contacts["type"].isin(rules.counted_types)
        & ~outbound
        & (reached | rules.count_unanswered)
        & ~_hotline_pass(contacts, events, rules.hotline_pass_days, program.timezone)
    )
    return contacts


def _truthy(value: object) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return True  # default: the call reached an agent
    return str(value).strip().lower() not in {"false", "0", "no"}


def _hotline_pass(contacts: pd.DataFrame, events: pd.DataFrame, days: int, zone: str) -> pd.Series:
    """True for contacts within `days` calendar days after a verified self-service diagnosis."""
    diagnoses = events.loc[events["type"].isin(DIAGNOSES), ["customer_id", "occurred_at"]]
    if diagnoses.empty or days == 0:
        return pd.Series(False, index=contacts.index)
    left = contacts[["customer_id", "occurred_at"]].reset_index().sort_values("occurred_at")
    right = diagnoses.rename(columns={"occurred_at": "diagnosed_at"}).sort_values("diagnosed_at")
    joined = pd.merge_asof(
        left, right, left_on="occurred_at", right_on="diagnosed_at", by="customer_id"
    )
    # the pass ends at the same local clock time `days` calendar days later (DST-proof)
    local = joined["diagnosed_at"].dt.tz_convert(zone) + pd.DateOffset(days=days)
    covered = joined["occurred_at"] <= local.dt.tz_convert("UTC")
    return pd.Series(covered.fillna(False).to_numpy(), index=joined["index"]).reindex(
        contacts.index, fill_value=False
    )


def repeat_reception(contacts: pd.DataFrame) -> pd.Series:
    """Per customer: reception-problem contacts followed by another contact within 7 days."""
    ordered = contacts.sort_values(["customer_id", "occurred_at", "event_id"])
    following = ordered.groupby("customer_id", sort=False)["occurred_at"].shift(-1)
    repeat = (ordered["category"] == "reception_problem") & (
        following - ordered["occurred_at"] <= pd.Timedelta(days=REPEAT_DAYS)
    )
    return repeat.groupby(ordered["customer_id"]).sum()


def month_index(stamps: pd.Series, window: Window) -> pd.Series:
    """Calendar month of each instant, counted from the pilot's first month (0), local time."""
    local = stamps.dt.tz_convert(window.zone)
    return (local.dt.year - window.start.year) * 12 + local.dt.month - window.start.month


@dataclass(frozen=True)
class Measured:
    """Per-customer outcomes (one row per assigned customer) and counted calls per month."""

    customers: pd.DataFrame
    monthly: pd.DataFrame  # rows: customers (same order), columns: month 0, 1, …


def measure(
    events: pd.DataFrame,
    assignments: pd.DataFrame,
    program: Program,
    window: Window,
    complaint_codes: tuple[str, ...],
) -> Measured:
    """Every outcome the analysis needs, per assigned customer, from the raw events."""
    start, end = window.instant(window.start), window.instant(window.end)
    pre_start = window.instant(window.pre_start)
    assigned = pd.Index(assignments["customer_id"])
    events = events.loc[assigned.get_indexer(events["customer_id"]) >= 0]  # hash join
    contacts = classify_contacts(events, program)
    during = contacts["occurred_at"].between(start, end, inclusive="left")
    before = contacts["occurred_at"].between(pre_start, start, inclusive="left")
    counted = contacts.loc[contacts["counts"]]
    table = assignments.set_index("customer_id")[["arm", "stratum"]].copy()
    table["treat"] = (table["arm"] == "treatment").astype(np.float64)
    table["counted"] = _per_customer(counted.loc[during], table)
    table["counted_pre"] = _per_customer(counted.loc[before], table)
    calls = contacts["type"].isin(program.calls.counted_types)
    table["contacts"] = _per_customer(contacts.loc[during & calls], table)
    codes = contacts["reason_code"].str.upper().isin([c.upper() for c in complaint_codes])
    table["complaints"] = _per_customer(contacts.loc[during & codes], table)
    table["repeat_reception"] = (
        repeat_reception(contacts.loc[during]).reindex(table.index, fill_value=0).astype(float)
    )
    in_window = events["occurred_at"].between(start, end, inclusive="left")
    table["accepted_at"] = _first(events, "invitation_accepted", events["occurred_at"] < end)
    table["accepted"] = table["accepted_at"].notna().astype(np.float64)
    churned = _first(events, "contract_ended", in_window).reindex(table.index)
    table["churned"] = churned.notna().astype(np.float64)
    table["first_counted_after_acceptance"] = _first_counted_after(counted, table["accepted_at"])
    tasks = _tasks(events, table, program, end)
    monthly = _monthly(counted.loc[during], table.index, window)
    return Measured(pd.concat([table, tasks], axis=1), monthly)


def _per_customer(rows: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    counts = rows.groupby("customer_id").size()
    return counts.reindex(table.index, fill_value=0).astype(np.float64)


def _first(events: pd.DataFrame, kind: str, where: pd.Series) -> pd.Series:
    chosen = events.loc[(events["type"] == kind) & where]
    return chosen.groupby("customer_id")["occurred_at"].min()


def _first_counted_after(counted: pd.DataFrame, accepted_at: pd.Series) -> pd.Series:
    """The first counted call at or after acceptance: it breaks the no-hotline streak."""
    rows = counted[["customer_id", "occurred_at"]].join(accepted_at, on="customer_id")
    rows = rows.loc[rows["occurred_at"] >= rows["accepted_at"]]
    return rows.groupby("customer_id")["occurred_at"].min().reindex(accepted_at.index)


def _tasks(
    events: pd.DataFrame, table: pd.DataFrame, program: Program, end: object
) -> pd.DataFrame:
    """For each task reward: did the accepter do it (after accepting, unless count_prior)?"""
    done = {}
    accepted_at = table["accepted_at"]
    for task in program.tasks:
        rows = events.loc[(events["type"] == task.event) & (events["occurred_at"] < end)]
        rows = rows.join(accepted_at, on="customer_id")
        if not task.count_prior:
            rows = rows.loc[rows["occurred_at"] >= rows["accepted_at"]]
        rows = rows.loc[rows["accepted_at"].notna()]
        did = table.index.isin(rows["customer_id"])
        done[f"task_{task.id}"] = did.astype(np.float64)
    return pd.DataFrame(done, index=table.index)


def _monthly(counted: pd.DataFrame, index: pd.Index, window: Window) -> pd.DataFrame:
    months = month_index(counted["occurred_at"], window)
    grid = counted.assign(month=months).groupby(["customer_id", "month"]).size()
    frame = grid.unstack("month", fill_value=0).reindex(index, fill_value=0)
    columns = range(window.calendar_months)
    return frame.reindex(columns=columns, fill_value=0).astype(np.float64)
