"""The program's rules as Ibis expressions over all customers at once.

Each step is a relational operation over the customers' sorted events: versions of one
event ranked by a window, the first known enrollment by a window, hotline passes as a range
join, call topics by a join on reason codes and on the distinct texts, task bonuses ranked
per period. The streak is walked one window per round for every customer at once: a round
joins each open window with its customer's counted calls and keeps the first breaker (one
table kept per round, docs/bulk.md), so the rounds number the windows of the busiest
customer, never the customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from selfcare.bulk.backends import UTC_TS, Dialect
from selfcare.domain.calendar import end_of_day
from selfcare.domain.events import CONTACT_TYPES, DIAGNOSIS_TYPES, EventType
from selfcare.domain.program import Program, StreakReward, TaskReward

Classifier = Callable[[ir.Table], ir.Table]
"""The seam for free text: takes a table of distinct `text` values, returns `text`,
`category` and `counts` for each (`bulk/classify.py`: SQL lexicon on DuckDB, Python on Spark)."""

CONTACTS = sorted(t.value for t in CONTACT_TYPES)
DIAGNOSES = sorted(t.value for t in DIAGNOSIS_TYPES)
ONE_HOUR = ibis.interval(hours=1)


@dataclass
class Facts:
    """What the engine computed, one table per kind of fact (all keyed by customer)."""

    customers: ir.Table
    conflicts: ir.Table
    valid_rows: ir.IntegerScalar
    """The rows read that the reference would accept (exact copies included)."""
    contacts: ir.Table
    due: ir.Table
    streaks: ir.Table
    late: ir.Table
    rounds: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Calendar:
    """Local days and wall clocks of the program's zone, in the backend's own functions."""

    dialect: Dialect
    zone: str

    def day(self, instant: ir.Value) -> ir.DateValue:
        return self.dialect.to_wall(self.zone, instant).date()

    def month(self, instant: ir.Value) -> ir.StringValue:
        return self.dialect.to_wall(self.zone, instant).strftime("%Y-%m")

    def same_clock_later(self, instant: ir.Value, days: int) -> ir.TimestampValue:
        """The local clock time `days` calendar days later; of two readings the first."""
        wall = self.dialect.to_wall(self.zone, instant) + ibis.interval(days=days)
        later = self.dialect.from_wall(self.zone, wall)
        earlier = later - ONE_HOUR
        first = self.dialect.to_wall(self.zone, earlier) == wall
        return ibis.ifelse(first, earlier, later).cast(UTC_TS)


def translate(
    events: ir.Table,
    program: Program,
    as_of: date,
    *,
    dialect: Dialect,
    classify: Classifier,
    materialise: Callable[[ir.Table], ir.Table],
    count_rows: Callable[[ir.Table], int],
) -> Facts:
    """All facts of all customers as of a day (events known by its end)."""
    cal = Calendar(dialect, program.timezone)
    # every version ranked once, kept: the chosen ones, the conflicts and the count read
    ranked = materialise(_ranked_versions(events))
    chosen = ranked.filter(ranked.rank == 0).drop("rank", "versions", "copies")
    conflicts = ranked.filter((ranked.rank == 0) & (ranked.versions > 1)).select(
        "customer_id", "event_id"
    )
    horizon = ibis.literal(end_of_day(as_of, program.zone), UTC_TS)
    known = chosen.filter(chosen.known_at < horizon)
    enrollment = _first_known(known, EventType.INVITATION_ACCEPTED).select(
        "customer_id", enr_at="occurred_at", enr_known="known_at"
    )
    ending = _first_known(known, EventType.CONTRACT_ENDED).select(
        "customer_id", ce_id="event_id", ce_at="occurred_at", ce_known="known_at"
    )
    customers = chosen.select("customer_id").distinct()
    customers = _tidy(customers.left_join(enrollment, "customer_id")).select(
        "customer_id", "enr_at", "enr_known"
    )
    contacts = materialise(
        _contacts(known, enrollment, program, cal, classify=classify, materialise=materialise)
    )
    people = materialise(_tidy(customers.left_join(ending, "customer_id")))
    due = _task_grants(known, people, program, cal)
    counted = contacts.filter(contacts.counted).select(
        "customer_id", "event_id", "occurred_at", "known_at", t_day="day", k_day="known_day"
    )
    counted = materialise(counted)
    walks = [
        _walk(
            reward,
            order,
            counted=counted,
            people=people,
            as_of=as_of,
            cal=cal,
            materialise=materialise,
            count_rows=count_rows,
        )
        for order, reward in enumerate(program.rewards)
        if isinstance(reward, StreakReward)
    ]
    return Facts(
        customers=customers,
        conflicts=conflicts,
        valid_rows=ranked.copies.sum(),
        contacts=contacts,
        due=_union([due, *(w.due for w in walks)], empty=_no_due()),
        streaks=_union([w.outcome for w in walks], empty=_no_streaks()),
        late=_last_late(_union([w.late for w in walks], empty=_no_late())),
        rounds={r.id: w.rounds for r, w in zip(program.streaks, walks, strict=True)},
    )


def _tidy(joined: ir.Table) -> ir.Table:
    """A join on equal key names, without the right side's copies of the keys."""
    copies = [name for name in joined.columns if name.endswith("_right")]
    return joined.drop(*copies) if copies else joined


