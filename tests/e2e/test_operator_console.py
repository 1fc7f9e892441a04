"""The operator console in Debian's Chromium: correct and replay a quarantined row, see it
ingested and audited; axe-core on every console page; screenshots of each page kept.

One seeded console (SQLite) and one browser for the module, so the run stays short.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from selfcare.domain.operators import Role
from tests.e2e.artefacts import screenshot_dir
from tests.e2e.browser import needs_chromium
from tests.integration.console_data import PROGRAM_ID, Seeded, served_console
from tests.integration.console_fixtures import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow, needs_chromium]
sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
SHOTS = screenshot_dir("operator")
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield from served_console(tmp_path_factory.mktemp("console-e2e"))


def log_in(
    browser: Any, seeded: Seeded, name: str, lang: str = "en", *, script: bool = False
) -> Any:
    """A page of a fresh browser context, logged in through the login form (without
    JavaScript unless `script`: the console needs none; axe does)."""
    context = browser.new_context(java_script_enabled=script)
    page = context.new_page()
    page.goto(f"{seeded.console.url}/operator/login?lang={lang}")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_an_admin_corrects_and_replays_a_quarantined_row(browser: Any, seeded: Seeded) -> None:
    page = log_in(browser, seeded, Role.ADMIN.value)
    assert "Logged in as admin (admin)" in page.inner_text("header")
    page.click("nav >> text=Operations")
    row_link = page.locator("#quarantine-rows a").first
    row_link.click()
    row_id = page.url.split("/quarantine/")[1].split("?")[0]
    raw = json.loads(page.input_value("#raw"))
    assert raw["type"] == "portal_registred"
    page.fill("#raw", json.dumps(raw | {"type": "portal_registered"}, indent=2))
    page.screenshot(path=SHOTS / "quarantine-row-corrected.png", full_page=True)
    page.click("#replay-corrected")
    assert page.inner_text("#outcome") == f"Row {row_id} was replayed and stored."
    page.goto(f"{seeded.console.url}/operator/customers/{raw['customer_id']}?lang=en")
    assert "portal_registered" in page.inner_text("#timeline")
    page.goto(f"{seeded.console.url}/operator/audit?lang=en")
    newest = page.locator("#audit tbody tr").first.inner_text()
    assert "quarantine_correct_replay" in newest
    assert f"quarantine row {row_id}" in newest
    assert "portal_registred" in newest  # before
    assert "stored" in newest  # after
    page.screenshot(path=SHOTS / "audit-after-replay.png", full_page=True)
    page.context.close()


PAGES = [
    ("overview", "/operator"),
    ("programs", "/operator/programs"),
    ("program-version", f"/operator/programs/{PROGRAM_ID}/versions/2"),
    ("program-diff", f"/operator/programs/{PROGRAM_ID}/diff?from=1&to=2"),
    ("pilot", "/operator/pilot"),
    ("operations", "/operator/operations"),
    ("quarantine-row", "/operator/operations/quarantine/{row}"),
    ("reconciliation", "/operator/operations/reconciliation"),
    ("customers", "/operator/customers"),
    ("customer", "/operator/customers/anna"),
    ("audit", "/operator/audit"),
]


def serious_violations(page: Any) -> list[str]:
    results = axe_module.Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_console_page_passes_axe_without_serious_violations(
    browser: Any, seeded: Seeded, lang: str
) -> None:
    """axe runs scripts itself; the pages need none, so the context allows them for axe."""
    context = browser.new_context()
    page = context.new_page()
    base = seeded.console.url
    page.goto(f"{base}/operator/login?lang={lang}")
    found = {"login": serious_violations(page)}
    page.screenshot(path=SHOTS / f"login-{lang}.png", full_page=True)
    page.fill("#name", Role.ADMIN.value)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    row = seeded.quarantined[0]
    for name, path in PAGES:
        separator = "&" if "?" in path else "?"
        page.goto(f"{base}{path.format(row=row)}{separator}lang={lang}")
        assert page.locator("main h1").count() == 1, name
        found[name] = serious_violations(page)
        page.screenshot(path=SHOTS / f"{name}-{lang}.png", full_page=True)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_a_viewer_sees_the_refusal_page_in_words(browser: Any, seeded: Seeded) -> None:
    page = log_in(browser, seeded, Role.VIEWER.value, lang="de", script=True)
    page.goto(f"{seeded.console.url}/operator/audit?lang=de")
    assert page.inner_text("h1") == "Keine Berechtigung"
    assert "Ihre Rolle (Lesen) reicht dafür nicht aus" in page.inner_text("main")
    assert serious_violations(page) == []
    page.screenshot(path=SHOTS / "forbidden-de.png", full_page=True)
    page.context.close()


def test_an_admin_issues_a_login_link_that_opens_the_customers_pages(
    browser: Any, seeded: Seeded
) -> None:
    """The hotline's new link: issued without JavaScript, shown once on a page axe finds no
    serious violation on, and it logs the customer in."""
    page = log_in(browser, seeded, Role.ADMIN.value)
    page.goto(f"{seeded.console.url}/operator/customers/anna?lang=en")
    page.click("text=Issue a new login link")
    assert page.inner_text("h1") == "Login link for customer anna"
    link = page.input_value("#login_link")
    assert link.startswith(f"{seeded.console.url}/login?token=scl_")
    assert "scl_" not in page.url
    page.screenshot(path=SHOTS / "login-link-en.png", full_page=True)
    page.context.close()
    # A program manager may issue links too; a third admin login within the minute would
    # meet the console's per-account login limit (5 a minute) on a fast machine.
    checked = log_in(browser, seeded, Role.PROGRAM_MANAGER.value, script=True)
    checked.goto(f"{seeded.console.url}/operator/customers/anna?lang=de")
    checked.click("text=Neuen Anmeldelink ausstellen")
    assert checked.input_value("#login_link").startswith(f"{seeded.console.url}/login?token=")
    assert serious_violations(checked) == []
    checked.context.close()
    customer = browser.new_context(java_script_enabled=False).new_page()
    customer.goto(link)
    customer.click("button[type=submit]")
    assert "/me" in customer.url
    assert customer.inner_text("#customer") == "anna"
    customer.context.close()
