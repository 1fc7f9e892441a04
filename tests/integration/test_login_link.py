"""One-time login links (`selfcare serve --login-link`): a link opens one browser session,
once. A second confirmation says the link was used (de/en), an expired link says so, the
link is never an API token, and two confirmations at the same moment log in once — on
SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from selfcare.auth.principals import NotAuthenticated
from selfcare.auth.service import (
    authenticate,
    create_customer_token,
    create_login_link,
    revoke_customer_token,
)
from selfcare.auth.sessions import (
    LinkAlreadyUsed,
    open_link_session,
    session_customer,
)
from selfcare.bootstrap import App
from selfcare.store.tables import CustomerSessionRow
from tests.commands import selfcare_json
from tests.customer_pages import ALPHA, csrf_of
from tests.integration.api_fixtures import Api, api, browser_login, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]
HTML = {"Accept": "text/html"}
USED = {
    "en": "This login link was already used; it works for one login only.",
    "de": "Dieser Anmeldelink wurde schon benutzt; er gilt nur für eine Anmeldung.",
}
EXPIRED = {
    "en": "This login link has expired. Please ask for a new link.",
    "de": "Dieser Anmeldelink ist abgelaufen. Bitte fragen Sie nach einem neuen Link.",
}


@contextmanager
def browser(api: Api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30, headers=HTML) as http:
        yield http


def confirm(http: httpx.Client, secret: str, lang: str = "en") -> httpx.Response:
    """Open the link, then press the login page's button."""
    opened = http.get("/login", params={"token": secret, "lang": lang})
    assert opened.status_code == 303, opened.text
    page = http.get(opened.headers["location"])
    return http.post("/login", data={"csrf": csrf_of(page), "next": "/me", "lang": lang})


def test_a_login_link_logs_in_once_then_says_it_was_used(api: Api) -> None:
    secret = api.login_link(ALPHA)
    assert secret.startswith("scl_")
    with browser(api) as first, browser(api) as second, browser(api) as third:
        first.get("/login", params={"token": secret})
        before = first.get("/me")  # opening the link alone logs no one in
        landed = confirm(first, secret)
        mine = first.get("/me")
        again = confirm(second, secret, "en")
        german = confirm(third, secret, "de")
        refused = second.get("/me")
        same_browser = confirm(first, secret)
        still = first.get("/me")
    assert before.status_code == 303
    assert landed.status_code == 303
    assert landed.headers["location"] == "/me?lang=en"
    assert f'<span id="customer">{ALPHA}</span>' in mine.text
    for answer, lang in ((again, "en"), (german, "de"), (same_browser, "en")):
        assert answer.status_code == 401
        assert USED[lang] in answer.text
        assert 'role="alert"' in answer.text
        assert "selfcare_session" not in answer.headers.get("set-cookie", "")
        assert 'id="token"' in answer.text  # the spent link is dropped: a code may be pasted
    assert refused.status_code == 303  # the second browser is not logged in
    assert still.status_code == 200  # the first session is untouched


def test_the_speed_check_login_spends_the_link_too(api: Api) -> None:
    secret = api.login_link(ALPHA)
    with browser(api) as first, browser(api) as second:
        browser_login(first, secret)
        link = second.get("/speedtest/login", params={"token": secret, "lang": "de"})
        page = second.get(link.headers["location"])
        again = second.post("/speedtest/login", data={"csrf": csrf_of(page), "lang": "de"})
    assert again.status_code == 401
    assert USED["de"] in again.text


def test_an_expired_link_says_so_and_logs_no_one_in(api: Api) -> None:
    issued = create_login_link(
        uow=api.app.uow,
        customer_id=ALPHA,
        ttl=timedelta(hours=1),
        now=datetime.now(UTC) - timedelta(hours=2),
    )
    with browser(api) as http:
        english = confirm(http, issued.token, "en")
        german = confirm(http, issued.token, "de")
        me = http.get("/me")
    assert english.status_code == german.status_code == 401
    assert EXPIRED["en"] in english.text
    assert EXPIRED["de"] in german.text
    assert me.status_code == 303


def test_a_login_link_is_never_an_api_token(api: Api) -> None:
    secret = api.login_link(ALPHA)
    path = f"/api/v1/customers/{ALPHA}/progress"
    with api.client(secret) as unused:
        problem(unused.get(path), 401)
    with browser(api) as http:
        confirm(http, secret)
    with api.client(secret) as used:
        problem(used.get(path), 401)
    with pytest.raises(NotAuthenticated):
        authenticate(uow=api.app.uow, secret=secret)