def _union(tables: list[ir.Table | None], *, empty: ir.Table) -> ir.Table:
    """The tables stacked, each cast to the empty one's schema (Spark reads a literal
    integer back from a checkpoint as a 32-bit one)."""
    schema = empty.schema()
    present = [t.cast(schema) for t in tables if t is not None]
    if not present:
        return empty
    result = present[0]
    for other in present[1:]:
        result = result.union(other)
    return result


DUE_SCHEMA = {
    "customer_id": dt.string,
    "period": dt.string,
    "due_on": dt.date,
    "due_at": UTC_TS,
    "reward": dt.string,
    "amount_mb": dt.int64,
    "order": dt.int64,
}
LATE_SCHEMA = {"customer_id": dt.string, "event_id": dt.string, "grant_day": dt.date}


def _empty(schema: dict[str, dt.DataType]) -> ir.Table:
    return ibis.memtable({name: [] for name in schema}, schema=ibis.schema(schema))


def _no_due() -> ir.Table:
    return _empty(DUE_SCHEMA)


def _no_streaks() -> ir.Table:
    return _empty(STREAK_COLUMNS)


def _no_late() -> ir.Table:
    return _empty(LATE_SCHEMA | {"round": dt.int64, "order": dt.int64})


def _ranked_versions(events: ir.Table) -> ir.Table:
    """Each distinct version of an event id and customer, ranked: `rank` 0 is the one kept
    (the first known, ties by content, as the reference keeps it), `versions` > 1 marks an
    id sent with different content, `copies` counts the rows read of each version."""
    content = [
        "customer_id",
        "event_id",
        "type",
        "occurred_at",
        "recorded_at",
        "reason_code",
        "text",
        "direction",
        "reached_agent",
    ]
    distinct = events.group_by(content).agg(
        occurred_at_text=events.occurred_at_text.min(), copies=events.count()
    )
    distinct = distinct.mutate(known_at=distinct.recorded_at.fill_null(distinct.occurred_at))
    per_id = ibis.window(
        group_by=["customer_id", "event_id"],
        order_by=[
            "known_at",
            "type",
            "occurred_at",
            distinct.recorded_at.isnull(),
            "recorded_at",
            distinct.reason_code.isnull(),
            "reason_code",
            distinct.text.isnull(),
            "text",
            "direction",
            "reached_agent",
        ],
    )
    return distinct.mutate(
        rank=ibis.row_number().over(per_id),
        versions=distinct.count().over(ibis.window(group_by=["customer_id", "event_id"])),
    )


def _first_known(known: ir.Table, kind: EventType) -> ir.Table:
    """The first such event selfcare learned of (known, then occurred, then id)."""
    of_kind = known.filter(known.type == kind.value)
    first = ibis.window(group_by="customer_id", order_by=["known_at", "occurred_at", "event_id"])
    ranked = of_kind.mutate(rank=ibis.row_number().over(first))
    return ranked.filter(ranked.rank == 0).drop("rank")


