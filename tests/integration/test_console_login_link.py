"""The console issues a one-time login link (issue 10): a program manager or admin asks
for one on the customer lookup, sees it once (POST/redirect/GET, never in a URL), the
link logs that customer in once, and the audit log says who issued which customer's link
when — without the secret, which no log line carries either. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest

from selfcare.auth.service import create_login_link, list_customer_tokens
from selfcare.bootstrap import App
from selfcare.console.audit import audit_page
from selfcare.domain.operators import Role
from selfcare.errors import InvalidInput
from selfcare.ingest.service import ingest_rows
from tests.integration.console_data import event
from tests.integration.console_fixtures import Console, console, form_csrf
from tests.integration.test_login_link import USED, confirm

pytestmark = pytest.mark.integration
__all__ = ["console"]
LINK = re.compile(r">(http://127\.0\.0\.1:\d+/login\?token=(scl_[A-Za-z0-9_-]+))</textarea>")
RESULT = re.compile(r"^/operator/customers/anna/login-link/([0-9a-f-]{36})\?lang=en$")


@pytest.fixture
def anna(app: App) -> str:
    rows = [event("anna-1", "invitation_accepted", "2026-02-01T09:00:00+01:00")]
    ingest_rows(app.ingestor, list(enumerate(rows, start=1)), source="seed")
    return "anna"


def issue(http: httpx.Client, customer: str = "anna") -> httpx.Response:
    page = http.get(f"/operator/customers/{customer}?lang=en")
    return http.post(
        f"/operator/customers/{customer}/login-link?lang=en", data={"csrf": form_csrf(page)}
    )


def test_an_admin_issues_a_link_that_logs_the_customer_in_once_and_is_audited(
    console: Console, anna: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = console.logged_in(Role.ADMIN)
    lookup = admin.get(f"/operator/customers/{anna}?lang=en").text
    assert "Issue a new login link" in lookup
    answer = issue(admin)
    assert answer.status_code == 303
    found = RESULT.match(answer.headers["location"])
    assert found is not None, answer.headers["location"]
    token_id = found.group(1)
    other = console.logged_in(Role.PROGRAM_MANAGER).get(answer.headers["location"])
    shown = admin.get(answer.headers["location"])
    again = admin.get(answer.headers["location"])
    link = LINK.search(shown.text)
    assert link is not None, shown.text
    url, secret = link.groups()
    assert url.startswith(console.url)
    assert "shown only now" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    for not_shown in (other, again):  # once, and only to the operator who issued it
        assert not_shown.status_code == 200
        assert "was shown already" in not_shown.text
        assert "scl_" not in not_shown.text
    with console.client() as customer, console.client() as someone_else:
        landed = confirm(customer, secret)
        mine = customer.get("/me")
        spent = confirm(someone_else, secret)
    assert landed.headers["location"] == "/me?lang=en"
    assert '<span id="customer">anna</span>' in mine.text
    assert USED["en"] in spent.text
    [entry] = [e for e in audit_page(console.app.uow).entries if e.action.endswith("link_issue")]
    assert entry.actor.startswith("admin-")  # Console.logged_in names it after its role
    assert entry.target == "customer anna"
    assert entry.before is None
    after = json.loads(entry.after or "")
    assert after["token_id"] == token_id
    assert after["expires_at"].startswith(str(entry.at.year))
    audit = admin.get("/operator/audit?lang=en").text
    assert "customer anna" in audit
    assert secret not in audit
    assert [t.used_at is not None for t in list_customer_tokens(uow=console.app.uow)] == [True]
    # the service's own records (httpx and httpcore log this test's client side)
    served = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    # raw, before the formatter's masking: the secret never reaches a log call at all
    lines = [f"{r.getMessage()} {r.args} {getattr(r, 'fields', '')}" for r in served]
    assert any("/login-link" in line for line in lines)  # the requests were captured
    assert not [line for line in lines if secret in line or secret[4:20] in line]


def test_a_viewer_neither_sees_the_form_nor_may_post_it(console: Console, anna: str) -> None:
    viewer = console.logged_in(Role.VIEWER)
    page = viewer.get(f"/operator/customers/{anna}?lang=en")
    assert "Issue a new login link" not in page.text
    refused = viewer.post(
        f"/operator/customers/{anna}/login-link?lang=en", data={"csrf": form_csrf(page)}
    )
    assert refused.status_code == 403
    assert list_customer_tokens(uow=console.app.uow) == []


def test_no_link_for_a_customer_nothing_is_stored_for(console: Console, anna: str) -> None:
    manager = console.logged_in(Role.PROGRAM_MANAGER)
    page = manager.get(f"/operator/customers/{anna}?lang=en")
    answer = manager.post(
        "/operator/customers/nobody/login-link?lang=en", data={"csrf": form_csrf(page)}
    )
    assert answer.status_code == 404
    assert "Nothing is stored for customer nobody." in answer.text
    assert list_customer_tokens(uow=console.app.uow) == []
    assert not [e for e in audit_page(console.app.uow).entries if e.action.endswith("link_issue")]


def test_a_link_and_its_audit_entry_commit_together(app: App) -> None:
    """What runs beside the link in its unit of work fails: no link is stored either."""

    def failing(_work: object, _issued: object) -> None:
        raise InvalidInput("the audit could not be written")

    with pytest.raises(InvalidInput):
        create_login_link(uow=app.uow, customer_id="anna", also=failing)
    assert list_customer_tokens(uow=app.uow) == []
