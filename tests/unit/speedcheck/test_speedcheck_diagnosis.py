"""Sync rate, LAN and WLAN measurements name the bottleneck and what to do about it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from selfcare.domain.speedcheck.diagnosis import Action, Bottleneck, diagnose
from selfcare.domain.speedcheck.models import Connection, Measurement, SpeedTier
from selfcare.domain.speedcheck.overhead import LinkType

DSL16 = SpeedTier(16_000, 12_000, 8_000)
VDSL100 = SpeedTier(100_000, 90_000, 60_000)
VDSL250 = SpeedTier(250_000, 175_000, 100_000)


def tagged(*pairs: tuple[str, int]) -> list[Measurement]:
    """`("lan", 14_150)` pairs → measurements ten minutes apart."""
    start = datetime(2025, 5, 20, 16, 0, tzinfo=UTC)
    return [
        Measurement(start + timedelta(minutes=10 * i), kbps, 1_000, connection=Connection(kind))
        for i, (kind, kbps) in enumerate(pairs)
    ]


def test_the_forum_case_slow_wlan_upstairs_on_a_healthy_dsl_line() -> None:
    # ADSL sync 16 960 → at most 14 400 payload ≥ 12 000 normal; cable 14 150 (98 %),
    # WLAN 4 630 < 70 % of 14 150 = 9 905.
    result = diagnose(
        tagged(
            ("lan", 14_210),
            ("lan", 14_080),
            ("lan", 14_150),
            ("wlan", 4_630),
            ("wlan", 5_120),
            ("wlan", 3_980),
        ),
        DSL16,
        sync_kbps=16_960,
    )
    assert result.bottlenecks == (Bottleneck.WLAN,)
    assert result.actions == (Action.MEASURE_BY_CABLE, Action.MOVE_OR_ADD_ACCESS_POINT)
    assert result.findings[0].en.startswith("The line is fine: the box syncs at 16.96 Mbit/s")
    assert "by cable 14.15 Mbit/s" in result.findings[1].en
    assert result.figures.achievable_kbps == 14_400


def test_a_sync_rate_whose_payload_misses_the_normal_speed_blames_the_line() -> None:
    # VDSL2 sync 80 000 → 80 000 × 92 160 / 99 190 = 74 330 < 90 000.
    result = diagnose(tagged(("lan", 73_000)), VDSL100, sync_kbps=80_000, link=LinkType.VDSL2)
    assert result.bottleneck is Bottleneck.LINE
    assert result.figures.achievable_kbps == 74_330
    assert result.actions == (Action.RUN_PROTOCOL, Action.CLAIM_REDUCTION)
    assert "at most 74.33 Mbit/s" in result.findings[0].en


def test_a_hundred_megabit_card_caps_cable_measurements_at_about_94() -> None:
    result = diagnose(tagged(("lan", 93_800), ("lan", 94_100)), VDSL250, sync_kbps=292_000)
    assert result.bottlenecks == (Bottleneck.DEVICE,)
    assert result.actions == (Action.USE_GIGABIT_PORT,)
    assert "100 Mbit/s network card" in result.findings[0].en


def test_cable_far_below_a_good_sync_points_at_network_or_computer() -> None:
    # Sync 116 790 → 108 512 possible; cable 60 000 < 80 % of it and below the normal 90 000.
    result = diagnose(tagged(("lan", 60_000)), VDSL100, sync_kbps=116_790)
    assert result.bottlenecks == (Bottleneck.NETWORK,)
    assert result.actions == (Action.TRY_ANOTHER_COMPUTER, Action.RUN_PROTOCOL)


def test_without_sync_a_slow_cable_measurement_blames_the_connection() -> None:
    result = diagnose(tagged(("lan", 50_000)), VDSL100)
    assert result.bottleneck is Bottleneck.LINE
    assert "even by LAN cable you typically measure only 50 Mbit/s" in result.findings[0].en


def test_only_a_slow_wlan_measurement_asks_for_a_cable_measurement() -> None:
    result = diagnose(tagged(("wlan", 5_000)), DSL16)
    assert result.bottleneck is Bottleneck.UNKNOWN
    assert result.actions == (Action.MEASURE_BY_CABLE,)


def test_a_good_cable_measurement_without_sync_finds_no_bottleneck() -> None:
    result = diagnose(tagged(("lan", 95_000)), VDSL100)
    assert result.bottlenecks == (Bottleneck.NONE,)
    assert result.actions == ()


def test_no_measurements_and_no_sync_ask_for_a_cable_measurement() -> None:
    result = diagnose([], VDSL100)
    assert result.bottleneck is Bottleneck.UNKNOWN
    assert result.actions == (Action.MEASURE_BY_CABLE,)


def test_untagged_measurements_are_left_out_and_said_so() -> None:
    untagged = [Measurement(datetime(2025, 5, 20, tzinfo=UTC), 95_000, 1_000)]
    result = diagnose(untagged + tagged(("lan", 95_000)), VDSL100)
    assert result.bottlenecks == (Bottleneck.NONE,)
    assert result.findings[-1].en.startswith("1 measurement(s) do not say whether")


def test_a_line_below_contract_and_a_slow_wlan_are_both_named_line_first() -> None:
    result = diagnose(tagged(("lan", 70_000), ("wlan", 20_000)), VDSL100, sync_kbps=80_000)
    assert result.bottlenecks == (Bottleneck.LINE, Bottleneck.WLAN)
    assert result.actions == (
        Action.RUN_PROTOCOL,
        Action.CLAIM_REDUCTION,
        Action.MEASURE_BY_CABLE,
        Action.MOVE_OR_ADD_ACCESS_POINT,
    )


def test_wlan_at_exactly_seventy_percent_of_cable_is_not_a_bottleneck() -> None:
    fine = diagnose(tagged(("lan", 100_000), ("wlan", 70_000)), VDSL100)
    slow = diagnose(tagged(("lan", 100_000), ("wlan", 69_999)), VDSL100)
    assert fine.bottlenecks == (Bottleneck.NONE,)
    assert slow.bottlenecks == (Bottleneck.WLAN,)


def test_explanations_exist_in_german() -> None:
    result = diagnose(tagged(("lan", 14_150), ("wlan", 4_630)), DSL16, sync_kbps=16_960)
    assert result.findings[1].de.startswith(
        "Engpass WLAN: Über WLAN kommen typischerweise 4,63 Mbit/s an"
    )
