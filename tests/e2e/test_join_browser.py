"""Sign-up (`/join`) in Debian's Chromium, with JavaScript on and off: log in through the
page's own link, a mistyped code, someone else's code, then one's own; axe-core finds no
serious or critical violation on the page in any of its states, on a desktop and a phone.
Screenshots go to the test artefacts (`screenshots/join/`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.web.app import create_app
from tests.builders import make_program
from tests.e2e.artefacts import screenshot_dir
from tests.e2e.browser import needs_chromium
from tests.integration.api_fixtures import live_server
from tests.join_site import NOW, SECRET, Codes, issue_codes, login_token

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = [pytest.mark.e2e, needs_chromium]
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1100, "height": 900}
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Site:
    base: str
    app: App
    codes: Codes

    def link(self, customer_id: str, lang: str = "de") -> str:
        token = login_token(self.app, customer_id)
        return f"{self.base}/login?token={token}&next=/join&lang={lang}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("join")
    app = build(
        Settings(database_url=f"sqlite:///{folder / 'selfcare.db'}", invitation_secret=SECRET),
        program=make_program(),
        charging=FakeChargingClient(),
        clock=lambda: NOW,
    )
    try:
        codes = issue_codes(app)
        with live_server(create_app(app, credential_ttl_s=0)) as base:
            yield Site(base, app, codes)
    finally:
        app.close()


def shoot(page: Page, name: str) -> Path:
    path = screenshot_dir("join") / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in_from_the_page(page: Page, site: Site, customer_id: str) -> None:
    """Logged out, /join offers the login; the customer's link brings them back."""
    page.goto(f"{site.base}/join")
    assert page.locator("#join-login-first").is_visible()
    assert page.locator("#join-form").count() == 0
    page.goto(site.link(customer_id))
    page.click("#login-submit")
    page.wait_for_url("**/join*")


def type_code(page: Page, code: str) -> str:
    page.fill("#code", code)
    page.click("#join-submit")
    page.wait_for_url("**/join?*result=*")
    outcome = page.get_attribute("#join-result", "data-outcome")
    assert outcome is not None
    return outcome


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_sign_up_with_ones_own_code(site: Site, browser: Browser, js: bool) -> None:
    customer, own, other = ("anna", site.codes.anna, site.codes.ben)
    if not js:  # each run signs up a customer of its own (a code is used once)
        customer, own, other = ("ben", site.codes.ben, site.codes.anna)
    context = browser.new_context(java_script_enabled=js, viewport=DESKTOP, locale="de-DE")
    try:
        page = context.new_page()
        log_in_from_the_page(page, site, customer)
        assert page.locator("h1").inner_text() == "Teilnehmen"
        assert type_code(page, own[:-3]) == "mistyped"
        assert "Tippfehler" in page.inner_text("#join-message")
        assert page.get_attribute("#code", "aria-invalid") == "true"
        assert type_code(page, other) == "not_yours"
        assert "anderen Kundenkonto" in page.inner_text("#join-message")
        shoot(page, f"join-error-{'js' if js else 'nojs'}")
        assert type_code(page, own.lower()) == "accepted"
        assert page.inner_text("#join-message") == "Willkommen im Programm!"
        shoot(page, f"join-accepted-{'js' if js else 'nojs'}")
        page.click("#join-next")
        page.wait_for_url("**/me*")
    finally:
        context.close()


def test_the_page_switches_to_english(site: Site, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{site.base}/join")
        href = page.get_attribute("#other-language", "href")
        assert href == "/join?lang=en"
        page.click("#other-language")
        page.wait_for_url(f"**{href}")
        assert page.locator("h1").inner_text() == "Join"
        assert "Please log in first" in page.inner_text("#join-login-first")
    finally:
        context.close()


def _states(page: Page, site: Site, name: str) -> None:
    """Bring the page into the state `name` (logged out, form, error, expired code)."""
    if name == "logged-out":
        page.goto(f"{site.base}/join")
        return
    page.goto(site.link("carla"))
    page.click("#login-submit")
    page.wait_for_url("**/join*")
    if name == "error":
        type_code(page, "ABCD-EFGH")
    elif name == "expired":
        type_code(page, site.codes.expired)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_state_of_the_page_has_a_serious_or_critical_violation(
    site: Site, browser: Browser, viewport: ViewportSize
) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    found: dict[str, list[str]] = {}
    for name in ("logged-out", "form", "error", "expired"):
        context = browser.new_context(viewport=viewport, locale="de-DE")
        try:
            page = context.new_page()
            _states(page, site, name)
            size = "phone" if viewport is PHONE else "desktop"
            shoot(page, f"join-{name}-{size}")
            found[name] = _blocking(axe.run(page).response)
            width: int = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} scrolls sideways"
        finally:
            context.close()
    assert found == {name: [] for name in ("logged-out", "form", "error", "expired")}


def _blocking(response: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in response["violations"]
        if v.get("impact") in BLOCKING
    ]
