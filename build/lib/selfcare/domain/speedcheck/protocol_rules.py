"""The regulator's measurement protocols as data: the fixed line rules and the 2024 mobile draft.

Kept apart from the checks (protocol.py) so the numbers of each protocol read as one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from selfcare.domain.speedcheck.models import Text


class ProfileName(StrEnum):
    FIXED = "fixed"
    MOBILE_DRAFT = "mobile-draft"


class ProblemCode(StrEnum):
    """Why a series is not a conformant protocol (stable codes of the JSON contract)."""

    TOO_FEW_MEASUREMENTS = "too_few_measurements"
    TOO_MANY_MEASUREMENTS = "too_many_measurements"
    WRONG_DAY_COUNT = "wrong_day_count"
    WRONG_PER_DAY_COUNT = "wrong_per_day_count"
    DAYS_NOT_SEPARATED = "days_not_separated"
    SPAN_OVER_14_DAYS = "span_over_14_days"
    TOO_CLOSE = "too_close"
    NO_3H_PAUSE = "no_3h_pause"
    NOT_LAN = "not_lan"


@dataclass(frozen=True)
class ProtocolRules:
    """The numbers of one protocol, as data, so the fixed line and the mobile draft share code."""

    profile: ProfileName
    label: Text
    measurements: int
    days: int
    per_day: int
    min_spacing: timedelta
    free_day_between: bool
    span_days: int | None
    pause_after: int | None
    pause: timedelta
    lan_only: bool


FIXED_LINE = ProtocolRules(
    profile=ProfileName.FIXED,
    label=Text(
        de="Festnetz (Allgemeinverfügung der Bundesnetzagentur, gültig seit 13.12.2021)",
        en="Fixed line (Bundesnetzagentur general ruling, in force since 13 Dec 2021)",
    ),
    measurements=30,
    days=3,
    per_day=10,
    min_spacing=timedelta(minutes=5),
    free_day_between=True,
    span_days=14,
    pause_after=5,
    pause=timedelta(hours=3),
    lan_only=True,
)

MOBILE_DRAFT = ProtocolRules(
    profile=ProfileName.MOBILE_DRAFT,
    label=Text(
        de="Mobilfunk – ENTWURF der Bundesnetzagentur von 2024, nicht in Kraft, unverbindlich",
        en="Mobile – Bundesnetzagentur DRAFT of 2024, not in force, not binding",
    ),
    measurements=30,
    days=5,
    per_day=6,
    min_spacing=timedelta(minutes=5),
    free_day_between=False,
    span_days=None,
    pause_after=None,
    pause=timedelta(0),
    lan_only=False,
)


def rules_for(profile: ProfileName | str) -> ProtocolRules:
    """The protocol of a profile name (`fixed` or `mobile-draft`)."""
    return MOBILE_DRAFT if ProfileName(profile) is ProfileName.MOBILE_DRAFT else FIXED_LINE


@dataclass(frozen=True)
class ProtocolProblem:
    code: ProblemCode
    text: Text
