"""Verdicts explain themselves (days, numbers) and estimate the reduction in whole cents."""

from __future__ import annotations

from datetime import UTC
from fractions import Fraction

import pytest

from selfcare.domain.speedcheck.models import (
    Connection,
    Contract,
    Evidence,
    Measurement,
    SpeedTier,
)
from selfcare.domain.speedcheck.protocol import MOBILE_DRAFT, check_protocol
from selfcare.domain.speedcheck.verdict import Area, judge, reduction_cents
from selfcare.domain.speedcheck.verdict_texts import reduction_text
from tests.unit.speedcheck.speedcheck_builders import CONTRACT, DAY_TIMES, series, shifted


def test_the_maximum_criterion_names_the_failing_days_and_their_best_values() -> None:
    verdict = judge(series(down=["89.999 85x9", "88 85x9", "95x10"]), CONTRACT)
    text = verdict.download.criteria[0].text
    assert text.en == (
        "Download: 90 % of the contracted maximum of 100 Mbit/s is 90 Mbit/s; never reached on "
        "2 of 3 measuring days: 2025-05-12 (best 89.999 Mbit/s), 2025-05-14 (best 88 Mbit/s). "
        "Deviation."
    )
    assert "12.05.2025 (beste Messung 89,999 Mbit/s)" in text.de
    assert verdict.download.criteria[0].failing_days == (
        series()[0].measured_at.date(),
        series()[10].measured_at.date(),
    )


def test_the_normal_criterion_counts_measurements_and_states_the_share() -> None:
    verdict = judge(series(down=["95 79.999x4 85x5", "95x10", "95x10"]), CONTRACT)
    normal = verdict.download.criteria[1]
    assert (normal.reached, normal.total, normal.failed) == (26, 30, True)
    assert "reached in 26 of 30 measurements (86.7 %); 90 % (27 measurements)" in normal.text.en
    assert "in 26 von 30 Messungen erreicht (86,7 %)" in normal.text.de


def test_the_minimum_criterion_names_the_lowest_value_of_each_failing_day() -> None:
    verdict = judge(series(down=["95 49.999 80x8", "95 30 80x8", "95x10"]), CONTRACT)
    text = verdict.download.criteria[2].text.en
    assert "undercut on 2 of 3 measuring days" in text
    assert "2025-05-12 (lowest 49.999 Mbit/s), 2025-05-14 (lowest 30 Mbit/s)" in text


def test_one_failing_day_explains_that_two_are_needed() -> None:
    verdict = judge(series(down=["95 49 80x8", "95x10", "95x10"]), CONTRACT)
    assert verdict.download.criteria[2].text.en.endswith(
        "It takes two such days to make a deviation."
    )


def test_protocol_problems_name_the_times_involved() -> None:
    check = check_protocol(series(times=[shifted(DAY_TIMES, 1, "08:04:59"), None, None]))
    assert check.problems[0].text.en == (
        "At least 5 minutes must lie between two measurements: "
        "2025-05-12 08:00:00 to 08:04:59 (4 min 59 s)."
    )
    assert "12.05.2025 08:00:00 bis 08:04:59 (4 min 59 s)" in check.problems[0].text.de


def test_the_pause_problem_names_the_fifth_and_sixth_measurement() -> None:
    check = check_protocol(series(times=[None, shifted(DAY_TIMES, 5, "10:40"), None]))
    assert check.problems[0].text.en == (
        "At least 3 hours must lie between the 5th and the 6th measurement of a day: "
        "2025-05-14 08:40:00 to 10:40:00 (2 h 0 min)."
    )


def test_an_unknown_connection_is_not_lan_and_the_problem_says_how_to_measure_by_cable() -> None:
    check = check_protocol(series(connection=Connection.UNKNOWN))
    assert check.codes == ["connection_not_lan"]
    text = check.problems[0].text
    assert text.en.startswith("30 measurement(s) do not record whether the computer was")
    assert "an unknown connection is not LAN" in text.en
    assert "connect the computer directly to the box with a LAN cable" in text.en
    assert "gilt nicht als LAN" in text.de
    assert "LAN-Kabel direkt an die Box" in text.de


def test_wlan_and_unknown_connections_are_two_problems_with_their_own_codes() -> None:
    mixed = series(connection=Connection.UNKNOWN, wlan_at=[(0, 0)])
    assert check_protocol(mixed).codes == ["not_lan", "connection_not_lan"]


def test_days_are_berlin_calendar_days_whatever_zone_the_times_carry() -> None:
    late = series(
        times=[
            None,
            [
                "00:00",
                "00:10",
                "00:20",
                "00:30",
                "00:40",
                "03:40",
                "03:50",
                "04:00",
                "04:10",
                "04:20",
            ],
            None,
        ]
    )
    in_utc = [
        Measurement(
            m.measured_at.astimezone(UTC), m.download_kbps, m.upload_kbps, connection=m.connection
        )
        for m in late
    ]
    # 14 May 00:00 Berlin is 13 May 22:00 UTC: as UTC days 13 May would follow 12 May.
    assert in_utc[10].measured_at.date().day == 13
    assert check_protocol(in_utc).valid


def test_a_proven_deviation_gives_a_non_binding_estimate_labelled_an_upper_bound() -> None:
    # 40 Mbit/s mean against 80 normal: 40.00 EUR × (1 − 40/80) = 20.00 EUR.
    verdict = judge(series(down="40x10"), CONTRACT, evidence=Evidence.REGULATOR_DESKTOP_APP)
    assert verdict.deviation
    assert verdict.download.reduction_cents == 2000
    assert verdict.reduction_cents == 2000
    text = reduction_text(verdict)
    assert text is not None
    assert text.en.startswith(
        "Estimated reduction (Download, mean against contracted speed): "
        "at most EUR 40.00 × (1 − 40 Mbit/s / 80 Mbit/s) ≈ EUR 20.00 per month. "
        "This is an upper bound: the formula counts the whole price as paying for speed; "
        "providers count only a share of it and calculate the reduction differently."
    )
    assert "non-binding" in text.en
    assert "Obergrenze" in text.de
    assert "Anbieter setzen nur einen Teil an und berechnen die Minderung unterschiedlich" in (
        text.de
    )
    assert "Unverbindliche Schätzung" in text.de


