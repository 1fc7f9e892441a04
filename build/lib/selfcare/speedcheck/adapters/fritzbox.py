"""Read the line rates from a FRITZ!Box (TR-064 via fritzconnection) and explain them.

The box is reached through anything with `call_action(service, action)`: the real
`FritzConnection` (built lazily, on the first call, because building it already talks to
the box) or, in tests, a small fake. Every pitfall customers hit gets its own code and a
plain sentence in German and English instead of a stack trace.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from fritzconnection.core.exceptions import (
    FritzActionError,
    FritzAuthorizationError,
    FritzConnectionException,
    FritzSecurityError,
    FritzServiceError,
)

from selfcare.domain.speedcheck import line_texts as router_texts
from selfcare.domain.speedcheck.models import LineRates, Text
from selfcare.errors import SelfcareError

ENV_ADDRESS, ENV_USER, ENV_PASSWORD = (
    "SELFCARE_FRITZ_ADDRESS",
    "SELFCARE_FRITZ_USER",
    "SELFCARE_FRITZ_PASSWORD",
)
DEFAULT_ADDRESS = "192.168.178.1"
DSL_SERVICE, DSL_ACTION = "WANDSLInterfaceConfig1", "GetInfo"
COMMON_SERVICE, COMMON_ACTION = "WANCommonInterfaceConfig1", "GetCommonLinkProperties"
TWO_FACTOR_CODES = frozenset({"866", "867", "868"})


class ActionCaller(Protocol):
    """What selfcare needs of a router connection (FritzConnection has it)."""

    def call_action(self, service_name: str, action_name: str) -> Mapping[str, Any]: ...


class RouterProblemCode(StrEnum):
    UNREACHABLE = "unreachable"
    TR064_DISABLED = "tr064_disabled"
    USER_NAME_REQUIRED = "user_name_required"
    WRONG_CREDENTIALS = "wrong_credentials"
    NOT_AUTHORIZED = "not_authorized"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    NO_DSL_SERVICE = "no_dsl_service"
    EXTERNAL_MODEM = "external_modem"
    ROUTER_ERROR = "router_error"


class RouterProblem(SelfcareError, RuntimeError):
    """The router could not be read; `text` says why and what to do, in German and English."""

    def __init__(self, code: RouterProblemCode, text: Text) -> None:
        super().__init__(text.en)
        self.code = code
        self.text = text


@dataclass(frozen=True)
class RouterSettings:
    """Where the box is and how to log in: options first, then SELFCARE_FRITZ_* variables."""

    address: str
    user: str | None
    password: str | None

    @classmethod
    def resolve(
        cls,
        address: str | None = None,
        user: str | None = None,
        password: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> RouterSettings:
        env = os.environ if environ is None else environ
        return cls(
            address=address or env.get(ENV_ADDRESS) or DEFAULT_ADDRESS,
            user=user or env.get(ENV_USER) or None,
            password=password or env.get(ENV_PASSWORD) or None,
        )


class FritzBox:
    """A FRITZ!Box connection built on first use (building FritzConnection talks to the box)."""

    def __init__(
        self, settings: RouterSettings, factory: Callable[..., ActionCaller] | None = None
    ) -> None:
        self.settings = settings
        self._factory = factory
        self._connection: ActionCaller | None = None

    def call_action(self, service_name: str, action_name: str) -> Mapping[str, Any]:
        if self._connection is None:
            factory = self._factory or _fritzconnection
            self._connection = factory(
                address=self.settings.address,
                user=self.settings.user,
                password=self.settings.password,
                timeout=10,
            )
        return self._connection.call_action(service_name, action_name)


def _fritzconnection(**kwargs: Any) -> ActionCaller:
    from fritzconnection import FritzConnection

    connection: ActionCaller = FritzConnection(**kwargs)
    return connection


def read_line(caller: ActionCaller, *, user_given: bool = True) -> LineRates:
    """Sync and maximum attainable rates of the DSL line, or a RouterProblem that says why not."""
    try:
        info = caller.call_action(DSL_SERVICE, DSL_ACTION)
    except (FritzServiceError, FritzActionError) as exc:
        raise RouterProblem(
            RouterProblemCode.NO_DSL_SERVICE, router_texts.no_dsl(_access_type(caller))
        ) from exc
    except (FritzConnectionException, OSError) as exc:
        raise translate(exc, user_given=user_given) from exc
    rates = LineRates(
        downstream_kbps=_int(info, "NewDownstreamCurrRate"),
        upstream_kbps=_int(info, "NewUpstreamCurrRate"),
        downstream_max_kbps=_int(info, "NewDownstreamMaxRate"),
        upstream_max_kbps=_int(info, "NewUpstreamMaxRate"),
        downstream_noise_margin=_optional_int(info, "NewDownstreamNoiseMargin"),
        downstream_attenuation=_optional_int(info, "NewDownstreamAttenuation"),
        status=str(info["NewStatus"]) if "NewStatus" in info else None,
    )
    if rates.downstream_kbps == 0 and rates.upstream_kbps == 0:
        raise RouterProblem(
            RouterProblemCode.EXTERNAL_MODEM,
            router_texts.zeros(rates.status, _access_type(caller)),
        )
    return rates


_ERROR_CODE = re.compile(r"errorCode:\s*(\d+)")


def translate(exc: BaseException, *, user_given: bool) -> RouterProblem:
    """Map fritzconnection's exceptions (and network errors) to a pitfall with a clear message."""
    message = str(exc)
    found = _ERROR_CODE.search(message)
    code = found.group(1) if found else None
    if isinstance(exc, FritzAuthorizationError):
        if user_given:
            return RouterProblem(RouterProblemCode.WRONG_CREDENTIALS, router_texts.CREDENTIALS)
        return RouterProblem(RouterProblemCode.USER_NAME_REQUIRED, router_texts.USER_NAME)
    pitfalls = (
        (
            isinstance(exc, FritzSecurityError) or code == "606",
            RouterProblemCode.NOT_AUTHORIZED,
            router_texts.RIGHT_606,
        ),
        (
            code in TWO_FACTOR_CODES,
            RouterProblemCode.TWO_FACTOR_REQUIRED,
            router_texts.two_factor(code),
        ),
        (
            "access for applications" in message.lower(),
            RouterProblemCode.TR064_DISABLED,
            router_texts.TR064,
        ),
        (isinstance(exc, OSError), RouterProblemCode.UNREACHABLE, router_texts.UNREACHABLE),
    )
    for matched, problem_code, text in pitfalls:
        if matched:
            return RouterProblem(problem_code, text)
    return RouterProblem(RouterProblemCode.ROUTER_ERROR, router_texts.other(message))


def _access_type(caller: ActionCaller) -> str | None:
    """The box's WAN access type (`DSL`, `Ethernet`, `X_AVM-DE_Fiber`, …) if it tells."""
    try:
        info = caller.call_action(COMMON_SERVICE, COMMON_ACTION)
    except (FritzConnectionException, OSError):
        return None
    value = info.get("NewWANAccessType")
    return str(value) if value else None


def _int(info: Mapping[str, Any], key: str) -> int:
    try:
        return int(info[key])
    except (KeyError, TypeError, ValueError):
        raise RouterProblem(
            RouterProblemCode.ROUTER_ERROR, router_texts.other(f"the answer lacks {key}")
        ) from None


def _optional_int(info: Mapping[str, Any], key: str) -> int | None:
    value = info.get(key)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
