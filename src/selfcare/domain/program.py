"""Program rules as data: what a program manager writes in TOML, validated with plain messages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from selfcare.domain.events import CONTACT_TYPES, EventType

BUILTIN_CATEGORIES = ("contract_extension", "dunning", "cancellation", "reception_problem")
OTHER = "other"
TASK_EVENTS = tuple(t.value for t in EventType if t not in CONTACT_TYPES)


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Texts(_Rule):
    """A customer-facing text in German and English."""

    de: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        return (self.de if lang == "de" else self.en) or self.en or self.de


def _positive_mb(value: int) -> int:
    if value <= 0:
        msg = f"must be a positive whole number of MB, got {value}"
        raise ValueError(msg)
    return value


class TaskReward(_Rule):
    """A bonus for doing something once (or once per calendar month) in self-service."""

    kind: Literal["task"] = "task"
    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    event: str
    amount_mb: int
    recurrence: Literal["once", "monthly"] = "once"
    count_prior: bool = False
    title: Texts = Texts()

    _amount = field_validator("amount_mb")(_positive_mb)

    @field_validator("event")
    @classmethod
    def _known_task_event(cls, value: str) -> str:
        if value not in TASK_EVENTS:
            msg = f"unknown event type '{value}' for a task; use one of: {', '.join(TASK_EVENTS)}"
            raise ValueError(msg)
        return value


class StreakReward(_Rule):
    """A bonus for a number of calendar months without a counted hotline call."""

    kind: Literal["streak"] = "streak"
    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    amount_mb: int
    months: int = Field(ge=1, le=60)
    on_break: Literal["restart", "forfeit"] = "restart"
    recurrence: Literal["once", "rolling"] = "once"
    settlement_grace_days: int = Field(default=3, ge=0, le=90)
    title: Texts = Texts()

    _amount = field_validator("amount_mb")(_positive_mb)


Reward = Annotated[TaskReward | StreakReward, Field(discriminator="kind")]


class CallCategory(_Rule):
    """A call topic; exempt ones (`counts = false`) never break a streak."""

    name: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    counts: bool = False
    reason_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    builtin_lexicon: bool = True
    title: Texts = Texts()

    @model_validator(mode="after")
    def _must_be_recognisable(self) -> CallCategory:
        has_lexicon = self.builtin_lexicon and self.name in BUILTIN_CATEGORIES
        if not (self.reason_codes or self.keywords or has_lexicon):
            msg = (
                f"category '{self.name}' has no reason codes or keywords, "
                "so no call could ever be classified as it"
            )
            raise ValueError(msg)
        return self


class SelfServiceLink(_Rule):
    """A self-service page that settles a concern without a call, offered by the call
    checker when the concern is of one of `categories` (`other` included) or contains one
    of `keywords` (a word starting with it; case and umlaut spelling ignored)."""

    url: str = Field(min_length=1, max_length=500)
    title: Texts
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://", "/")) or value.startswith("//"):
            msg = f"'{value}' is not a web address; use https://… or a path starting with /"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _must_be_findable(self) -> SelfServiceLink:
        if not (self.categories or self.keywords):
            msg = f"link '{self.url}' has no categories or keywords, so it is never offered"
            raise ValueError(msg)
        if not (self.title.de or self.title.en):
            msg = f"link '{self.url}' needs a title (title.de and/or title.en)"
            raise ValueError(msg)
        return self


class CallRules(_Rule):
    """Which contacts count against a streak and which are exempt."""

    counted_types: tuple[str, ...] = (EventType.HOTLINE_CALL.value,)
    count_unanswered: bool = False
    hotline_pass_days: int = Field(default=14, ge=0, le=365)
    categories: tuple[CallCategory, ...] = ()
    links: tuple[SelfServiceLink, ...] = ()

    @field_validator("counted_types")
    @classmethod
    def _contact_types_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        allowed = sorted(t.value for t in CONTACT_TYPES)
        for item in value:
            if item not in allowed:
                msg = f"unknown contact type '{item}'; use one of: {', '.join(allowed)}"
                raise ValueError(msg)
        return value

    @field_validator("categories")
    @classmethod
    def _unique_names(cls, value: tuple[CallCategory, ...]) -> tuple[CallCategory, ...]:
        names = [c.name for c in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            msg = f"category listed twice: {', '.join(duplicates)}"
            raise ValueError(msg)
        if OTHER in names:
            msg = "'other' is the fallback category and cannot be configured"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _links_name_known_categories(self) -> CallRules:
        known = {c.name for c in self.categories} | set(BUILTIN_CATEGORIES) | {OTHER}
        for link in self.links:
            unknown = sorted(set(link.categories) - known)
            if unknown:
                msg = (
                    f"link '{link.url}' names unknown categories {', '.join(unknown)}; "
                    f"use one of: {', '.join(sorted(known))}"
                )
                raise ValueError(msg)
        return self

    def category(self, name: str) -> CallCategory | None:
        return next((c for c in self.categories if c.name == name), None)


class Cap(_Rule):
    """At most `max_mb` per customer per calendar period; held grants wait for room."""

    period: Literal["month", "year", "program"] = "month"
    max_mb: int
    carry_over: bool = True

    _amount = field_validator("max_mb")(_positive_mb)


class Budget(_Rule):
    """The operator's total data budget for the program (enforced by the grants ledger)."""

    total_mb: int | None = Field(default=None, gt=0)
    monthly_mb: int | None = Field(default=None, gt=0)


class Program(_Rule):
    """A whole incentive program: rewards, call rules, caps, budget and calendar."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    timezone: str = "Europe/Berlin"
    description: Texts = Texts()
    rewards: tuple[Reward, ...] = Field(min_length=1)
    calls: CallRules = CallRules()
    caps: tuple[Cap, ...] = ()
    budget: Budget = Budget()
    starts_on: date | None = None
    """The program's first day: events before it are quarantined as implausible."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone '{value}'; use an IANA name such as Europe/Berlin"
            raise ValueError(msg) from None
        return value

    @field_validator("rewards")
    @classmethod
    def _unique_reward_ids(cls, value: tuple[Reward, ...]) -> tuple[Reward, ...]:
        ids = [r.id for r in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            msg = f"reward id used twice: {', '.join(duplicates)}"
            raise ValueError(msg)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def reward(self, reward_id: str) -> Reward:
        return next(r for r in self.rewards if r.id == reward_id)

    @property
    def streaks(self) -> tuple[StreakReward, ...]:
        return tuple(r for r in self.rewards if isinstance(r, StreakReward))

    @property
    def tasks(self) -> tuple[TaskReward, ...]:
        return tuple(r for r in self.rewards if isinstance(r, TaskReward))