def test_an_indicative_estimate_is_for_orientation_and_names_no_claim() -> None:
    verdict = judge(series(down="40x10"), CONTRACT)
    text = reduction_text(verdict)
    assert text is not None
    assert "upper bound" in text.en
    assert "For orientation only" in text.en
    assert "Nur zur Orientierung" in text.de
    assert "your claim" not in text.en


def test_the_larger_of_download_and_upload_estimates_is_the_claim() -> None:
    # Download min fails, mean (95+49.999+8×80)/10 on two days, 95 on the third:
    # (2×784.999 + 950)/30 ≈ 84.0 Mbit/s ≥ 80 → 0 cents. Upload 15 against 30 → 50 % = 2000.
    verdict = judge(
        series(down=["95 49.999 80x8", "95 49.999 80x8", "95x10"], up="15x10"), CONTRACT
    )
    assert verdict.download.reduction_cents == 0
    assert verdict.upload.reduction_cents == 2000
    assert verdict.reduction_cents == 2000


def test_no_price_means_no_estimate() -> None:
    contract = Contract(CONTRACT.download, CONTRACT.upload)
    verdict = judge(series(down="40x10"), contract)
    assert verdict.reduction_cents is None
    assert reduction_text(verdict) is None


def test_no_failed_criterion_means_no_estimate() -> None:
    verdict = judge(series(), CONTRACT)
    assert verdict.download.reduction_cents is None
    assert verdict.reduction_cents is None


@pytest.mark.parametrize(
    ("price", "measured", "contracted", "expected"),
    [
        (4000, Fraction(40_000), 80_000, 2000),  # half the speed, half the price
        (999, Fraction(79_500), 80_000, 6),  # 999 × 500/80000 = 6.24375 → 6
        (2, Fraction(60_000), 80_000, 1),  # 2 × 0.25 = 0.5 → rounds half up to 1
        (1000, Fraction(80_000), 80_000, 0),  # at the contracted speed: nothing
        (1000, Fraction(0), 80_000, 1000),  # nothing delivered: the whole price
    ],
)
def test_reduction_is_price_times_shortfall_rounded_half_up(
    price: int, measured: Fraction, contracted: int, expected: int
) -> None:
    assert reduction_cents(price, measured, contracted) == expected


def test_the_mobile_estimate_uses_the_area_threshold_as_basis() -> None:
    # Threshold 25 % of 200 = 50; mean 40 → 30.00 EUR × (1 − 40/50) = 6.00 EUR.
    contract = Contract(
        SpeedTier(200_000, 200_000, 200_000), SpeedTier(50_000, 50_000, 50_000), 3000
    )
    days = [m.measured_at.date() for m in series()][::10]
    five = (*days, days[-1].replace(day=18), days[-1].replace(day=20))
    verdict = judge(
        series(down="40x6", up="20x6", days=five), contract, rules=MOBILE_DRAFT, area=Area.URBAN
    )
    assert verdict.protocol.valid
    assert verdict.download.reduction_cents == 600
    assert "ENTWURF" in verdict.download.criteria[0].text.de
    assert "DRAFT" in verdict.protocol.rules.label.en


def test_the_mobile_draft_refuses_to_judge_without_an_area() -> None:
    with pytest.raises(ValueError, match="area"):
        judge(series(), CONTRACT, rules=MOBILE_DRAFT)


def test_summaries_distinguish_proven_indicative_and_no_deviation() -> None:
    app = Evidence.REGULATOR_DESKTOP_APP
    proven = judge(series(down="40x10"), CONTRACT, evidence=app).summary()
    broken = judge(series(down="40x10", wlan_at=[(0, 0)]), CONTRACT, evidence=app).summary()
    fine = judge(series(), CONTRACT, evidence=app).summary()
    assert proven.en.startswith(
        "Deviation proven (Desktop App measurement campaign): Download (max, normal, min)."
    )
    assert broken.en.startswith("The measurements show a deviation (Download (max, normal, min))")
    assert "not a valid protocol (not_lan)" in broken.en
    assert fine.de == "Keine Abweichung: alle Kriterien sind für Download und Upload erfüllt."


def test_a_browser_series_suggests_and_says_how_to_get_evidence() -> None:
    verdict = judge(series(down="40x10"), CONTRACT)
    assert verdict.evidence is Evidence.INDICATIVE
    assert not verdict.deviation
    assert verdict.protocol_deviation
    text = verdict.summary()
    assert text.en.startswith(
        "The measurements suggest a deviation (Download (max, normal, min)). They come from a "
        "browser test and are indicative only: they do not prove a deviation and do not "
        "entitle you to a reduction."
    )
    assert "Desktop App counts as evidence" in text.en
    assert "LAN cable, 30 measurements on 3 days" in text.en
    assert text.de.startswith("Die Messungen deuten auf eine Abweichung hin")
    assert "30 Messungen an 3 Tagen" in text.de
    quiet = judge(series(), CONTRACT).summary()
    assert quiet.en.startswith("The measurements suggest no deviation.")


def test_contracted_speeds_must_be_ordered() -> None:
    with pytest.raises(ValueError, match=r"minimum ≤ normal ≤ maximum, got 100/120/50"):
        SpeedTier(100_000, 120_000, 50_000)
