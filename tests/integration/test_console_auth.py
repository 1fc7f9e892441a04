"""Operator accounts and the console's login: argon2id, TOTP, rate limits, separate cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from argon2 import PasswordHasher, extract_parameters
from argon2.low_level import Type

from selfcare.auth.operators import (
    LoginRefused,
    create_operator,
    log_in,
    session_operator,
    totp_valid,
)
from selfcare.bootstrap import App
from selfcare.domain.operators import Role
from selfcare.errors import Conflict, InvalidInput
from selfcare.web.app import create_app
from selfcare.web.ratelimit import Rate, RateLimits
from tests.integration.api_fixtures import live_server
from tests.integration.console_fixtures import PASSWORD, Console, console, form_csrf

__all__ = ["console"]
pytestmark = pytest.mark.integration


def test_the_password_is_stored_as_an_argon2id_hash_only(app: App) -> None:
    create_operator(uow=app.uow, name="anna", role=Role.ADMIN, password=PASSWORD)
    with app.uow(read_only=True) as work:
        record = work.console.operator_by_name("anna")
    assert record is not None
    assert PASSWORD not in record.password_hash
    assert record.password_hash.startswith("$argon2id$v=19$")
    assert extract_parameters(record.password_hash).type is Type.ID
    assert PasswordHasher().verify(record.password_hash, PASSWORD)


def test_names_are_unique_and_short_passwords_refused(app: App) -> None:
    create_operator(uow=app.uow, name="anna", role=Role.VIEWER, password=PASSWORD)
    with pytest.raises(Conflict):
        create_operator(uow=app.uow, name="anna", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(InvalidInput):
        create_operator(uow=app.uow, name="bert", role=Role.ADMIN, password="short")


def test_a_login_needs_the_right_password_and_opens_a_server_side_session(app: App) -> None:
    create_operator(uow=app.uow, name="anna", role=Role.PROGRAM_MANAGER, password=PASSWORD)
    with pytest.raises(LoginRefused):
        log_in(uow=app.uow, name="anna", password=PASSWORD + "x")
    with pytest.raises(LoginRefused):
        log_in(uow=app.uow, name="nobody", password=PASSWORD)
    login = log_in(uow=app.uow, name="anna", password=PASSWORD)
    assert session_operator(uow=app.uow, secret=login.secret).role is Role.PROGRAM_MANAGER
    with app.uow(read_only=True) as work:
        assert work.console.session_by_hash(login.secret) is None  # only its hash is kept


def test_totp_is_required_once_enrolled_and_checked_against_the_clock(app: App) -> None:
    created = create_operator(
        uow=app.uow, name="anna", role=Role.ADMIN, password=PASSWORD, totp=True
    )
    assert created.totp_uri is not None
    secret = parse_qs(urlsplit(created.totp_uri).query)["secret"][0]
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    code = pyotp.TOTP(secret).at(now)
    with pytest.raises(LoginRefused):
        log_in(uow=app.uow, name="anna", password=PASSWORD, now=now)
    with pytest.raises(LoginRefused):
        log_in(uow=app.uow, name="anna", password=PASSWORD, totp_code="000000", now=now)
    assert log_in(uow=app.uow, name="anna", password=PASSWORD, totp_code=code, now=now)
    assert totp_valid(secret, code, now + timedelta(seconds=30))  # one step of drift
    assert not totp_valid(secret, code, now + timedelta(minutes=5))


def test_the_login_page_logs_in_with_totp_and_sets_its_own_cookie(console: Console) -> None:
    uri = console.operator("anna", Role.ADMIN, totp=True)
    assert uri is not None
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    http, refused = console.login("anna")
    assert refused.status_code == 401
    assert "Einmalcode" in refused.text
    http, answer = console.login("anna", totp=pyotp.TOTP(secret).now(), client=http)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("selfcare_operator=sco_")
    assert "Path=/operator" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    home = http.get("/operator?lang=en")
    assert home.status_code == 200
    assert "Logged in as anna (admin)" in home.text
    assert home.headers["cache-control"] == "no-store"


def test_a_customer_session_opens_no_console_page(console: Console) -> None:
    http = console.client()
    http.cookies.set("selfcare_session", "scs_whatever")
    answer = http.get("/operator")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/operator/login")


def test_logout_ends_the_session_on_the_server(console: Console) -> None:
    http = console.logged_in(Role.VIEWER)
    secret = http.cookies["selfcare_operator"]
    home = http.get("/operator")
    answer = http.post("/operator/logout", data={"csrf": form_csrf(home)})
    assert answer.status_code == 303
    copied = console.client()
    copied.cookies.set("selfcare_operator", secret)
    assert copied.get("/operator").status_code == 303


def test_login_attempts_are_limited_per_account_and_per_client(app: App) -> None:
    limits = RateLimits(
        operator_login_per_client=Rate(8, 600.0), operator_login_per_account=Rate(3, 600.0)
    )
    with live_server(create_app(app, rate_limits=limits)) as url:
        console = Console(url, app)
        try:
            console.operator("anna", Role.ADMIN)
            console.operator("bert", Role.ADMIN)
            http = console.client()
            answers = [console.login("anna", "wrong password!", client=http)[1] for _ in range(4)]
            assert [a.status_code for a in answers] == [401, 401, 401, 429]
            assert int(answers[-1].headers["retry-after"]) > 0
            assert "Too many login attempts" in answers[-1].text or "Zu viele" in answers[-1].text
            # the right password does not get through the account's empty bucket either
            assert console.login("anna", client=console.client())[1].status_code == 429
            # another account from the same address may, until the address's bucket (8,
            # counting every attempt above: all come from 127.0.0.1) is empty
            assert console.login("bert", client=http)[1].status_code == 303
            statuses = [console.login(f"x{i}", client=http)[1].status_code for i in range(3)]
            assert statuses == [401, 401, 429]
        finally:
            console.close()


def test_a_login_form_without_its_csrf_cookie_logs_no_one_in(console: Console) -> None:
    console.operator("anna", Role.ADMIN)
    http = console.client()
    answer = http.post(
        "/operator/login", data={"name": "anna", "password": PASSWORD, "csrf": "forged"}
    )
    assert answer.status_code == 403
    assert "selfcare_operator=" not in answer.headers.get("set-cookie", "")
    page = http.get("/operator/login")
    cross = http.post(
        "/operator/login",
        data={"name": "anna", "password": PASSWORD, "csrf": form_csrf(page)},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