def test_two_confirmations_at_the_same_moment_open_one_session(app: App) -> None:
    """The conditional UPDATE decides: of two concurrent confirmations, one opens a session
    and the other finds the link used (on PostgreSQL the second waits for the first)."""
    for attempt in range(5):
        issued = create_login_link(uow=app.uow, customer_id=f"c{attempt}")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        threads = [
            threading.Thread(target=press, args=(app, issued.token, barrier, outcomes))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["session", "used"]
        with app.engine.connect() as connection:
            opened = connection.scalar(
                select(func.count())
                .select_from(CustomerSessionRow)
                .where(CustomerSessionRow.token_id == issued.id)
            )
        assert opened == 1


def press(app: App, secret: str, start: threading.Barrier, outcomes: list[str]) -> None:
    """One browser's confirmation, started with the other's."""
    start.wait()
    try:
        open_link_session(uow=app.uow, secret=secret)
        outcomes.append("session")
    except LinkAlreadyUsed:
        outcomes.append("used")


def test_a_links_session_outlives_the_link_but_not_its_revocation(app: App) -> None:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    issued = create_login_link(uow=app.uow, customer_id="c1", ttl=timedelta(hours=1), now=start)
    opened = open_link_session(
        uow=app.uow,
        secret=issued.token,
        ttl=timedelta(hours=12),
        now=start + timedelta(minutes=50),
    )
    later = start + timedelta(hours=3)  # the link expired two hours ago, the session goes on
    assert session_customer(uow=app.uow, secret=opened.secret, now=later).customer_id == "c1"
    assert revoke_customer_token(uow=app.uow, token_id=issued.id, now=later)
    with pytest.raises(NotAuthenticated):
        session_customer(uow=app.uow, secret=opened.secret, now=later)


def test_an_access_token_is_not_a_login_link(app: App) -> None:
    """`open_link_session` spends login links only; an access token stays what it was."""
    token = create_customer_token(uow=app.uow, customer_id="c1").token
    with pytest.raises(NotAuthenticated) as refused:
        open_link_session(uow=app.uow, secret=token)
    assert not isinstance(refused.value, LinkAlreadyUsed)
    assert authenticate(uow=app.uow, secret=token).customer_id == "c1"  # type: ignore[union-attr]


def test_token_link_issues_a_new_one_time_link_while_the_service_runs(
    database_url: str, app: App, tmp_path: Path
) -> None:
    """`selfcare token link` (another process) makes the link to hand out after one was
    used: it opens one session on the running service's database, once."""
    issued = selfcare_json(
        *("token", "link", "--customer", "anna", "--base-url", "https://selfcare.example/"),
        env=os.environ | {"SELFCARE_DATABASE_URL": database_url},
        cwd=tmp_path,
    )
    prefix = "https://selfcare.example/login?token="
    assert issued["link"].startswith(prefix + "scl_")
    assert issued["customer_id"] == "anna"
    secret = issued["link"].removeprefix(prefix)
    assert open_link_session(uow=app.uow, secret=secret).session.customer_id == "anna"
    with pytest.raises(LinkAlreadyUsed):
        open_link_session(uow=app.uow, secret=secret)


def test_token_list_says_which_token_is_a_login_link_and_whether_it_was_used(
    database_url: str, app: App, tmp_path: Path
) -> None:
    access = create_customer_token(uow=app.uow, customer_id="anna")
    used = create_login_link(uow=app.uow, customer_id="anna")
    unused = create_login_link(uow=app.uow, customer_id="anna")
    open_link_session(uow=app.uow, secret=used.token)
    env = os.environ | {"SELFCARE_DATABASE_URL": database_url}
    listed = selfcare_json("token", "list", "--customer", "anna", env=env, cwd=tmp_path)
    rows = {t["id"]: (t["purpose"], (t["used"] or "-").split(" ")[0]) for t in listed["tokens"]}
    assert rows == {
        access.id: ("access", "-"),
        used.id: ("login link", "used"),
        unused.id: ("login link", "unused"),
    }
    assert not [t for t in (access, used, unused) if t.token in str(listed)]
