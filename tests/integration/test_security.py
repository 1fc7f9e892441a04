"""Issue 8 (hardening), items 6-12, against a live loopback server on SQLite and PostgreSQL:
bodies refused before they are read, login and sessions, login CSRF, rate limits,
revocation, what a 409 shows, security headers and the API docs switch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from selfcare.auth.scopes import Scope
from selfcare.bootstrap import App
from selfcare.web.app import create_app
from selfcare.web.ratelimit import Rate, RateLimits
from tests.integration.api_fixtures import (
    Api,
    api,
    browser_login,
    csrf_of,
    live_server,
    problem,
)

pytestmark = pytest.mark.integration
__all__ = ["api"]

EVIL = "https://evil.example"
RESULT = {"download_kbps": 40_000, "upload_kbps": 38_000, "connection": "lan"}


def browser(api: Api) -> httpx.Client:
    return httpx.Client(base_url=api.url, timeout=30)


# --- 6: bodies limited before anything is read ------------------------------------


def test_an_unauthenticated_body_is_refused_with_401_before_it_is_read(api: Api) -> None:
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(64):  # 64 MiB, chunked: far more than any limit
            sent += 1 << 20
            yield b"x" * (1 << 20)

    with browser(api) as http:
        try:
            answer = http.put("/api/v1/speedcheck/contracts/c1", content=endless())
        except httpx.TransportError:
            pytest.fail("the server should answer 401, not drop the connection")
    problem(answer, 401)


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/api/v1/speedcheck/contracts/c1", Scope.PILOT_ADMIN),
        ("/api/v1/customers/c1/tokens", Scope.CUSTOMERS_TOKEN),
    ],
)
def test_an_authenticated_body_past_the_route_limit_is_413(
    api: Api, path: str, scope: Scope
) -> None:
    chunks = (b" " * 8192 for _ in range(16))  # 128 KiB chunked, no Content-Length
    with api.client(api.key(scope)) as http:
        method = http.put if "contracts" in path else http.post
        answer = method(path, content=chunks, headers={"content-type": "application/json"})
        declared = method(
            path, content=b" " * 100_000, headers={"content-type": "application/json"}
        )
    assert problem(answer, 413)["code"] == "content_too_large"
    problem(declared, 413)


def test_a_result_without_a_session_is_refused_before_its_body_is_read(api: Api) -> None:
    with browser(api) as http:
        answer = http.post("/speedtest/results", content=(b"{" for _ in range(10_000)))
    problem(answer, 401)


# --- 7: transfers need a login; rate limits -----------------------------------------


def test_the_speed_test_transfers_need_a_logged_in_customer(api: Api) -> None:
    with browser(api) as http:
        assert http.get("/speedtest/garbage", params={"ckSize": 1}).status_code == 401
        assert http.post("/speedtest/empty", content=b"x" * 1000).status_code == 401
        browser_login(http, api.customer_token("c1"))
        started = http.post("/speedtest/tests")
        assert started.status_code == 200, started.text
        test = {"test": started.json()["test_id"]}
        served = http.get("/speedtest/garbage", params={"ckSize": 1, **test})
        assert len(served.content) == 1 << 20
        assert http.post("/speedtest/empty", params=test, content=b"x" * 1000).status_code == 200
        too_big = http.get("/speedtest/garbage", params={"ckSize": 129, **test})
        assert too_big.status_code == 422


@pytest.fixture
def tight(app: App) -> Iterator[Api]:
    """The API with tiny rate limits and a credential cache of one minute."""
    limits = RateLimits(
        login_per_client=Rate(3, 60),
        token_per_customer=Rate(2, 60),
        measure_per_customer=Rate(2, 60),
    )
    with live_server(create_app(app, rate_limits=limits, credential_ttl_s=60)) as url:
        yield Api(url, app)


def test_login_attempts_are_rate_limited_per_client(tight: Api) -> None:
    with browser(tight) as http:
        csrf = csrf_of(http.get("/speedtest/login"))
        answers = [
            http.post("/speedtest/login", data={"csrf": csrf, "token": "sct_guess"})
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60


def test_token_issue_is_rate_limited_per_customer(tight: Api) -> None:
    with tight.client(tight.key(Scope.CUSTOMERS_TOKEN)) as http:
        answers = [http.post("/api/v1/customers/c1/tokens") for _ in range(3)]
        other = http.post("/api/v1/customers/c2/tokens")
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert problem(answers[-1], 429)["code"] == "too_many_requests"
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert other.status_code == 201


def test_measurements_are_rate_limited_per_customer(tight: Api) -> None:
    with browser(tight) as http:
        browser_login(http, tight.customer_token("c1"))
        answers = [http.post("/speedtest/results", json=RESULT) for _ in range(3)]
    # the first two pass the limit (and are refused for want of a test the server ran)
    assert [a.status_code == 429 for a in answers] == [False, False, True]
    assert "retry-after" in answers[-1].headers


# --- 8: the link token leaves the URL; server-side sessions ------------------------


def test_opening_the_link_drops_the_token_from_the_url_and_logs_no_one_in(api: Api) -> None:
    token = api.customer_token("c1")
    with browser(api) as http:
        link = http.get("/speedtest/login", params={"token": token, "lang": "en"})
        assert link.status_code == 303
        assert link.headers["location"] == "/speedtest/login?lang=en"
        assert "selfcare_session" not in link.headers.get("set-cookie", "")
        assert http.get("/speedtest/status").status_code == 401
        confirm = http.get(link.headers["location"])
        assert 'id="login-link"' in confirm.text
        assert token not in confirm.text


def test_the_session_is_not_the_token_and_logout_ends_it_on_the_server(api: Api) -> None:
    token = api.customer_token("c1")
    with browser(api) as http:
        browser_login(http, token)
        session = http.cookies["selfcare_session"]
        assert session != token
        assert token not in str(http.cookies)
        assert http.get("/speedtest/status").status_code == 200
        assert http.post("/speedtest/logout", data={"csrf": "forged"}).status_code == 403
        overview = http.get("/speedtest/series")
        assert http.post("/speedtest/logout", data={"csrf": csrf_of(overview)}).status_code == 303
    with browser(api) as copied:
        copied.cookies.set("selfcare_session", session)
        problem(copied.get("/speedtest/status"), 401)
    with api.client(token) as own:  # the 30-day API token itself is untouched
        assert own.get("/api/v1/customers/c1/speedcheck/contract").status_code == 404


# --- 9: login CSRF --------------------------------------------------------------------


def test_a_cross_site_login_post_logs_no_one_in(api: Api) -> None:
    token = api.customer_token("attacker")
    with browser(api) as http:
        csrf = csrf_of(http.get("/speedtest/login"))
        foreign_origin = http.post(
            "/speedtest/login", data={"csrf": csrf, "token": token}, headers={"origin": EVIL}
        )
        foreign_referer = http.post(
            "/speedtest/login",
            data={"csrf": csrf, "token": token},
            headers={"referer": f"{EVIL}/page"},
        )
        no_csrf = http.post("/speedtest/login", data={"token": token})  # IE11: no Origin
        wrong_csrf = http.post("/speedtest/login", data={"token": token, "csrf": "x" * 32})
        for answer in (foreign_origin, foreign_referer, no_csrf, wrong_csrf):
            assert answer.status_code == 403, answer.text
            assert "selfcare_session" not in answer.headers.get("set-cookie", "")
        assert http.get("/speedtest/status").status_code == 401
        same_site = http.post(
            "/speedtest/login", data={"csrf": csrf, "token": token}, headers={"origin": api.url}
        )
    assert same_site.status_code == 303


def test_a_result_needs_the_sessions_csrf_token_and_the_own_origin(api: Api) -> None:
    with browser(api) as http:
        browser_login(http, api.customer_token("c1"))
        good = http.post("/speedtest/results", json=RESULT)
        foreign = http.post("/speedtest/results", json=RESULT, headers={"origin": EVIL})
        del http.headers["X-CSRF-Token"]
        missing = http.post("/speedtest/results", json=RESULT)
    # past the CSRF and origin checks, refused only because the server ran no such test
    assert good.status_code in {404, 422}, good.text
    assert good.json()["code"] != "forbidden"
    problem(foreign, 403)
    problem(missing, 403)


# --- 10: revocation -------------------------------------------------------------------


def test_a_revoked_token_is_refused_at_once_and_its_sessions_end(tight: Api) -> None:
    with tight.client(tight.key(Scope.CUSTOMERS_TOKEN)) as issuer:
        issued = issuer.post("/api/v1/customers/c1/tokens").json()
        with tight.client(issued["token"]) as own, browser(tight) as http:
            browser_login(http, issued["token"])
            assert own.get("/api/v1/customers/c1/speedcheck/contract").status_code == 404
            gone = issuer.delete(f"/api/v1/customers/c1/tokens/{issued['id']}")
            assert gone.status_code == 204
            problem(own.get("/api/v1/customers/c1/speedcheck/contract"), 401)
            problem(http.get("/speedtest/status"), 401)
        problem(issuer.delete("/api/v1/customers/c2/tokens/" + issued["id"]), 404)


# --- 12: headers, caching, docs -------------------------------------------------------

PAGES = ["/speedtest/login", "/speedtest/series", "/speedtest/", "/speedtest/status"]


def test_pages_carry_security_headers_and_personal_ones_are_not_stored(api: Api) -> None:
    with browser(api) as http:
        browser_login(http, api.customer_token("c1"))
        answers = {path: http.get(path) for path in PAGES}
    for path, answer in answers.items():
        assert answer.status_code == 200, path
        headers = answer.headers
        csp = headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src is not None
        assert script_src.group(1) == "'self'", path
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "no-store" in headers["cache-control"], path
    test_page = answers["/speedtest/"].text
    assert re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", test_page) is None
    assert " on" + "submit=" not in test_page
    with api.client(api.customer_token("c1")) as own:
        progress = own.get("/api/v1/customers/c1/progress")
    assert "no-store" in progress.headers["cache-control"]


def test_the_api_docs_are_off_by_default_and_on_by_setting(app: App) -> None:
    assert app.settings.api_docs is False
    with live_server(create_app(app)) as url, httpx.Client(base_url=url) as default:
        assert default.get("/docs").status_code == 404
        assert default.get("/redoc").status_code == 404
        assert default.get("/openapi.json").status_code == 200
    docs_on = replace(app, settings=app.settings.with_(api_docs=True))
    with live_server(create_app(docs_on)) as url, httpx.Client(base_url=url) as development:
        assert development.get("/docs").status_code == 200
        assert development.get("/redoc").status_code == 200
