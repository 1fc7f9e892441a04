"""Hand-made measurement series, each with its expected verdict written down and explained.

Contract unless a case says otherwise: download 100/80/50 Mbit/s (max/normal/min), upload
40/30/20 Mbit/s. So 90 % of the maximum is 90 Mbit/s down and 36 Mbit/s up; the normal speed
must be reached in 27 of 30 measurements. A day spec `"95 80x9"` is one measurement at 95
Mbit/s and nine at 80. Default days: Mon 12, Wed 14, Fri 16 May 2025; default times 08:00 …
08:40, then exactly three hours later 11:40 … 12:20, ten minutes apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from selfcare.domain.speedcheck.models import Connection, Contract, Evidence, SpeedTier
from selfcare.domain.speedcheck.protocol import FIXED_LINE, MOBILE_DRAFT, ProtocolRules
from selfcare.domain.speedcheck.verdict import Area, judge
from tests.unit.speedcheck.speedcheck_builders import CONTRACT, DAY_TIMES, series, shifted

MAY = 5


def may(day: int) -> date:
    return date(2025, MAY, day)


@dataclass(frozen=True)
class Case:
    name: str
    build: dict[str, Any]
    problems: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    up: tuple[str, ...] = ()
    deviation: bool = False
    contract: Contract = CONTRACT
    rules: ProtocolRules = FIXED_LINE
    area: Area | None = None


MOBILE = Contract(SpeedTier(200_000, 200_000, 200_000), SpeedTier(50_000, 50_000, 50_000))
FIVE_DAYS = tuple(may(d) for d in range(12, 17))
SIXTEEN = Contract(SpeedTier(16_666, 14_000, 8_000), CONTRACT.upload)

CASES = [
    # ---- protocol -------------------------------------------------------------------------
    # 30 good measurements, 10 on each of three separated days, spacing and pause kept.
    Case("a conformant series of good measurements is valid without deviation", {}),
    # Day 3 has only nine measurements: 29 in total and a day short of ten.
    Case(
        "twenty-nine measurements are too few",
        {"down": ["95x10", "95x10", "95x9"]},
        problems=("too_few_measurements", "wrong_per_day_count"),
    ),
    # Day 3 has an eleventh measurement at 12:30: 31 in total.
    Case(
        "thirty-one measurements are too many",
        {"down": ["95x10", "95x10", "95x11"]},
        problems=("too_many_measurements", "wrong_per_day_count"),
    ),
    # 15 + 15 on two days: the count is right, the days are not.
    Case(
        "thirty measurements on two days are the wrong day count",
        {"down": ["95x15", "95x15"], "days": (may(12), may(14))},
        problems=("wrong_day_count", "wrong_per_day_count"),
    ),
    # 10 + 10 + 5 + 5 on four separated days within seven days.
    Case(
        "thirty measurements on four days are the wrong day count",
        {"down": ["95x10", "95x10", "95x5", "95x5"], "days": (may(12), may(14), may(16), may(18))},
        problems=("wrong_day_count", "wrong_per_day_count"),
    ),
    # 12 and 13 May follow each other: no free day between.
    Case(
        "measuring on two consecutive days breaks the free day rule",
        {"days": (may(12), may(13), may(15))},
        problems=("days_not_separated",),
    ),
    # 14 and 15 May follow each other.
    Case(
        "the last two measuring days being adjacent breaks the free day rule",
        {"days": (may(12), may(14), may(15))},
        problems=("days_not_separated",),
    ),
    # 1 to 14 May are 14 calendar days including both ends: still within the span.
    Case(
        "first and last day fourteen calendar days apart inclusive are within the span",
        {"days": (may(1), may(7), may(14))},
    ),
    # 1 to 15 May are 15 calendar days.
    Case(
        "fifteen calendar days exceed the span",
        {"days": (may(1), may(8), may(15))},
        problems=("span_over_14_days",),
    ),
    # Day 1: 08:00, 08:05, … 08:20, then 11:20 (3 h), 11:25, … 11:40: exactly 5 minutes.
    Case(
        "exactly five minutes between measurements is enough",
        {
            "times": [
                [
                    "08:00",
                    "08:05",
                    "08:10",
                    "08:15",
                    "08:20",
                    "11:20",
                    "11:25",
                    "11:30",
                    "11:35",
                    "11:40",
                ],
                None,
                None,
            ]
        },
    ),
    # Day 1: the 2nd measurement at 08:04:59, 4 min 59 s after the 1st.
    Case(
        "four minutes fifty-nine seconds between measurements are too close",
        {"times": [shifted(DAY_TIMES, 1, "08:04:59"), None, None]},
        problems=("too_close",),
    ),
    # Day 1: two measurements started at 08:00:00 (a file handed in twice, renamed).
    Case(
        "two measurements at the same second are too close",
        {"times": [shifted(DAY_TIMES, 1, "08:00"), None, None]},
        problems=("too_close",),
    ),
    # Day 2: 5th at 09:20:00, 6th at 12:20:00: exactly three hours.
    Case(
        "a pause of exactly three hours after the fifth measurement is enough",
        {
            "times": [
                None,
                [
                    "09:00",
                    "09:05",
                    "09:10",
                    "09:15",
                    "09:20",
                    "12:20",
                    "12:25",
                    "12:30",
                    "12:35",
                    "12:40",
                ],
                None,
            ]
        },
    ),
    # Day 2: the 6th at 11:39:59, 2 h 59 min 59 s after the 5th at 08:40.
    Case(
        "a pause one second short of three hours is no pause",
        {"times": [None, shifted(DAY_TIMES, 5, "11:39:59"), None]},
        problems=("no_3h_pause",),
    ),
    # Day 3: the long pause falls after the 4th; 5th (11:30) and 6th (11:40) are 10 min apart.
    Case(
        "a long pause after the fourth instead of the fifth measurement does not count",
        {
            "times": [
                None,
                None,
                [
                    "08:00",
                    "08:10",
                    "08:20",
                    "08:30",
                    "11:30",
                    "11:40",
                    "11:50",
                    "12:00",
                    "12:10",
                    "12:20",
                ],
            ]
        },
        problems=("no_3h_pause",),
    ),
    # Day 2, 4th measurement over WLAN.
    Case(
        "one measurement over WLAN breaks the LAN rule",
        {"wlan_at": [(1, 3)]},
        problems=("not_lan",),
    ),
    # The regulator's browser CSV does not record the connection: unknown is not LAN.
    Case(
        "measurements without a recorded connection are not LAN",
        {"connection": Connection.UNKNOWN},
        problems=("connection_not_lan",),
    ),
    # 30 March 2025 clocks go forward at 02:00: 00:50 → 03:50 looks like 3 h but is 2 h.
    Case(
        "on the night clocks go forward three wall-clock hours are only two real hours",
        {
            "days": (date(2025, 3, 28), date(2025, 3, 30), date(2025, 4, 1)),
            "times": [
                None,
                [
                    "00:10",
                    "00:20",
                    "00:30",
                    "00:40",
                    "00:50",
                    "03:50",
                    "04:00",
                    "04:10",
                    "04:20",
                    "04:30",
                ],
                None,
            ],
        },
        problems=("no_3h_pause",),
    ),
    # 20 measurements on two adjacent days, two of them 3 minutes apart.
    Case(
        "several broken rules are all reported",
        {
            "down": ["95x10", "95x10"],
            "days": (may(12), may(13)),
            "times": [shifted(DAY_TIMES, 1, "08:03"), None],
        },
        problems=("too_few_measurements", "wrong_day_count", "days_not_separated", "too_close"),
    ),
    # Nothing measured yet: no criterion can fail, the protocol is not met.
    Case(
        "an empty series is too few measurements on no day",
        {"down": [], "up": [], "days": ()},
        problems=("too_few_measurements", "wrong_day_count"),
    ),
    # ---- download criterion max: 90 % of 100 = 90 Mbit/s -----------------------------------
    # Each day's best is exactly 90: reached; 85 keeps normal (80) and min (50).
    Case("exactly ninety percent of the maximum once a day counts as reached", {"down": "90 85x9"}),
    # Best 89.999 on days 1 and 2, day 3 reaches 90: two days without 90 % → max fails.
    Case(
        "a best of 89.999 on two days fails the maximum criterion",
        {"down": ["89.999 85x9", "89.999 85x9", "90 85x9"]},
        down=("max",),
        deviation=True,
    ),
    # Only day 1 misses 90 %: one day is not enough.
    Case(
        "missing ninety percent on one day only is no deviation",
        {"down": ["89.999 85x9", "90 85x9", "90 85x9"]},
    ),
    # 85 all the time: 90 % missed on all three days; normal (80) and min are kept.
    Case(
        "missing ninety percent on all three days fails the maximum criterion",
        {"down": "85x10"},
        down=("max",),
        deviation=True,
    ),
    # One 95 per day, the rest 81: once a day suffices.
    Case("reaching ninety percent once a day suffices", {"down": "95 81x9"}),
    # ---- download criterion normal: 80 Mbit/s in 27 of 30 ----------------------------------
    # Three at 79.999, all on day 1: 27 of 30 reached = exactly 90 %.
    Case(
        "twenty-seven of thirty at the normal speed is exactly ninety percent",
        {"down": ["95 79.999x3 85x6", "95x10", "95x10"]},
    ),
    # Four at 79.999: 26 of 30.
    Case(
        "twenty-six of thirty at the normal speed fails the normal criterion",
        {"down": ["95 79.999x4 85x5", "95x10", "95x10"]},
        down=("normal",),
        deviation=True,
    ),
    # Nine of ten exactly at 80.000 each day: equal counts as reached.
    Case("exactly the normal speed counts as reached", {"down": "95 80x9"}),
    # ---- download criterion min: 50 Mbit/s ------------------------------------------------
    # One 50.000 per day (equal to the minimum: not undercut); 27/30 reach normal.
    Case(
        "a value equal to the minimum does not undercut it",
        {"down": "95 50 80x8"},
    ),
    # 49.999 on days 1 and 2: two days undercut; normal 28/30.
    Case(
        "49.999 on two days fails the minimum criterion",
        {"down": ["95 49.999 80x8", "95 49.999 80x8", "95x10"]},
        down=("min",),
        deviation=True,
    ),
    # Two measurements at 49 on day 1 only: one day; normal 28/30.
    Case(
        "undercutting the minimum on one day only, even twice, is no deviation",
        {"down": ["95 49x2 80x7", "95x10", "95x10"]},
    ),
    # One 49 per day: three days undercut; normal 27/30 still met.
    Case(
        "undercutting the minimum on all three days fails only the minimum criterion",
        {"down": "95 49 80x8"},
        down=("min",),
        deviation=True,
    ),
    # 40 all the time: below 90, below 80 in every measurement, below 50 every day.
    Case(
        "forty megabits all the time fails every download criterion",
        {"down": "40x10"},
        down=("max", "normal", "min"),
        deviation=True,
    ),
    # ---- upload: 90 % of 40 = 36, normal 30, min 20 ----------------------------------------
    # Best 35.999 on days 1 and 2; day 3 reaches 36.
    Case(
        "an upload best of 35.999 on two days fails the upload maximum criterion",
        {"up": ["35.999x10", "35.999x10", "36 31x9"]},
        up=("max",),
        deviation=True,
    ),
    # 36.000 once a day is exactly 90 % of 40.
    Case("an upload of exactly ninety percent once a day passes", {"up": "36 31x9"}),
    # Four uploads at 29.999 on day 1: 26 of 30 reach 30.
    Case(
        "an upload normal speed reached in twenty-six of thirty fails",
        {"up": ["38 29.999x4 31x5", "38x10", "38x10"]},
        up=("normal",),
        deviation=True,
    ),
    # 19.999 once on days 1 and 2: two days undercut; normal 28/30.
    Case(
        "an upload minimum undercut on two days fails",
        {"up": ["38 19.999 31x8", "38 19.999 31x8", "38x10"]},
        up=("min",),
        deviation=True,
    ),
    # Download min fails (two days at 49.999), upload max fails (35 all the time).
    Case(
        "download and upload can fail different criteria",
        {"down": ["95 49.999 80x8", "95 49.999 80x8", "95x10"], "up": "35x10"},
        down=("min",),
        up=("max",),
        deviation=True,
    ),
    # ---- deviation needs a valid protocol --------------------------------------------------
    # 40 Mbit/s fails everything, but day 1's 2nd measurement came 4 minutes after the 1st.
    Case(
        "a deviation on a broken protocol is only indicative",
        {"down": "40x10", "times": [shifted(DAY_TIMES, 1, "08:04"), None, None]},
        problems=("too_close",),
        down=("max", "normal", "min"),
    ),
    # 40 Mbit/s, the very first measurement over WLAN.
    Case(
        "a deviation measured partly over WLAN is not proof",
        {"down": "40x10", "wlan_at": [(0, 0)]},
        problems=("not_lan",),
        down=("max", "normal", "min"),
    ),
    # Four days (10/10/5/5): 90 % missed on the first two days → max counted over four days.
    Case(
        "criteria count failing days among four measuring days",
        {"down": ["85x10", "85x10", "95x5", "95x5"], "days": (may(12), may(14), may(16), may(18))},
        problems=("wrong_day_count", "wrong_per_day_count"),
        down=("max",),
    ),
    # Every measurement 0 (line down): every criterion in both directions fails.
    Case(
        "measurements of zero fail every criterion in both directions",
        {"down": "0x10", "up": "0x10"},
        down=("max", "normal", "min"),
        up=("max", "normal", "min"),
        deviation=True,
    ),
    # Contract max 16.666: 90 % = 14.9994, so 15.000 is the first value that reaches it.
    Case(
        "90 percent of 16.666 rounds up so 14.999 on two days fails",
        {"down": ["14.999x10", "14.999x10", "15x10"]},
        contract=SIXTEEN,
        down=("max",),
        deviation=True,
    ),
    Case(
        "15.000 reaches 90 percent of 16.666",
        {"down": "15x10"},
        contract=SIXTEEN,
    ),
    # Only 20 measurements, 18 reach the normal speed: exactly 90 % of 20.
    Case(
        "eighteen of twenty at the normal speed is exactly ninety percent",
        {"down": ["95 79 85x8", "95 79 85x8"], "days": (may(12), may(14))},
        problems=("too_few_measurements", "wrong_day_count"),
    ),
    # ---- mobile draft: estimated max 200 down / 50 up, 5 days × 6 ------------------------
    # Urban: 25 % of 200 = 50, of 50 = 12.5; the mean equal to the threshold passes.
    Case(
        "mobile urban: a mean of exactly twenty-five percent is no deviation",
        {"down": "50x6", "up": "12.5x6", "days": FIVE_DAYS},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.URBAN,
    ),
    Case(
        "mobile urban: a mean just below twenty-five percent fails",
        {"down": "49.999x6", "up": "12.5x6", "days": FIVE_DAYS},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.URBAN,
        down=("estimated_max_share",),
        deviation=True,
    ),
    # Semi-urban: 15 % of 200 = 30; 49.999 passes there.
    Case(
        "mobile semi-urban: the same measurements pass at fifteen percent",
        {"down": "49.999x6", "up": "12.5x6", "days": FIVE_DAYS},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.SEMI_URBAN,
    ),
    # Rural: 10 % of 200 = 20; 19.999 is below it.
    Case(
        "mobile rural: a mean below ten percent fails",
        {"down": "19.999x6", "up": "12.5x6", "days": FIVE_DAYS},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.RURAL,
        down=("estimated_max_share",),
        deviation=True,
    ),
    # One 10 and five 90 a day: mean 76.667 ≥ 50, single low values do not decide.
    Case(
        "mobile: the mean decides, not single slow measurements",
        {"down": "10 90x5", "up": "12.5x6", "days": FIVE_DAYS},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.URBAN,
    ),
    # Fixed-line shape (3 days × 10) under the draft: 5 days × 6 are needed.
    Case(
        "mobile: three days of ten are not the draft's five days of six",
        {"down": "50x10", "up": "12.5x10"},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.URBAN,
        problems=("wrong_day_count", "wrong_per_day_count"),
    ),
    # Five consecutive days, one WLAN measurement: neither rule exists in the draft.
    Case(
        "mobile: consecutive days and WLAN are allowed in the draft",
        {"down": "50x6", "up": "12.5x6", "days": FIVE_DAYS, "wlan_at": [(0, 0)]},
        contract=MOBILE,
        rules=MOBILE_DRAFT,
        area=Area.URBAN,
    ),
]


def test_there_are_at_least_forty_hand_made_cases() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_has_the_expected_verdict(case: Case) -> None:
    """The rules as the regulator's Desktop App campaign would be judged by them."""
    measurements = series(**case.build)
    verdict = judge(
        measurements,
        case.contract,
        rules=case.rules,
        area=case.area,
        evidence=Evidence.REGULATOR_DESKTOP_APP,
    )
    assert verdict.protocol.codes == list(case.problems)
    assert verdict.download.failed_criteria == list(case.down)
    assert verdict.upload.failed_criteria == list(case.up)
    assert verdict.deviation is case.deviation
    assert verdict.indicative_deviation is bool(case.down or case.up)
    assert verdict.protocol.valid is (not case.problems)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_same_case_from_a_browser_test_never_proves_a_deviation(case: Case) -> None:
    """Indicative evidence: the same criteria, the hotline pass's conformant deviation, and
    never `deviation`, "proven" or "you may reduce"."""
    measurements = series(**case.build)
    verdict = judge(measurements, case.contract, rules=case.rules, area=case.area)
    assert verdict.evidence is Evidence.INDICATIVE
    assert verdict.deviation is False
    assert verdict.protocol_deviation is case.deviation
    assert verdict.indicative_deviation is bool(case.down or case.up)
    for lang in ("de", "en"):
        text = verdict.summary().get(lang)
        assert "proven" not in text
        assert "nachgewiesen" not in text
        assert "may reduce" not in text
        assert "Desktop" in text
