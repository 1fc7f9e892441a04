"""The customer's speed check pages in the running service: where the contract message
sits, evidence without a series, and every customer page (the speed check's and any other
the app serves) in German without English template text (SQLite and PostgreSQL).

A German page is compared with the English page of the same state: an English text node
the German page repeats is a leak. The test page's script messages (a JSON data block)
are compared key by key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from selfcare.auth.scopes import Scope
from selfcare.web.app import create_app
from tests.german_texts import repeated_english, visible_texts
from tests.integration.api_fixtures import Api, api, browser_login
from tests.integration.conftest import Clock
from tests.routes import routes_of
from tests.speedtest_traffic import measured

pytestmark = pytest.mark.integration
__all__ = ["api"]

CONTRACT = {
    "download": {"max_kbps": 100_000, "normal_kbps": 80_000, "min_kbps": 50_000},
    "upload": {"max_kbps": 40_000, "normal_kbps": 30_000, "min_kbps": 20_000},
    "price_cents": 4000,
}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def set_contract(api: Api, customer_id: str) -> None:
    with api.client(api.key(Scope.PILOT_ADMIN)) as admin:
        answer = admin.put(f"/api/v1/speedcheck/contracts/{customer_id}", json=CONTRACT)
    assert answer.status_code == 200, answer.text


@contextmanager
def browser(api: Api, customer_id: str) -> Iterator[httpx.Client]:
    """A browser-like client logged in with the customer's link."""
    with httpx.Client(base_url=api.url, timeout=30) as http:
        browser_login(http, api.customer_token(customer_id))
        yield http


def section(html: str, heading: str) -> str:
    """The page from the heading `heading` to the next h2."""
    start = html.index(f"<h2>{heading}</h2>")
    end = html.find("<h2>", start + 1)
    return html[start : end if end > 0 else len(html)]


def test_the_contract_message_shows_only_without_figures_and_under_the_contract(
    api: Api, clock: Clock
) -> None:
    with browser(api, "c1") as http:
        none = http.get("/speedtest/series", params={"lang": "en"}).text
        set_contract(api, "c1")
        figures = http.get("/speedtest/series", params={"lang": "en"}).text
        measured(http, clock, down_kbps=40_000, up_kbps=38_000, params={"lang": "en"})
        judged = http.get("/speedtest/series", params={"lang": "en"}).text
        german = http.get("/speedtest/series", params={"lang": "de"}).text
    message = "We do not have your contract figures yet."
    # Without figures: said once, in the contract section; the result section points there.
    assert none.count(message) == 1
    assert message in section(none, "Your contract")
    assert message not in section(none, "Result")
    assert "we do not have your contract figures (see “Your contract”)" in section(none, "Result")
    # With figures, but no measurement yet: the table, no such message, no result yet.
    for page in (figures, judged):
        assert "contract figures yet" not in page
        assert '<table id="contract">' in section(page, "Your contract")
    assert "No result yet: it is calculated as soon as your series holds" in figures
    assert 'id="verdict"' in judged
    assert "No result yet" not in judged
    assert "Ihre Vertragswerte liegen uns noch nicht vor" not in german


def test_evidence_without_a_series_is_a_readable_page_for_a_browser_and_problem_json_else(
    api: Api,
) -> None:
    with browser(api, "c2") as http:
        pages = {
            lang: http.get("/speedtest/evidence", params={"lang": lang}, headers=HTML)
            for lang in ("de", "en")
        }
        plain = http.get("/speedtest/evidence", headers={"Accept": "application/json"})
        curl = http.get("/speedtest/evidence", headers={"Accept": "*/*"})
    for page in pages.values():
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert '<p id="problem" data-status="404" data-code="no_evidence">' in page.text
        assert 'href="/speedtest/series?lang=' in page.text  # the way back
    assert "<h1>Noch kein Nachweis</h1>" in pages["de"].text
    assert "<h1>No evidence yet</h1>" in pages["en"].text
    for answer in (plain, curl):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "no_evidence"
        assert answer.json()["detail"] == "no series or no contract to judge"


def both(http: httpx.Client, path: str) -> tuple[str, str]:
    """The page in German and in English ("" for an answer that is no page: a redirect,
    JSON)."""
    answers = [http.get(path, params={"lang": lang}, headers=HTML) for lang in ("de", "en")]
    assert all(a.status_code < 500 for a in answers), answers
    german, english = (
        a.text if a.headers.get("content-type", "").startswith("text/html") else "" for a in answers
    )
    return german, english


NOT_PAGES = ("/api/", "/operator", "/metrics", "/health", "/openapi", "/docs", "/redoc")
TRANSFERS = ("garbage", "empty", "ping", "ip", "status", "tests", "results", ".js")


def customer_pages(api: Api) -> list[str]:
    """The GET routes without path parameters that customers open in a browser."""
    paths = {path for method, path, _ in routes_of(create_app(api.app)) if method == "GET"}
    return sorted(
        p
        for p in paths
        if "{" not in p and not p.startswith(NOT_PAGES) and not p.endswith(TRANSFERS)
    )


def script_texts(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert found is not None
    texts: dict[str, Any] = json.loads(found.group(1))["texts"]
    return texts


def test_every_customer_page_in_german_has_no_english_template_text(api: Api, clock: Clock) -> None:
    pages: dict[str, tuple[str, str]] = {}
    with httpx.Client(base_url=api.url, timeout=30) as anonymous:
        pages["login"] = both(anonymous, "/speedtest/login")
    with browser(api, "c3") as http:
        pages["overview without contract"] = both(http, "/speedtest/series")
        pages["no evidence"] = both(http, "/speedtest/evidence")
        set_contract(api, "c3")
        pages["overview without measurement"] = both(http, "/speedtest/series")
        measured(http, clock, down_kbps=40_000, up_kbps=38_000, params={"lang": "de"})
        measured(http, clock, down_kbps=40_000, up_kbps=38_000, params={"lang": "de"})
        pages["overview with result"] = both(http, "/speedtest/series")
        pages["evidence"] = both(http, "/speedtest/evidence")
        pages["test page"] = both(http, "/speedtest/")
        for path in customer_pages(api):  # every other customer page, as it is added
            if path not in ("/speedtest/series", "/speedtest/evidence", "/speedtest/"):
                german, english = both(http, path)
                if german and english:
                    pages[path] = (german, english)
    data = ["c3", "Speedtest"]
    for name, (german, english) in pages.items():
        leaks = repeated_english(visible_texts(german), visible_texts(english), data=data)
        assert leaks == [], name
        assert '<html lang="de">' in german, name
    german_script = script_texts(pages["test page"][0])
    english_script = script_texts(pages["test page"][1])
    assert [k for k, v in german_script.items() if v == english_script[k]] == []
    assert "Ergebnis" in pages["overview with result"][0]