def _contacts(
    known: ir.Table,
    enrollment: ir.Table,
    program: Program,
    cal: Calendar,
    *,
    classify: Classifier,
    materialise: Callable[[ir.Table], ir.Table],
) -> ir.Table:
    """Every known contact with the facts of its verdict and whether it counts."""
    rules = program.calls
    contacts = known.filter(known.type.isin(CONTACTS))
    covered = _passes(known, contacts, rules.hotline_pass_days, cal)
    joined = _tidy(contacts.left_join(covered, ["customer_id", "event_id"]))
    codes = _reason_codes(program)  # one table for both joins
    joined = _with_topics(joined, _text_topics(contacts, codes, classify, materialise), codes)
    joined = _tidy(joined.left_join(enrollment, "customer_id"))
    excluded = (
        (joined.direction == "outbound")
        | (~joined.reached_agent if not rules.count_unanswered else ibis.literal(False))
        | ~joined.type.isin(list(rules.counted_types))
    )
    verdict_counts = joined.d_id.isnull() & joined.topic_counts & ~excluded
    enrolled_then = joined.enr_at.notnull() & (joined.occurred_at >= joined.enr_at)
    return joined.mutate(
        verdict_counts=verdict_counts,
        counted=verdict_counts & enrolled_then,
        day=cal.day(joined.occurred_at),
        known_day=cal.day(joined.known_at),
    ).drop("enr_known")


def _passes(known: ir.Table, contacts: ir.Table, days: int, cal: Calendar) -> ir.Table:
    """The first hotline pass (diagnosis order) covering each contact, both ends included."""
    diagnoses = known.filter(known.type.isin(DIAGNOSES))
    diagnoses = diagnoses.select(
        d_customer="customer_id",
        d_id="event_id",
        d_type="type",
        d_at="occurred_at",
        d_end=cal.same_clock_later(diagnoses.occurred_at, days),
    )
    calls = contacts.select("customer_id", "event_id", "occurred_at")
    pairs = calls.join(
        diagnoses,
        [
            calls.customer_id == diagnoses.d_customer,
            diagnoses.d_at <= calls.occurred_at,
            calls.occurred_at <= diagnoses.d_end,
        ],
    )
    first = ibis.window(group_by=["customer_id", "event_id"], order_by=["d_at", "d_id"])
    ranked = pairs.mutate(rank=ibis.row_number().over(first))
    return ranked.filter(ranked.rank == 0).select(
        "customer_id", "event_id", "d_id", "d_type", "d_at", "d_end"
    )


def _reason_codes(program: Program) -> ir.Table:
    codes: dict[str, tuple[str, bool]] = {}
    for category in program.calls.categories:
        for code in category.reason_codes:
            codes.setdefault(code.upper(), (category.name, category.counts))
    return ibis.memtable(
        {
            "rc_code": list(codes),
            "rc_category": [c for c, _ in codes.values()],
            "rc_counts": [n for _, n in codes.values()],
        },
        schema={"rc_code": "string", "rc_category": "string", "rc_counts": "boolean"},
    )


def _rc_key(contacts: ir.Table) -> ir.StringValue:
    return contacts.reason_code.strip().upper()


def _text_topics(
    contacts: ir.Table,
    codes: ir.Table,
    classify: Classifier,
    materialise: Callable[[ir.Table], ir.Table],
) -> ir.Table:
    """The topic of each distinct text of a contact without a known reason code (the seam);
    the texts are kept first, as the SQL lexicon reads them in several queries."""
    keyed = contacts.select(rc_key=_rc_key(contacts), text=contacts.text.fill_null(""))
    needs_text = keyed.anti_join(codes, keyed.rc_key == codes.rc_code)
    texts = classify(materialise(needs_text.select("text").distinct()))
    return texts.select(t_text="text", t_category="category", t_counts="counts")


def _with_topics(contacts: ir.Table, texts: ir.Table, codes: ir.Table) -> ir.Table:
    """Each contact with its topic: by reason code, else by its text (two small tables
    joined to the contacts in one pass)."""
    keyed = contacts.mutate(rc_key=_rc_key(contacts), text_key=contacts.text.fill_null(""))
    by_code = keyed.left_join(codes, keyed.rc_key == codes.rc_code)
    both = by_code.left_join(texts, by_code.text_key == texts.t_text)
    coded = both.rc_category.notnull()
    return both.mutate(
        topic=ibis.ifelse(coded, both.rc_category, both.t_category),
        topic_counts=ibis.ifelse(coded, both.rc_counts, both.t_counts),
    ).drop(
        "rc_key",
        "text_key",
        "rc_code",
        "rc_category",
        "rc_counts",
        "t_text",
        "t_category",
        "t_counts",
    )


