"""`GET/POST /join` over HTTP on a live server: the session decides who signs up, every
outcome has its own message (de/en), the form refuses a missing or foreign CSRF token,
attempts are limited per code, and accepting records `invitation_accepted` once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.pilot.invitations import MESSAGES, Outcome
from selfcare.web.app import create_app
from selfcare.web.ratelimit import Rate, RateLimits
from tests.builders import make_program
from tests.customer_pages import csrf_of, log_in
from tests.integration.api_fixtures import live_server
from tests.join_site import NOW, SECRET, Codes, issue_codes, login_token

pytestmark = pytest.mark.integration
HTML = {"Accept": "text/html"}
LIMITS = RateLimits(join_per_client=Rate(50, 60.0), join_per_code=Rate(3, 600.0))


@dataclass
class Site:
    url: str
    app: App
    codes: Codes

    @contextmanager
    def browser(self, customer_id: str | None = None) -> Iterator[httpx.Client]:
        """A cookie-keeping client, logged in as `customer_id` with a fresh login link."""
        with httpx.Client(base_url=self.url, timeout=30, headers=HTML) as http:
            if customer_id is not None:
                log_in(http, login_token(self.app, customer_id), next_page="/join")
            yield http

    def accepted_events(self) -> list[str]:
        with self.app.uow(read_only=True) as work:
            return [e.customer_id for e in work.events.all() if e.type == "invitation_accepted"]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    app = build(
        Settings(database_url=f"sqlite:///{tmp_path / 'join.db'}", invitation_secret=SECRET),
        program=make_program(),
        charging=FakeChargingClient(),
        clock=lambda: NOW,
    )
    try:
        codes = issue_codes(app)
        with live_server(create_app(app, rate_limits=LIMITS, credential_ttl_s=0)) as url:
            yield Site(url, app, codes)
    finally:
        app.close()


def submit(http: httpx.Client, code: str, lang: str = "de") -> httpx.Response:
    """Post the form as a browser does and follow the redirect to the answer page."""
    form = http.get("/join", params={"lang": lang})
    posted = http.post("/join", params={"lang": lang}, data={"code": code, "csrf": csrf_of(form)})
    assert posted.status_code == 303, posted.text
    return http.get(posted.headers["location"])


def outcome_of(page: httpx.Response) -> str:
    found = re.search(r'data-outcome="([a-z_]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def test_logged_out_the_page_asks_for_a_login_that_comes_back_here(site: Site) -> None:
    with site.browser() as http:
        page = http.get("/join", params={"lang": "en"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert 'id="join-login-first"' in page.text
    assert 'href="/login?next=%2Fjoin&amp;lang=en"' in page.text
    assert "<script" not in page.text


def test_each_outcome_has_its_own_message_and_the_own_code_is_accepted_once(site: Site) -> None:
    codes = site.codes
    with site.browser("anna") as http:
        answers = {
            "mistyped": submit(http, codes.anna[:-2]),
            "pasted": submit(http, codes.anna * 10),
            "forged": submit(http, codes.forged),
            "not_yours": submit(http, codes.ben),
            "expired": submit(http, codes.expired),
            "accepted": submit(http, codes.anna.lower().replace("-", " ")),
            "already_used": submit(http, codes.anna),
        }
    assert outcome_of(answers.pop("pasted")) == "mistyped"  # a long paste: a message
    for expected, page in answers.items():
        assert outcome_of(page) == expected
        assert MESSAGES[Outcome(expected)]["de"] in page.text
    assert 'href="/me?lang=de"' in answers["accepted"].text
    assert 'aria-invalid="true"' in answers["expired"].text
    assert site.accepted_events() == ["anna"]


def test_the_messages_speak_english_when_asked(site: Site) -> None:
    with site.browser("ben") as http:
        page = submit(http, site.codes.anna, lang="en")
    assert outcome_of(page) == "not_yours"
    assert MESSAGES[Outcome.NOT_YOURS]["en"] in page.text
    assert '<html lang="en">' in page.text


def test_the_form_refuses_a_missing_or_foreign_csrf_token(site: Site) -> None:
    with site.browser("anna") as mine, site.browser("ben") as theirs:
        foreign = csrf_of(theirs.get("/join"))
        missing = mine.post("/join", data={"code": site.codes.anna})
        wrong = mine.post("/join", data={"code": site.codes.anna, "csrf": foreign})
    for answer in (missing, wrong):
        assert answer.status_code == 403
        assert "<form" not in answer.text or 'id="join-form"' not in answer.text
    assert site.accepted_events() == []


def test_guessing_at_one_code_is_limited_per_code(site: Site) -> None:
    with site.browser("anna") as http:
        outcomes = [outcome_of(submit(http, site.codes.ben)) for _ in range(4)]
        last = submit(http, site.codes.ben, lang="en")
    assert outcomes == ["not_yours"] * 3 + ["rate_limited"]
    assert MESSAGES[Outcome.RATE_LIMITED]["en"] in last.text


def test_a_post_without_a_session_leads_to_the_login(site: Site) -> None:
    with site.browser() as http:
        http.get("/join")  # sets the logged-out double-submit cookie
        token = http.cookies["selfcare_csrf"]
        answer = http.post("/join", data={"code": site.codes.anna, "csrf": token})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2Fjoin")
