"""The real charging client: TMF654 `TopupBalance` over HTTP, with the grant id as key.

Every way the exchange can fail is sorted into one of two answers the relay acts on:
`ChargingUnavailable` (no usable answer: 5xx, 408/425/429, timeouts, refused or dropped
connections, an unreadable success body, and any 4xx without a TMF error body; retry with
the same key) or `ChargingRejected` (a 4xx whose body is the charging system's own TMF
error, JSON with `code` or `reason`: a business refusal; retrying will not help).

Only the charging system's own words make a refusal final. A proxy or load balancer in
front of it answers 404 or 405 with an HTML maintenance page, 413 or 429 from its own
limits: the top-up never reached the charging system, so the grant must not be lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from selfcare.grants.charging import (
    IDEMPOTENCY_HEADER,
    TOPUP_PATH,
    UNITS,
    AppliedTopUp,
    ChargingRejected,
    ChargingUnavailable,
    TopUpRequest,
    TopUpResult,
)

_DESCRIPTION = "selfcare grant {grant_id}: {reward} {period}"
_GRANT_IN_DESCRIPTION = re.compile(r"^selfcare grant (?P<grant_id>\S+): ")
_TRANSIENT_4XX = frozenset({408, 425, 429})
PAGE_SIZE = 500


def topup_body(request: TopUpRequest) -> dict[str, Any]:
    """The TMF654 `TopupBalance` create body for one grant (camelCase, `@type`)."""
    body: dict[str, Any] = {
        "@type": "TopupBalance",
        "amount": {"amount": request.amount_mb, "units": UNITS},
        "usageType": "data",
        "partyAccount": {"id": request.customer_id, "@referredType": "PartyAccount"},
        "channel": {"id": request.channel, "name": request.channel},
        "reason": request.reason,
        "description": _DESCRIPTION.format(
            grant_id=request.grant_id, reward=request.reward, period=request.period
        ),
    }
    if request.product_id is not None:
        body["product"] = [{"id": request.product_id, "@referredType": "Product"}]
    return body


def grant_id_from_description(description: object) -> str | None:
    """The grant id selfcare wrote into a top-up's description, if it is one of ours."""
    if not isinstance(description, str):
        return None
    match = _GRANT_IN_DESCRIPTION.match(description)
    return match.group("grant_id") if match else None


def applied_from_resource(doc: Mapping[str, Any]) -> AppliedTopUp:
    """Read a TMF654 TopupBalance resource; KeyError/TypeError/ValueError if it is not one."""
    amount = doc["amount"]
    value = amount["amount"]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"amount.amount must be an integer, got {value!r}")
    key = doc.get("idempotencyKey")
    return AppliedTopUp(
        id=str(doc["id"]),
        idempotency_key=str(key) if key is not None else None,
        customer_id=str(doc["partyAccount"]["id"]),
        amount_mb=value,
        units=str(amount.get("units", UNITS)),
        grant_id=grant_id_from_description(doc.get("description")),
        status=str(doc.get("status", "")),
        href=str(doc.get("href", "")),
    )


class HttpChargingClient:
    """TMF654 client for one charging system; thread-safe, one connection pool.

    `timeout` bounds connecting and each read, in seconds: past it the top-up counts as
    unavailable and the relay retries with the same key. `http` lets tests pass an
    `httpx.Client` with a fake transport instead of a network.
    """

    def __init__(
        self, base_url: str, timeout: float = 5.0, *, http: httpx.Client | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            headers={"Accept": "application/json"},
        )

    def top_up(self, request: TopUpRequest) -> TopUpResult:
        what = f"top-up {request.grant_id}"
        try:
            response = self._http.post(
                TOPUP_PATH,
                json=topup_body(request),
                headers={IDEMPOTENCY_HEADER: request.grant_id},
            )
        except httpx.TransportError as exc:
            raise _unavailable(what, exc) from exc
        doc = _answer(response, what)
        try:
            return TopUpResult(
                id=str(doc["id"]),
                href=str(doc.get("href", "")),
                status=str(doc.get("status", "")),
                replayed=response.status_code == httpx.codes.OK,
            )
        except (KeyError, TypeError) as exc:
            raise ChargingUnavailable(f"{what}: answer without an id", status=200) from exc

    def list_applied(self) -> list[AppliedTopUp]:
        applied: list[AppliedTopUp] = []
        while True:
            page, total = self._page(offset=len(applied))
            applied.extend(page)
            # A short page ends the list; so does a server that ignores paging (long page).
            if len(page) != PAGE_SIZE or (total is not None and len(applied) >= total):
                return applied

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpChargingClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _page(self, *, offset: int) -> tuple[list[AppliedTopUp], int | None]:
        what = f"listing applied top-ups from {offset}"
        try:
            response = self._http.get(TOPUP_PATH, params={"offset": offset, "limit": PAGE_SIZE})
        except httpx.TransportError as exc:
            raise _unavailable(what, exc) from exc
        doc = _answer(response, what)
        if not isinstance(doc, list):
            raise ChargingUnavailable(f"{what}: expected a JSON array", status=200)
        try:
            page = [applied_from_resource(item) for item in doc]
        except (KeyError, TypeError, ValueError) as exc:
            raise ChargingUnavailable(f"{what}: not a TopupBalance: {exc}", status=200) from exc
        total = response.headers.get("X-Total-Count", "")
        return page, int(total) if total.isdigit() else None


def _unavailable(what: str, exc: httpx.TransportError) -> ChargingUnavailable:
    detail = str(exc) or type(exc).__name__
    return ChargingUnavailable(f"{what}: no answer from the charging system ({detail})")


def _answer(response: httpx.Response, what: str) -> Any:
    """The JSON of a 2xx answer; otherwise the matching error with the server's message."""
    status = response.status_code
    if status >= httpx.codes.INTERNAL_SERVER_ERROR or status in _TRANSIENT_4XX:
        raise ChargingUnavailable(f"{what}: HTTP {status} {_message(response)}", status=status)
    if not httpx.codes.is_success(status):
        error = _tmf_error(response)
        if error is None:
            raise ChargingUnavailable(
                f"{what}: HTTP {status} without a TMF error body, not from the charging "
                f"system itself (a proxy or maintenance page?): {_message(response)}",
                status=status,
            )
        raise ChargingRejected(
            f"{what}: HTTP {status} {_message(response)}",
            status=status,
            code=str(error.get("code", "")),
        )
    try:
        return response.json()
    except ValueError as exc:
        raise ChargingUnavailable(f"{what}: unreadable answer", status=status) from exc


def _problem(response: httpx.Response) -> Mapping[str, Any]:
    try:
        doc = response.json()
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _tmf_error(response: httpx.Response) -> Mapping[str, Any] | None:
    """The TMF630 error object of a 4xx (`code` or `reason` given as text), else None."""
    problem = _problem(response)
    said = [problem.get(name) for name in ("code", "reason")]
    return problem if any(isinstance(v, str | int) and str(v).strip() for v in said) else None


def _message(response: httpx.Response) -> str:
    problem = _problem(response)
    text = problem.get("message") or problem.get("detail") or response.text[:200]
    return " ".join(str(text).split())