def _task_grants(
    known: ir.Table, people: ir.Table, program: Program, cal: Calendar
) -> ir.Table | None:
    """Task bonuses due: the first qualifying event per period, paid when selfcare knew."""
    parts = [
        _one_task(known, people, reward, order, cal)
        for order, reward in enumerate(program.rewards)
        if isinstance(reward, TaskReward)
    ]
    return _union(list(parts), empty=_no_due()) if parts else None


def _one_task(
    known: ir.Table, people: ir.Table, reward: TaskReward, order: int, cal: Calendar
) -> ir.Table:
    done = known.filter(known.type == reward.event)
    done = _tidy(done.join(people.filter(people.enr_at.notnull()), "customer_id"))
    if not reward.count_prior:
        done = done.filter(done.occurred_at >= done.enr_at)
    due_at = ibis.greatest(done.known_at, done.enr_known)
    done = done.mutate(due_at=due_at, due_on=cal.day(due_at))
    after_end = (
        done.ce_at.notnull()
        & (done.occurred_at >= done.ce_at)
        & (cal.day(done.ce_known) <= done.due_on)
    )
    done = done.filter(~after_end.fill_null(False))
    period = ibis.literal("once") if reward.recurrence == "once" else cal.month(done.occurred_at)
    done = done.mutate(period=period)
    first = ibis.window(
        group_by=["customer_id", "period"], order_by=["due_at", "occurred_at", "event_id"]
    )
    ranked = done.mutate(rank=ibis.row_number().over(first))
    return ranked.filter(ranked.rank == 0).select(
        "customer_id",
        "period",
        "due_on",
        "due_at",
        reward=ibis.literal(reward.id),
        amount_mb=ibis.literal(reward.amount_mb, dt.int64),
        order=ibis.literal(order, dt.int64),
    )


STREAK_COLUMNS = {
    "customer_id": dt.string,
    "reward": dt.string,
    "outcome": dt.string,
    "start_day": dt.date,
    "completes": dt.date,
    "grant_day": dt.date,
    "broken_by": dt.string,
    "done": dt.int64,
}


@dataclass(frozen=True)
class Walk:
    """What walking one streak reward produced: final windows, grants, late-call notes."""

    outcome: ir.Table
    due: ir.Table
    late: ir.Table
    rounds: int


def _walk(
    reward: StreakReward,
    order: int,
    *,
    counted: ir.Table,
    people: ir.Table,
    as_of: date,
    cal: Calendar,
    materialise: Callable[[ir.Table], ir.Table],
    count_rows: Callable[[ir.Table], int],
) -> Walk:
    """Walk every enrolled customer's windows of one streak, one window per round."""
    enrolled = people.filter(people.enr_at.notnull())
    state = enrolled.select(
        "customer_id",
        "ce_id",
        "ce_at",
        "ce_known",
        start_at=enrolled.enr_at,
        start_day=cal.day(enrolled.enr_at),
        done=ibis.literal(0, dt.int64),
        last_breaker=ibis.null(dt.string),
    )
    state = materialise(state)
    finished: list[ir.Table] = []
    due: list[ir.Table] = []
    late: list[ir.Table] = []
    rounds = 0
    while True:
        window = _window_of(state, reward)
        # one table kept per round (each window with its first breaker and verdict); what
        # the round yields are filters of it, and the late-call notes a join read only
        # when asked for (the nightly facts do not read them)
        outcome, grants, notes, going = _round(
            window,
            counted,
            reward=reward,
            order=order,
            as_of=as_of,
            cal=cal,
            materialise=materialise,
        )
        finished.append(outcome)
        due.append(grants)
        late.append(
            notes.mutate(round=ibis.literal(rounds, dt.int64), order=ibis.literal(order, dt.int64))
        )
        rounds += 1
        state = going
        if count_rows(state) == 0:
            break
    return Walk(
        outcome=_union(list(finished), empty=_no_streaks()),
        due=_union(list(due), empty=_no_due()),
        late=_union(list(late), empty=_no_late()),
        rounds=rounds,
    )


def _window_of(state: ir.Table, reward: StreakReward) -> ir.Table:
    completes = (state.start_day + ibis.interval(months=reward.months)).cast(dt.date)
    return state.mutate(
        completes=completes,
        grant_day=(completes + ibis.interval(days=reward.settlement_grace_days)).cast(dt.date),
    )


