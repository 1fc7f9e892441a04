"""The database tables: events, quarantine, customer state, grants ledger, outbox, budget.

SQLAlchemy 2 declarative rows with `Mapped[...]`. These are storage rows, not domain
objects: conversions live in the repositories. Times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID = 128  # the longest id an event may carry (domain/events.py MAX_ID_LENGTH)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite keeps no offset, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            msg = "naive datetime given to the store; times must carry an offset"
            raise ValueError(msg)
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - SQLAlchemy's signature
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class EventRow(Base):
    """One accepted event; `fingerprint` is the hash of its content as sent (idempotency)."""

    __tablename__ = "events"

    event_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID))
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at_sent: Mapped[bool] = mapped_column(Boolean)
    reason_code: Mapped[str | None] = mapped_column(String(ID))
    text: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(16))
    reached_agent: Mapped[bool] = mapped_column(Boolean)
    fingerprint: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_events_customer_occurred", "customer_id", "occurred_at"),)


class QuarantineRow(Base):
    """A row that could not be accepted, kept as sent with the reason: never lost."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    line: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(ID))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class CustomerStateRow(Base):
    """The evaluator's fold for one customer, plus its last projection and how long it holds.

    `progress` answers for every day from `progress_as_of` to `valid_through` (None: for
    good); after that a day brings change without any new event (a streak completes, a grant
    falls due), so the settle job re-projects customers whose `valid_through` has passed.
    """

    __tablename__ = "customer_state"

    program_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    event_count: Mapped[int] = mapped_column(Integer)
    progress: Mapped[str | None] = mapped_column(Text)
    progress_as_of: Mapped[date | None] = mapped_column(Date)
    valid_through: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_customer_state_stale", "program_id", "valid_through"),)


class CustomerCallRow(Base):
    """A contact's verdict that can no longer change (JSON `CallResult`), `seq`-th of the
    customer's frozen verdicts: appended as the incremental projection freezes them, never
    rewritten, and read back in `seq` order before the verdicts still in the state."""

    __tablename__ = "customer_call"

    program_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    result: Mapped[str] = mapped_column(Text)


class GrantRow(Base):
    """A bonus written to the ledger exactly once per (program, customer, reward, period).

    The program is part of the key: two programs may name their rewards alike, and a grant
    of one must never hide the other's.
    """

    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    program_id: Mapped[str] = mapped_column(String(ID))
    customer_id: Mapped[str] = mapped_column(String(ID))
    reward: Mapped[str] = mapped_column(String(ID))
    period: Mapped[str] = mapped_column(String(32))
    amount_mb: Mapped[int] = mapped_column(Integer)
    granted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    hold_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    charging_id: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the program (version) that made the grant; None for grants from before 0007.
    program_digest: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint(
            "program_id",
            "customer_id",
            "reward",
            "period",
            name="uq_grants_program_customer_reward_period",
        ),
        Index("ix_grants_customer", "customer_id"),
        Index("ix_grants_status_order", "program_id", "status", "granted_on", "id"),
    )


class GrantAuditRow(Base):
    """Who did what to a grant by hand, and when (e.g. `resend` of a rejected top-up)."""

    __tablename__ = "grant_audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("grants.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """A top-up still to be sent; a claim is a lease that expires if its relay dies."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("grants.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    available_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index(
            "ix_outbox_open",
            "available_at",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )


class BudgetRow(Base):
    """The operator's data budget for a program: in total and/or per calendar month (MB)."""

    __tablename__ = "budgets"

    program_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    total_mb: Mapped[int | None] = mapped_column(BigInteger)
    monthly_mb: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BudgetSpendRow(Base):
    """MB reserved against a budget: period `total` or a month `YYYY-MM`."""

    __tablename__ = "budget_spend"

    program_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    spent_mb: Mapped[int] = mapped_column(BigInteger)


class ApiKeyRow(Base):
    """An operator API key, stored only as a hash; scopes such as `events:write`."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    scopes: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CustomerTokenRow(Base):
    """A customer's token (hashed), bound to exactly one customer.

    `purpose` is `access` (the API, the pasted access code) or `login_link` (one browser
    session, once: `used_at` is set when the login is confirmed).
    """

    __tablename__ = "customer_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(String(16), server_default=text("'access'"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CustomerSessionRow(Base):
    """A browser session of the speed check pages, opened with a customer token.

    Only the SHA-256 of the session id is stored; `ended_at` is set by logout (or by
    revoking the token it came from), so a copied cookie stops working on the server.
    """

    __tablename__ = "customer_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(128), unique=True)
    customer_id: Mapped[str] = mapped_column(String(ID), index=True)
    token_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SpeedMeasurementRow(Base):
    """One measurement as the customer's browser reported it; `series_id` when it counts."""

    __tablename__ = "speed_measurements"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    download_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_kbps: Mapped[int] = mapped_column(BigInteger)
    ping_ms: Mapped[int | None] = mapped_column(Integer)
    connection: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    test_id: Mapped[str | None] = mapped_column(String(64))
    series_id: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_speed_measurements_customer_measured", "customer_id", "measured_at"),
    )


class SpeedContractRow(Base):
    """What the customer's contract promises (kbit/s per direction) and its monthly price."""

    __tablename__ = "speed_contracts"

    customer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    download_max_kbps: Mapped[int] = mapped_column(BigInteger)
    download_normal_kbps: Mapped[int] = mapped_column(BigInteger)
    download_min_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_max_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_normal_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_min_kbps: Mapped[int] = mapped_column(BigInteger)
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OperatorRow(Base):
    """An operator of the console; the password only as an argon2id hash."""

    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(512))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OperatorSessionRow(Base):
    """A console login; only the SHA-256 of the cookie's value is stored."""

    __tablename__ = "operator_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(128), unique=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OperatorAuditRow(Base):
    """Every operator action: who, what, on which object, when, before and after."""

    __tablename__ = "operator_audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(300))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class ProgramVersionRow(Base):
    """A published version of a program: its file, and the digest its grants carry."""

    __tablename__ = "program_versions"

    program_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    source_text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, server_default=text("''"))


class PilotAssignmentRow(Base):
    """A customer's arm in a pilot; the key keeps a customer in one arm per pilot."""

    __tablename__ = "pilot_assignments"

    pilot_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    arm: Mapped[str] = mapped_column(String(16))
    stratum: Mapped[str] = mapped_column(String(200))
    wave: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(8))


class PilotInvitationRow(Base):
    """An invitation code by its hash; `accepted_at` is set once, by a conditional update."""

    __tablename__ = "pilot_invitations"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    pilot_id: Mapped[str] = mapped_column(String(ID))
    customer_id: Mapped[str] = mapped_column(String(ID))
    expires_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_pilot_invitations_pilot_customer", "pilot_id", "customer_id"),)


class PilotAnalysisRow(Base):
    """One analysis of a pilot as its JSON document (the contract of `pilot analyze`)."""

    __tablename__ = "pilot_analyses"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    pilot_id: Mapped[str] = mapped_column(String(ID))
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    document: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_pilot_analyses_pilot_id_analysed_at", "pilot_id", "analysed_at"),)
