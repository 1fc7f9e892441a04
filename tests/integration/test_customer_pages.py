"""The customer pages over HTTP on a live server: my bonus, my contacts, the call checker,
login and logout. The session decides whose data a page shows (no id in any URL), every
form refuses a missing or foreign CSRF token, and nothing personal is cached."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import httpx
import pytest

from tests.customer_pages import ALPHA, BETA, csrf_of, log_in, tell_stories
from tests.integration.api_fixtures import Api, api

pytestmark = pytest.mark.integration
__all__ = ["api"]
HTML = {"Accept": "text/html"}


@pytest.fixture
def told(api: Api) -> Api:
    tell_stories(api.app)
    return api


@contextmanager
def browser(api: Api, customer_id: str | None = None, **headers: str) -> Iterator[httpx.Client]:
    """A cookie-keeping client, logged in as `customer_id` with a fresh login link."""
    with httpx.Client(base_url=api.url, timeout=30, headers=HTML | headers) as http:
        if customer_id is not None:
            log_in(http, api.login_link(customer_id))
        yield http


def test_without_a_session_my_pages_lead_to_the_login_explanation(told: Api) -> None:
    with browser(told) as http:
        for page in ("/me", "/me/contacts"):
            answer = http.get(page, params={"lang": "en"})
            assert answer.status_code == 303
            assert answer.headers["location"] == f"/login?next={page.replace('/', '%2F')}&lang=en"
        login = http.get("/login", params={"next": "/me/contacts", "lang": "en"})
        api_like = http.get("/me", headers={"Accept": "application/json"})
    assert login.status_code == 200
    assert "the login link we sent you" in login.text
    assert 'name="next" value="/me/contacts"' in login.text
    assert 'href="/check?lang=en"' in login.text  # the checker works without logging in
    assert api_like.status_code == 401
    assert api_like.headers["content-type"].startswith("application/problem+json")


def test_the_session_alone_decides_whose_data_a_page_shows(told: Api) -> None:
    with browser(told, ALPHA) as first, browser(told, BETA) as second:
        mine = first.get("/me", params={"customer": BETA, "customer_id": BETA})
        my_contacts = first.get("/me/contacts", params={"customer": BETA})
        theirs = second.get("/me")
        their_contacts = second.get("/me/contacts")
        by_path = first.get(f"/me/{BETA}")
    assert f'<span id="customer">{ALPHA}</span>' in mine.text
    assert BETA not in mine.text
    assert 'data-event="c1-4"' in my_contacts.text
    assert 'data-event="c2-3"' not in my_contacts.text
    assert f'<span id="customer">{BETA}</span>' in theirs.text
    assert ALPHA not in theirs.text
    assert 'data-event="c2-3"' in their_contacts.text
    assert 'data-event="c1-4"' not in their_contacts.text
    assert by_path.status_code == 404


def test_my_bonus_says_state_recurrence_window_and_data_received(told: Api) -> None:
    with (
        browser(told, ALPHA) as german,
        browser(told, ALPHA, **{"Accept-Language": "en"}) as english,
    ):
        de = german.get("/me").text
        en = english.get("/me").text
        en_by_query = german.get("/me", params={"lang": "en"}).text
    assert '<html lang="de">' in de
    assert 'id="reward-portal_registration" data-state="earned"' in de
    assert "Erhalten am 01.06.2025 – bei Ihnen angekommen" in de
    assert 'id="reward-online_bill_video" data-state="open"' in de
    assert "Einmalig: Sie bekommen diesen Bonus ein Mal." in de
    assert "Einmalig: nach 9 Kalendermonaten ohne gezählten Hotline-Anruf." in de
    # the counted call of 1 October restarted the window on the next day
    assert 'id="window" data-status="running" data-pct="' in de
    assert "läuft seit dem 02.10.2025 und ist am 02.07.2026 vollständig" in de
    assert "Neu gestartet nach Ihrem Anruf vom 01.10.2025." in de
    assert "5 von 9 Monaten geschafft" in de
    assert "Was den Zeitraum neu starten würde" in de
    assert 'data-received-mb="1200"' in de
    assert "1.200 MB sind bei Ihnen angekommen." in de
    assert '<html lang="en">' in en
    assert "One-off: you get this bonus once." in en
    assert "completes on 2026-07-02" in en
    assert "What would restart it" in en
    assert "The period has been running since 2025-10-02" in en_by_query


def test_a_refused_top_up_is_shown_as_not_arrived(told: Api) -> None:
    with browser(told, BETA) as http:
        page = http.get("/me", params={"lang": "en"}).text
    assert 'data-received-mb="0"' in page
    assert "No data volume has reached you yet." in page
    assert "600 MB were refused by the charging system" in page
    assert 'id="reward-portal_registration" data-state="rejected"' in page
    assert '<tr data-status="rejected">' in page


def test_my_contacts_explain_every_verdict(told: Api) -> None:
    with browser(told, ALPHA) as http:
        de = unescape(http.get("/me/contacts").text)
        en = unescape(http.get("/me/contacts", params={"lang": "en"}).text)
    assert "Zählte nicht: Vertragsverlängerung, erkannt am Grundcode VVL des Mitarbeiters." in de
    assert "Did not count: Contract extension, recognised by the agent's code VVL." in en
    assert "Counted: no exempt topic recognised" in en
    assert "This call restarted your period without a hotline call." in en
    # newest first
    assert en.index('data-event="c1-5"') < en.index('data-event="c1-4"')


def test_the_call_checker_posts_redirects_and_answers_without_login(told: Api) -> None:
    with browser(told) as http:
        form = http.get("/check")
        csrf = csrf_of(form)
        sent = http.post(
            "/check", data={"csrf": csrf, "concern": "Meine Rechnung ist zu hoch", "lang": "de"}
        )
        answer = http.get(sent.headers["location"])
        empty = http.post("/check", data={"csrf": csrf, "concern": "  ", "lang": "de"})
        speed = http.post("/check", data={"csrf": csrf, "concern": "Internet ist so langsam"})
        speed_answer = http.get(speed.headers["location"] + "&lang=en")
        plain = http.get("/check")
    assert form.status_code == 200
    assert sent.status_code == 303
    assert sent.headers["location"] == "/check?asked=1&lang=de"
    assert 'id="result" data-counts="true"' in answer.text
    assert "Ein Anruf dazu würde zählen." in answer.text
    assert 'href="https://kundenportal.example/rechnung"' in answer.text
    assert "Regeln des Programms „Online statt Hotline“" in answer.text
    assert empty.status_code == 400
    assert "Bitte beschreiben Sie Ihr Anliegen." in empty.text
    assert 'data-counts="false"' in speed_answer.text
    assert 'href="/speedtest/series?lang=en"' in speed_answer.text
    assert "you get a hotline pass: calls within 14 days" in speed_answer.text
    assert 'id="result"' not in plain.text  # the answer follows only its own POST


def test_logged_in_the_checker_says_what_the_call_would_do_to_the_window(told: Api) -> None:
    with browser(told, ALPHA) as http:
        csrf = csrf_of(http.get("/check"))
        sent = http.post("/check", data={"csrf": csrf, "concern": "Frage zum Tarif", "lang": "en"})
        answer = http.get(sent.headers["location"]).text
    assert "It would restart your period without a hotline call (5 of 9 months" in answer
    assert "Checked by the rules of your programme" in answer
    assert 'href="https://kundenportal.example/tarif"' in answer


def test_every_form_refuses_a_missing_or_foreign_csrf_token(told: Api) -> None:
    with browser(told, ALPHA) as first, browser(told, BETA) as second, browser(told) as stranger:
        foreign = csrf_of(second.get("/check"))
        stranger_token = csrf_of(stranger.get("/check"))
        concern = {"concern": "Rechnung", "lang": "en"}
        refused = [
            first.post("/check", data=concern),
            first.post("/check", data=concern | {"csrf": foreign}),
            first.post("/check", data=concern | {"csrf": stranger_token}),
            stranger.post("/check", data=concern | {"csrf": foreign}),
            first.post("/logout", data={}),
            first.post("/logout", data={"csrf": foreign}),
            stranger.post("/login", data={"token": "sct_x"}),
            stranger.post("/login", data={"token": "sct_x", "csrf": foreign}),
        ]
        still_in = first.get("/me")
        cross_site = first.post(
            "/check",
            data=concern | {"csrf": csrf_of(first.get("/check"))},
            headers={"Origin": "https://evil.example"},
        )
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "This form has expired" in refused[0].text
    assert still_in.status_code == 200
    assert cross_site.status_code == 403


def test_personal_pages_are_never_cached_and_logout_ends_the_session(told: Api) -> None:
    with browser(told, ALPHA) as http:
        pages = [http.get(p) for p in ("/me", "/me/contacts", "/check", "/login")]
        out = http.post("/logout", data={"csrf": csrf_of(pages[0]), "lang": "en"})
        after = http.get("/me")
    for page in pages:
        assert page.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "<script" not in page.text  # no JavaScript on the customer pages
    assert out.status_code == 303
    assert out.headers["location"].startswith("/login")
    assert after.status_code == 303


def test_a_customer_without_events_reads_that_nothing_is_known_yet(told: Api) -> None:
    with browser(told, "cust-new") as http:
        bonus = http.get("/me", params={"lang": "en"})
        contacts = http.get("/me/contacts", params={"lang": "fr"})  # unknown: the browser's
        csrf = csrf_of(bonus)
        sent = http.post("/check", data={"csrf": csrf, "concern": "Rechnung", "lang": "en"})
        answer = http.get(sent.headers["location"])
    assert 'id="no-data"' in bonus.text
    assert "We have no events for your customer number yet." in bonus.text
    assert contacts.status_code == 200
    assert 'id="no-contacts"' in contacts.text
    assert '<html lang="de">' in contacts.text
    assert 'data-counts="true"' in answer.text