def _round(
    window: ir.Table,
    counted: ir.Table,
    *,
    reward: StreakReward,
    order: int,
    as_of: date,
    cal: Calendar,
    materialise: Callable[[ir.Table], ir.Table],
) -> tuple[ir.Table, ir.Table, ir.Table, ir.Table]:
    """One window per open walk: ended, broken, running, or completed (and what next)."""
    calls = counted.rename(c_customer="customer_id", c_id="event_id", c_at="occurred_at")
    inside = window.join(
        calls,
        [
            window.customer_id == calls.c_customer,
            window.start_at.isnull() | (calls.c_at >= window.start_at),
            calls.t_day >= window.start_day,
            calls.t_day < window.completes,
        ],
    )
    timely = inside.filter(inside.k_day < inside.grant_day)
    first = ibis.window(group_by="customer_id", order_by=["c_at", "c_id"])
    ranked = timely.mutate(rank=ibis.row_number().over(first))
    breakers = ranked.filter(ranked.rank == 0).select(
        b_customer="customer_id", b_id="c_id", b_at="c_at", b_day="t_day"
    )
    notes = inside.filter(inside.k_day >= inside.grant_day).select(
        "customer_id", event_id="c_id", grant_day="grant_day"
    )
    w = window.left_join(breakers, window.customer_id == breakers.b_customer)
    ends = (
        w.ce_at.notnull() & (cal.day(w.ce_at) < w.completes) & (cal.day(w.ce_known) < w.grant_day)
    ).fill_null(False)
    ended = ends & (w.b_id.isnull() | (w.ce_at <= w.b_at))
    broken = ~ended & w.b_id.notnull()
    running = ~ended & ~broken & (w.completes > ibis.literal(as_of))
    completed = ~ended & ~broken & ~running
    next_day = (w.b_day + ibis.interval(days=1)).cast(dt.date)
    restarts = ibis.literal(reward.on_break == "restart")
    restart_late = broken & restarts & (next_day > ibis.literal(as_of))
    w = w.mutate(
        ended=ended,
        broken=broken,
        running=running,
        completed=completed,
        next_day=next_day,
        restart_late=restart_late,
        breaker=ibis.ifelse(broken, w.b_id, w.last_breaker),
        done_now=w.done + completed.cast(dt.int64),
    )
    terminal = w.ended | w.running | w.restart_late
    if reward.on_break == "forfeit":
        terminal = terminal | w.broken
    if reward.recurrence == "once":
        terminal = terminal | w.completed
    w = materialise(w.mutate(terminal=terminal))
    terminal = w.terminal
    outcome = w.filter(terminal).select(
        "customer_id",
        reward=ibis.literal(reward.id),
        outcome=ibis.cases(
            (w.ended, "ended"),
            (w.running, "running"),
            (w.completed, "completed"),
            (w.restart_late, "restarting"),
            else_="forfeited",
        ),
        start_day=ibis.ifelse(w.restart_late, w.next_day, w.start_day),
        completes=w.completes,
        grant_day=w.grant_day,
        broken_by=ibis.ifelse(w.ended, w.ce_id, w.breaker),
        done=w.done_now,
    )
    grants = w.filter(w.completed).select(
        "customer_id",
        period=w.start_day.strftime("%Y-%m-%d"),
        due_on=w.grant_day,
        due_at=ibis.null(UTC_TS),
        reward=ibis.literal(reward.id),
        amount_mb=ibis.literal(reward.amount_mb, dt.int64),
        order=ibis.literal(order, dt.int64),
    )
    going = w.filter(~terminal).select(
        "customer_id",
        "ce_id",
        "ce_at",
        "ce_known",
        start_at=ibis.null(UTC_TS),
        start_day=ibis.ifelse(w.broken, w.next_day, w.completes),
        done=w.done_now,
        last_breaker=w.breaker,
    )
    return outcome, grants, notes, going


def _last_late(notes: ir.Table) -> ir.Table:
    """Of the notes on one call the last written wins (later reward, later window)."""
    last = ibis.window(
        group_by=["customer_id", "event_id"],
        order_by=[ibis.desc("order"), ibis.desc("round")],
    )
    ranked = notes.mutate(rank=ibis.row_number().over(last))
    return ranked.filter(ranked.rank == 0).select("customer_id", "event_id", "grant_day")
