"""The real HTTP client: TMF654 body, Idempotency-Key, and how answers map to errors.

The charging system is a small handler behind `httpx.MockTransport` (a fake transport,
not a mock object): it records what arrives and answers what the test scripts.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import httpx
import pytest

from selfcare.grants.charging import ChargingRejected, ChargingUnavailable, send_with_retry
from selfcare.grants.http_charging import (
    PAGE_SIZE,
    HttpChargingClient,
    grant_id_from_description,
    topup_body,
)
from tests.unit.grants.builders import topup

Handler = Callable[[httpx.Request], httpx.Response]
RESOURCE = {"id": "tb-1", "href": "http://charging/topupBalance/tb-1", "status": "completed"}


def client_for(handler: Handler) -> HttpChargingClient:
    http = httpx.Client(base_url="http://charging", transport=httpx.MockTransport(handler))
    return HttpChargingClient("http://charging", http=http)


def answering(status: int, body: object) -> Handler:
    return lambda _request: httpx.Response(status, json=body)


def resource(n: int, key: str | None = None) -> dict[str, object]:
    return {
        "id": f"tb-{n}",
        "href": f"http://charging/topupBalance/tb-{n}",
        "@type": "TopupBalance",
        "amount": {"amount": 600, "units": "MB"},
        "usageType": "data",
        "partyAccount": {"id": f"c-{n}", "@referredType": "PartyAccount"},
        "description": f"selfcare grant g-{n}: portal_registration once",
        "status": "completed",
        "idempotencyKey": key if key is not None else f"g-{n}",
    }


def test_a_top_up_is_posted_in_tmf654_shape_with_the_grant_id_as_idempotency_key() -> None:
    seen: list[httpx.Request] = []

    def charging(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=RESOURCE)

    result = client_for(charging).top_up(topup("g-42", customer_id="c-7", amount_mb=1800))

    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/topupBalance")
    assert request.headers["Idempotency-Key"] == "g-42"
    assert json.loads(request.content) == {
        "@type": "TopupBalance",
        "amount": {"amount": 1800, "units": "MB"},
        "usageType": "data",
        "partyAccount": {"id": "c-7", "@referredType": "PartyAccount"},
        "channel": {"id": "selfcare", "name": "selfcare"},
        "reason": "Online statt Hotline: portal registration",
        "description": "selfcare grant g-42: portal_registration once",
    }
    assert (result.id, result.href, result.status, result.replayed) == (
        "tb-1",
        "http://charging/topupBalance/tb-1",
        "completed",
        False,
    )


def test_a_product_reference_is_sent_as_a_tmf_product_list() -> None:
    with_product = dataclasses.replace(topup(), product_id="sim-4711")

    assert topup_body(with_product)["product"] == [{"id": "sim-4711", "@referredType": "Product"}]


def test_an_answer_200_means_the_key_was_known_and_nothing_new_was_applied() -> None:
    result = client_for(answering(200, RESOURCE)).top_up(topup())

    assert result.replayed is True


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_server_errors_and_throttling_mean_unavailable(status: int) -> None:
    client = client_for(answering(status, {"code": "X", "message": "try later"}))

    with pytest.raises(ChargingUnavailable, match="try later") as raised:
        client.top_up(topup())

    assert raised.value.status == status


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_other_client_errors_mean_rejected_with_the_tmf_code(status: int) -> None:
    problem = {"code": "INVALID_BODY", "reason": "Bad", "message": "amount.units: MB only"}
    client = client_for(answering(status, problem))

    with pytest.raises(ChargingRejected, match="MB only") as raised:
        client.top_up(topup())

    assert (raised.value.status, raised.value.code) == (status, "INVALID_BODY")


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
    ],
)
def test_no_answer_at_all_means_unavailable(failure: httpx.TransportError) -> None:
    def charging(_request: httpx.Request) -> httpx.Response:
        raise failure

    with pytest.raises(ChargingUnavailable, match="no answer"):
        client_for(charging).top_up(topup())


def test_a_success_without_a_readable_body_is_unavailable_so_it_is_retried() -> None:
    client = client_for(lambda _request: httpx.Response(201, content=b"<html>"))

    with pytest.raises(ChargingUnavailable, match="unreadable"):
        client.top_up(topup())


def test_a_connection_dropped_after_apply_is_retried_and_applied_once() -> None:
    applied: dict[str, dict[str, object]] = {}
    dropped: list[str] = []

    def charging(request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        known = key in applied
        applied.setdefault(key, resource(len(applied) + 1, key))
        if not dropped:
            dropped.append(key)
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200 if known else 201, json=applied[key])

    result = send_with_retry(client_for(charging), topup("g-1"), sleep=lambda _s: None)

    assert dropped == ["g-1"]
    assert list(applied) == ["g-1"]
    assert (result.id, result.replayed) == ("tb-1", True)


def test_listing_reads_every_page_of_applied_top_ups() -> None:
    everything = [resource(n) for n in range(1, PAGE_SIZE + 3)]
    asked: list[tuple[str, str]] = []

    def charging(request: httpx.Request) -> httpx.Response:
        offset, limit = request.url.params["offset"], request.url.params["limit"]
        asked.append((offset, limit))
        page = everything[int(offset) : int(offset) + int(limit)]
        return httpx.Response(200, json=page, headers={"X-Total-Count": str(len(everything))})

    applied = client_for(charging).list_applied()

    assert asked == [("0", str(PAGE_SIZE)), (str(PAGE_SIZE), str(PAGE_SIZE))]
    assert len(applied) == PAGE_SIZE + 2
    last = applied[-1]
    assert (last.id, last.idempotency_key, last.grant_id) == ("tb-502", "g-502", "g-502")
    assert (last.customer_id, last.amount_mb, last.units) == ("c-502", 600, "MB")


def test_a_server_that_ignores_paging_is_read_once() -> None:
    everything = [resource(n) for n in range(1, PAGE_SIZE + 11)]

    applied = client_for(answering(200, everything)).list_applied()

    assert len(applied) == PAGE_SIZE + 10


def test_a_listing_that_is_not_tmf654_is_unavailable_not_silently_empty() -> None:
    client = client_for(answering(200, [{"id": "x", "amount": {"amount": "600"}}]))

    with pytest.raises(ChargingUnavailable, match="not a TopupBalance"):
        client.list_applied()


@pytest.mark.parametrize("grant_id", ["g-1", "c-7:app_install:once", "8d3a52b6-6f1e-4d8e"])
def test_the_grant_id_written_into_the_description_reads_back(grant_id: str) -> None:
    description = topup_body(topup(grant_id))["description"]

    assert grant_id_from_description(description) == grant_id
    assert grant_id_from_description("top-up by the shop") is None
    assert grant_id_from_description(None) is None


MAINTENANCE_PAGE = "<html><body><h1>Wartungsarbeiten</h1>Bitte später.</body></html>"


@pytest.mark.parametrize("status", [404, 405, 408, 413, 429, 400, 403])
def test_a_4xx_without_a_tmf_error_body_is_the_way_there_failing_and_is_retried(
    status: int,
) -> None:
    def proxy(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=MAINTENANCE_PAGE, headers={"Content-Type": "text/html"})

    with pytest.raises(ChargingUnavailable, match="Wartungsarbeiten") as raised:
        client_for(proxy).top_up(topup())

    assert raised.value.status == status


@pytest.mark.parametrize("body", [{}, {"error": "Not Found"}, [], {"code": ""}, "Not Found"])
def test_a_json_4xx_without_code_or_reason_is_not_a_refusal(body: object) -> None:
    with pytest.raises(ChargingUnavailable):
        client_for(answering(404, body)).top_up(topup())


def test_a_maintenance_page_is_retried_until_the_charging_system_is_back() -> None:
    answers = iter([httpx.Response(404, text=MAINTENANCE_PAGE), httpx.Response(201, json=RESOURCE)])
    waits: list[float] = []

    result = send_with_retry(
        client_for(lambda _r: next(answers)), topup(), attempts=3, sleep=waits.append
    )

    assert result.id == "tb-1"
    assert len(waits) == 1
