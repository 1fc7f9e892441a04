"""The verdict: does a series show a deviation the customer can claim a reduction for?

Fixed line (judged for download and upload separately; any one criterion suffices):
  `max`    — 90 % of the contracted maximum is not reached even once on at least two of the
             three measuring days;
  `normal` — the normally available speed is not reached in 90 % of the measurements;
  `min`    — the contracted minimum is undercut (at least once) on at least two measuring days.
Thresholds are inclusive: exactly 90 % of the maximum counts as reached, a value equal to
the minimum does not undercut it.

Mobile draft (2024, not in force): the mean of the measurements below 25 / 15 / 10 % of the
estimated maximum in urban / semi-urban / rural areas. The draft is not final; selfcare
reads it as the mean of all measurements of a direction and labels every result as a draft.

A deviation is only *proven* when the protocol is valid; the criteria are still computed on
a broken series (`indicative_deviation`) so the customer sees where they stand.

The reduction estimate (§57(4) TKG) is `price × (1 − measured / contracted)` with the mean of
the measurements against the normally available speed (mobile draft: against the
threshold). It is the customer's claim, never binding, and is given in whole cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from selfcare.domain.speedcheck import verdict_texts as texts
from selfcare.domain.speedcheck.models import (
    BERLIN,
    Contract,
    Direction,
    Measurement,
    SpeedTier,
    Text,
)
from selfcare.domain.speedcheck.protocol import (
    FIXED_LINE,
    ProfileName,
    ProtocolCheck,
    ProtocolRules,
    by_day,
    check_protocol,
)


class Criterion(StrEnum):
    MAX = "max"
    NORMAL = "normal"
    MIN = "min"
    ESTIMATED_MAX_SHARE = "estimated_max_share"


class Area(StrEnum):
    """Area types of the mobile draft (household density of the 300 m grid cell)."""

    URBAN = "urban"
    SEMI_URBAN = "semi-urban"
    RURAL = "rural"


MOBILE_SHARE_PERCENT = {Area.URBAN: 25, Area.SEMI_URBAN: 15, Area.RURAL: 10}
DAYS_THAT_MAKE_A_DEVIATION = 2


@dataclass(frozen=True)
class CriterionResult:
    """One criterion for one direction: failed or not, and the figures that decided it."""

    criterion: Criterion
    failed: bool
    threshold_kbps: int
    failing_days: tuple[date, ...]
    reached: int
    total: int
    text: Text


@dataclass(frozen=True)
class DirectionVerdict:
    direction: Direction
    tier: SpeedTier
    criteria: tuple[CriterionResult, ...]
    mean_kbps: int
    reduction_cents: int | None

    @property
    def failed_criteria(self) -> list[str]:
        return [result.criterion.value for result in self.criteria if result.failed]

    @property
    def deviation(self) -> bool:
        return any(result.failed for result in self.criteria)


@dataclass(frozen=True)
class Verdict:
    """Protocol check plus the per-direction judgement of one series against one contract."""

    protocol: ProtocolCheck
    download: DirectionVerdict
    upload: DirectionVerdict
    contract: Contract
    area: Area | None

    @property
    def indicative_deviation(self) -> bool:
        """A criterion failed, whether or not the protocol holds."""
        return self.download.deviation or self.upload.deviation

    @property
    def deviation(self) -> bool:
        """Proven: a criterion failed on a series that follows the protocol."""
        return self.protocol.valid and self.indicative_deviation

    @property
    def directions(self) -> tuple[DirectionVerdict, DirectionVerdict]:
        return (self.download, self.upload)

    @property
    def reduction_cents(self) -> int | None:
        """The larger of the per-direction estimates: one price pays for both directions."""
        values = [d.reduction_cents for d in self.directions if d.reduction_cents is not None]
        return max(values) if values else None

    def summary(self) -> Text:
        return texts.summary(self)


def judge(
    measurements: Sequence[Measurement],
    contract: Contract,
    *,
    rules: ProtocolRules = FIXED_LINE,
    area: Area | None = None,
    zone: ZoneInfo = BERLIN,
) -> Verdict:
    """Check the protocol and judge both directions of a series against the contract."""
    if rules.profile is ProfileName.MOBILE_DRAFT and area is None:
        msg = "the mobile draft needs the area type: urban, semi-urban or rural"
        raise ValueError(msg)
    protocol = check_protocol(measurements, rules, zone)
    days = by_day(measurements, zone)
    download, upload = (
        _judge_direction(days, contract, direction, rules, area)
        for direction in (Direction.DOWNLOAD, Direction.UPLOAD)
    )
    return Verdict(protocol, download, upload, contract, area)


def _judge_direction(
    days: dict[date, list[Measurement]],
    contract: Contract,
    direction: Direction,
    rules: ProtocolRules,
    area: Area | None,
) -> DirectionVerdict:
    tier = contract.tier(direction)
    speeds = {day: [item.speed(direction) for item in items] for day, items in days.items()}
    if rules.profile is ProfileName.MOBILE_DRAFT and area is not None:
        criteria: tuple[CriterionResult, ...] = (_mobile_share(speeds, tier, area, direction),)
        basis = criteria[0].threshold_kbps
    else:
        criteria = (
            _max_criterion(speeds, tier, direction),
            _normal_criterion(speeds, tier, direction),
            _min_criterion(speeds, tier, direction),
        )
        basis = tier.normal_kbps
    mean = _mean(speeds)
    failed = any(result.failed for result in criteria)
    reduction = reduction_cents(contract.price_cents, mean, basis) if failed else None
    return DirectionVerdict(direction, tier, criteria, int(mean), reduction)


def _max_criterion(
    speeds: dict[date, list[int]], tier: SpeedTier, direction: Direction
) -> CriterionResult:
    """90 % of the maximum not reached even once on a day; two such days make a deviation."""
    threshold = -(-9 * tier.max_kbps // 10)  # ceil(0.9 × max): integers, exact at 90 %
    failing = tuple(day for day, values in speeds.items() if max(values) < threshold)
    reached = sum(1 for values in speeds.values() for v in values if v >= threshold)
    total = sum(len(values) for values in speeds.values())
    failed = len(failing) >= DAYS_THAT_MAKE_A_DEVIATION
    text = texts.max_text(
        direction, tier=tier, threshold=threshold, failing=failing, speeds=speeds, failed=failed
    )
    return CriterionResult(Criterion.MAX, failed, threshold, failing, reached, total, text)


def _normal_criterion(
    speeds: dict[date, list[int]], tier: SpeedTier, direction: Direction
) -> CriterionResult:
    """The normally available speed must be reached in at least 90 % of all measurements."""
    values = [v for day_values in speeds.values() for v in day_values]
    reached = sum(1 for v in values if v >= tier.normal_kbps)
    failed = reached * 10 < 9 * len(values)
    failing = tuple(day for day, vs in speeds.items() if min(vs) < tier.normal_kbps)
    text = texts.normal_text(
        direction, tier=tier, reached=reached, total=len(values), failed=failed
    )
    return CriterionResult(
        Criterion.NORMAL, failed, tier.normal_kbps, failing, reached, len(values), text
    )


def _min_criterion(
    speeds: dict[date, list[int]], tier: SpeedTier, direction: Direction
) -> CriterionResult:
    """The minimum undercut at least once on a day; two such days make a deviation."""
    failing = tuple(day for day, values in speeds.items() if min(values) < tier.min_kbps)
    reached = sum(1 for values in speeds.values() for v in values if v >= tier.min_kbps)
    total = sum(len(values) for values in speeds.values())
    failed = len(failing) >= DAYS_THAT_MAKE_A_DEVIATION
    text = texts.min_text(direction, tier=tier, failing=failing, speeds=speeds, failed=failed)
    return CriterionResult(Criterion.MIN, failed, tier.min_kbps, failing, reached, total, text)


def _mobile_share(
    speeds: dict[date, list[int]], tier: SpeedTier, area: Area, direction: Direction
) -> CriterionResult:
    """Draft: the mean must reach the area's share of the estimated maximum."""
    percent = MOBILE_SHARE_PERCENT[area]
    threshold = -(-percent * tier.max_kbps // 100)
    values = [v for day_values in speeds.values() for v in day_values]
    failed = bool(values) and sum(values) * 100 < percent * tier.max_kbps * len(values)
    reached = sum(1 for v in values if v >= threshold)
    mean = int(_mean(speeds))
    text = texts.mobile_text(
        direction,
        tier=tier,
        area=area.value,
        percent=percent,
        threshold=threshold,
        mean=mean,
        failed=failed,
    )
    return CriterionResult(
        Criterion.ESTIMATED_MAX_SHARE, failed, threshold, (), reached, len(values), text
    )


def _mean(speeds: dict[date, list[int]]) -> Fraction:
    values = [v for day_values in speeds.values() for v in day_values]
    return Fraction(sum(values), len(values)) if values else Fraction(0)


def reduction_cents(
    price_cents: int | None, measured: Fraction, contracted_kbps: int
) -> int | None:
    """Non-binding estimate `price × (1 − measured / contracted)`, half-up to whole cents."""
    if price_cents is None:
        return None
    if measured >= contracted_kbps:
        return 0
    exact = Fraction(price_cents) * (1 - measured / contracted_kbps)
    return int(exact + Fraction(1, 2))
