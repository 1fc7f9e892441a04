"""FRITZ!Box reading against a fake `call_action` object: rates, overheads, every pitfall."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pytest
import requests
from fritzconnection.core.exceptions import (
    FritzAuthorizationError,
    FritzConnectionException,
    FritzInternalError,
    FritzSecurityError,
    FritzServiceError,
)
from fritzconnection.core.fritzconnection import FRITZ_APPLICATION_ACCESS_DISABLED

from selfcare.domain.speedcheck.line_texts import explain_line
from selfcare.domain.speedcheck.models import SpeedTier
from selfcare.domain.speedcheck.overhead import (
    IPVersion,
    LinkType,
    achievable_kbps,
    guess_link,
    payload_share,
)
from selfcare.speedcheck.adapters.fritzbox import (
    FritzBox,
    RouterProblem,
    RouterProblemCode,
    RouterSettings,
    read_line,
)

DSL = ("WANDSLInterfaceConfig1", "GetInfo")
COMMON = ("WANCommonInterfaceConfig1", "GetCommonLinkProperties")


def dsl_info(
    down: int, up: int, down_max: int = 0, up_max: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "NewEnable": True,
        "NewStatus": "Up",
        "NewDownstreamCurrRate": down,
        "NewUpstreamCurrRate": up,
        "NewDownstreamMaxRate": down_max or down,
        "NewUpstreamMaxRate": up_max or up,
        "NewDownstreamNoiseMargin": 90,
        "NewDownstreamAttenuation": 140,
        **extra,
    }


class FakeBox:
    """Answers TR-064 actions from a table; an exception in the table is raised instead."""

    def __init__(self, answers: Mapping[tuple[str, str], Mapping[str, Any] | Exception]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str]] = []

    def call_action(self, service_name: str, action_name: str) -> Mapping[str, Any]:
        self.calls.append((service_name, action_name))
        answer = self.answers.get((service_name, action_name))
        if answer is None:
            raise FritzServiceError(f'unknown service: "{service_name}"')
        if isinstance(answer, Exception):
            raise answer
        return answer


def problem(box: FakeBox, *, user_given: bool = True) -> RouterProblem:
    with pytest.raises(RouterProblem) as caught:
        read_line(box, user_given=user_given)
    return caught.value


def test_the_sync_and_attainable_rates_are_read_in_kbits() -> None:
    rates = read_line(FakeBox({DSL: dsl_info(99_190, 40_000, 150_000, 50_000)}))
    assert (rates.downstream_kbps, rates.upstream_kbps) == (99_190, 40_000)
    assert (rates.downstream_max_kbps, rates.upstream_max_kbps) == (150_000, 50_000)
    assert (rates.downstream_noise_margin, rates.downstream_attenuation, rates.status) == (
        90,
        140,
        "Up",
    )


@pytest.mark.parametrize(
    ("link", "ip", "domain_percent"),
    [
        (LinkType.VDSL2, IPVersion.V4, 92.9),
        (LinkType.VDSL2, IPVersion.V6, 91.6),
        (LinkType.ADSL, IPVersion.V4, 84.9),
        (LinkType.ADSL, IPVersion.V6, 83.7),
        (LinkType.ETHERNET, IPVersion.V4, 94.1),
        (LinkType.ETHERNET, IPVersion.V6, 92.9),
    ],
)
def test_the_overhead_model_matches_the_domain_figures(
    link: LinkType, ip: IPVersion, domain_percent: float
) -> None:
    assert abs(float(payload_share(link, ip)) * 100 - domain_percent) <= 0.1


def test_the_overhead_shares_are_the_hand_computed_fractions() -> None:
    assert payload_share(LinkType.VDSL2, IPVersion.V4) == Fraction(1440, 1526) * Fraction(64, 65)
    assert payload_share(LinkType.ADSL, IPVersion.V6) == Fraction(1420, 32 * 53)
    assert payload_share(LinkType.ETHERNET, IPVersion.V4) == Fraction(1448, 1538)


def test_achievable_throughput_is_sync_times_share_rounded_down() -> None:
    # 99 190 × 1440·64 / (1526·65) = 99 190 × 92 160 / 99 190 = 92 160 exactly.
    assert achievable_kbps(99_190, LinkType.VDSL2, IPVersion.V4) == 92_160
    assert achievable_kbps(99_190, LinkType.VDSL2, IPVersion.V6) == 90_880
    # 16 960 × 1440 / 1696 = 14 400 (ADSL over ATM cells).
    assert achievable_kbps(16_960, LinkType.ADSL) == 14_400
    # A 100 Mbit/s card: 100 000 × 1448 / 1538 = 94 148.2 → 94 148.
    assert achievable_kbps(100_000, LinkType.ETHERNET) == 94_148


def test_the_line_type_is_guessed_from_what_adsl_can_sync() -> None:
    assert guess_link(16_000) is LinkType.ADSL
    assert guess_link(25_000) is LinkType.ADSL
    assert guess_link(25_001) is LinkType.VDSL2


def test_the_explanation_contrasts_sync_rate_and_payload() -> None:
    rates = read_line(FakeBox({DSL: dsl_info(99_190, 40_000, 150_000)}))
    texts = explain_line(rates, LinkType.VDSL2, SpeedTier(100_000, 90_000, 60_000))
    assert texts[0].en == (
        "The box syncs at 99.19 Mbit/s down and 40 Mbit/s up. That is the line's bit rate, not a "
        "measurement: over VDSL2 at most about 92.9 % (IPv4) or 91.6 % (IPv6) of it arrives as "
        "payload, i.e. 92.16 Mbit/s or 90.88 Mbit/s."
    )
    assert "bis 150 Mbit/s synchronisieren" in texts[1].de
    assert texts[2].en.endswith(
        "slower measurements come from the WLAN, the device or the network behind the line."
    )


def test_a_line_whose_payload_cannot_reach_the_normal_speed_is_called_below_contract() -> None:
    rates = read_line(FakeBox({DSL: dsl_info(80_000, 30_000)}))
    [_, verdict] = explain_line(rates, LinkType.VDSL2, SpeedTier(100_000, 90_000, 60_000))
    assert "the line is below the contract" in verdict.en


def test_tr064_switched_off_has_its_own_message() -> None:
    def refuse(**_: Any) -> FakeBox:
        raise FritzConnectionException(FRITZ_APPLICATION_ACCESS_DISABLED)

    box = FritzBox(RouterSettings("192.168.178.1", "anna", "secret"), factory=refuse)
    found = problem(box)  # type: ignore[arg-type]
    assert found.code is RouterProblemCode.TR064_DISABLED
    assert "Zugriff für Anwendungen zulassen" in found.text.de


def test_a_refused_login_without_user_name_asks_for_one() -> None:
    box = FakeBox({DSL: FritzAuthorizationError("Unable to perform operation. 401 Unauthorized")})
    found = problem(box, user_given=False)
    assert found.code is RouterProblemCode.USER_NAME_REQUIRED
    assert "FRITZ!OS 7.24" in found.text.en


def test_a_refused_login_with_user_name_blames_the_credentials() -> None:
    box = FakeBox({DSL: FritzAuthorizationError("Unable to perform operation. 401 Unauthorized")})
    assert problem(box).code is RouterProblemCode.WRONG_CREDENTIALS


def test_error_606_names_the_missing_right() -> None:
    box = FakeBox(
        {DSL: FritzSecurityError("errorCode: 606\nerrorDescription: Action Not Authorized")}
    )
    found = problem(box)
    assert found.code is RouterProblemCode.NOT_AUTHORIZED
    assert found.text.en.startswith(
        "Error 606: this FRITZ!Box user lacks the right 'FRITZ!Box settings'"
    )


@pytest.mark.parametrize("code", ["866", "867", "868"])
def test_two_factor_errors_ask_for_confirmation_on_the_box(code: str) -> None:
    box = FakeBox(
        {DSL: FritzConnectionException(f"errorCode: {code}\nerrorDescription: second factor")}
    )
    found = problem(box)
    assert found.code is RouterProblemCode.TWO_FACTOR_REQUIRED
    assert found.text.en.startswith(f"Error {code}: the FRITZ!Box asks for a confirmation")


def test_a_cable_or_fibre_box_has_no_dsl_service() -> None:
    box = FakeBox({COMMON: {"NewWANAccessType": "X_AVM-DE_Fiber"}})
    found = problem(box)
    assert found.code is RouterProblemCode.NO_DSL_SERVICE
    assert "no DSL line (X_AVM-DE_Fiber)" in found.text.en
    assert box.calls == [DSL, COMMON]


def test_zeros_behind_an_external_modem_are_explained_not_reported_as_rates() -> None:
    box = FakeBox(
        {DSL: dsl_info(0, 0, NewStatus="NoSignal"), COMMON: {"NewWANAccessType": "Ethernet"}}
    )
    found = problem(box)
    assert found.code is RouterProblemCode.EXTERNAL_MODEM
    assert found.text.en.startswith(
        "The FRITZ!Box reports 0 kbit/s (access: Ethernet). DSL status: NoSignal."
    )


def test_an_unreachable_box_says_which_address_to_check() -> None:
    box = FakeBox({DSL: requests.exceptions.ConnectionError("Max retries exceeded")})
    found = problem(box)
    assert found.code is RouterProblemCode.UNREACHABLE
    assert "192.168.178.1" in found.text.en


def test_fritzconnections_wrapped_connection_error_is_unreachable_not_a_router_error() -> None:
    """fritzconnection raises FritzConnectionException("Unable to get a connection: …")."""
    raw = (
        "Unable to get a connection: HTTPConnectionPool(host='10.0.0.99', port=49000): Max "
        "retries exceeded with url: /tr64desc.xml (Caused by NewConnectionError('<urllib3."
        "connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: "
        "[Errno 113] No route to host'))"
    )
    box = FakeBox({DSL: FritzConnectionException(raw)})
    with pytest.raises(RouterProblem) as caught:
        read_line(box, address="10.0.0.99")
    found = caught.value
    assert found.code is RouterProblemCode.UNREACHABLE
    assert found.text.en.startswith("The FRITZ!Box at 10.0.0.99 does not answer. Check the")
    assert found.text.de.startswith("Die FRITZ!Box unter 10.0.0.99 antwortet nicht.")
    for text in (found.text.en, found.text.de):
        assert "reported an error" not in text
        assert "meldet einen Fehler" not in text
        assert "Unable to get a connection" not in text


def test_a_long_router_message_is_shortened_at_a_word_not_inside_one() -> None:
    message = "errorCode: 820 " + " ".join(["Internal"] * 40)
    found = problem(FakeBox({DSL: FritzInternalError(message)}))
    assert found.text.en.endswith("Internal …")
    assert len(found.text.en) < 240


def test_other_box_errors_pass_their_text_on() -> None:
    box = FakeBox({DSL: FritzInternalError("errorCode: 820\nerrorDescription: Internal Error")})
    found = problem(box)
    assert found.code is RouterProblemCode.ROUTER_ERROR
    assert "820" in found.text.en


def test_the_connection_is_built_lazily_from_the_settings() -> None:
    built: list[dict[str, Any]] = []

    def factory(**kwargs: Any) -> FakeBox:
        built.append(kwargs)
        return FakeBox({DSL: dsl_info(50_000, 10_000)})

    box = FritzBox(RouterSettings("10.0.0.1", "anna", "pw"), factory=factory)
    assert built == []
    read_line(box)
    read_line(box)
    assert built == [{"address": "10.0.0.1", "user": "anna", "password": "pw", "timeout": 10}]


def test_settings_take_options_first_then_environment_then_the_default_address() -> None:
    env = {
        "SELFCARE_FRITZ_ADDRESS": "10.0.0.9",
        "SELFCARE_FRITZ_USER": "env",
        "SELFCARE_FRITZ_PASSWORD": "e",
    }
    assert RouterSettings.resolve(user="opt", environ=env) == RouterSettings("10.0.0.9", "opt", "e")
    assert RouterSettings.resolve(environ={}) == RouterSettings("192.168.178.1", None, None)
