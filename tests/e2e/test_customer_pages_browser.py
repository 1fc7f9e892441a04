"""The customer pages in Debian's Chromium: my bonus, my contacts and the call checker,
each with JavaScript on and off; axe-core on every page (no serious or critical
violation); screenshots of every page kept as test artefacts.

One server (a fresh SQLite database with two customers' stories and a fixed clock) and
one browser serve the whole module; each test opens its own browser context (cookies,
JavaScript setting). Screenshots go to `SELFCARE_ARTEFACTS` (default `test-artefacts/`,
ignored by git), under `screenshots/customer/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from selfcare.auth.service import create_login_link
from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.web.app import create_app
from tests.builders import make_program
from tests.customer_pages import ALPHA, BETA, tell_stories
from tests.e2e.artefacts import screenshot_dir
from tests.e2e.browser import needs_chromium
from tests.integration.api_fixtures import live_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

pytestmark = [pytest.mark.e2e, needs_chromium]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1100, "height": 900}
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Site:
    base: str
    app: App

    def link(self, customer_id: str, next_page: str = "/me", lang: str = "de") -> str:
        """A one-time login link as `selfcare serve --login-link` prints it."""
        token = create_login_link(uow=self.app.uow, customer_id=customer_id).token
        return f"{self.base}/login?token={token}&next={next_page}&lang={lang}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("customer-pages")
    app = build(
        Settings(database_url=f"sqlite:///{folder / 'selfcare.db'}"),
        program=make_program(),
        charging=FakeChargingClient(),
        clock=lambda: NOW,
    )
    try:
        tell_stories(app)
        with live_server(create_app(app, credential_ttl_s=0)) as base:
            yield Site(base, app)
    finally:
        app.close()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def js(request: pytest.FixtureRequest) -> bool:
    """Every customer flow runs with JavaScript on and off: the pages must not need it."""
    enabled: bool = request.param
    return enabled


@pytest.fixture
def context(browser: Browser, js: bool) -> Iterator[BrowserContext]:
    opened = browser.new_context(java_script_enabled=js, viewport=DESKTOP)
    try:
        yield opened
    finally:
        opened.close()


def shoot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact."""
    path = screenshot_dir("customer") / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, site: Site, customer_id: str, next_page: str, lang: str = "de") -> None:
    """Open the login link, then confirm with the button (a link alone logs no one in)."""
    page.goto(site.link(customer_id, next_page, lang))
    assert page.locator("#login-link").is_visible()
    page.click("#login-submit")
    page.wait_for_url(f"**{next_page}*")


def test_my_bonus(site: Site, context: BrowserContext, js: bool) -> None:
    page = context.new_page()
    page.goto(f"{site.base}/me")
    assert "/login?next=%2Fme" in page.url  # logged out: the login explanation
    assert page.locator("#login-why").is_visible()
    log_in(page, site, ALPHA, "/me")
    assert page.locator("h1").inner_text() == "Mein Bonus"
    assert page.get_attribute("#reward-portal_registration", "data-state") == "earned"
    assert page.get_attribute("#reward-online_bill_video", "data-state") == "open"
    assert page.get_attribute("#window", "data-status") == "running"
    assert "5 von 9 Monaten geschafft (55 %)." in page.inner_text("#window-done")
    assert "ist am 02.07.2026 vollständig" in page.inner_text("#window")
    assert page.inner_text("#volume-received") == "1.200 MB sind bei Ihnen angekommen."
    assert page.locator("nav a[aria-current=page]").inner_text() == "Mein Bonus"
    page.click("#other-language")
    assert page.locator("h1").inner_text() == "My bonus"
    shoot(page, f"me-en-{_label(js)}")


def test_my_contacts(site: Site, context: BrowserContext, js: bool) -> None:
    page = context.new_page()
    log_in(page, site, ALPHA, "/me")
    page.click("nav >> text=Meine Kontakte")
    page.wait_for_url("**/me/contacts*")
    first, second = page.locator("#contacts > li").all()
    assert first.get_attribute("data-counts") == "true"
    assert "Dieser Anruf hat Ihren Zeitraum ohne Hotline-Anruf neu gestartet." in (
        first.inner_text()
    )
    assert second.locator(".sentence").inner_text() == (
        "Zählte nicht: Vertragsverlängerung, erkannt am Grundcode VVL des Mitarbeiters."
    )
    shoot(page, f"contacts-de-{_label(js)}")


def test_the_call_checker_logged_out_and_in(site: Site, context: BrowserContext, js: bool) -> None:
    page = context.new_page()
    page.goto(f"{site.base}/check?lang=en")
    page.fill("#concern", "My bill is too high")
    page.click("#check-submit")
    page.wait_for_url("**/check?asked=1&lang=en")
    assert page.get_attribute("#result", "data-counts") == "true"
    assert page.inner_text("#verdict") == "A call about this would count."
    assert page.locator("#links a").first.get_attribute("href") == (
        "https://kundenportal.example/rechnung"
    )
    shoot(page, f"check-en-{_label(js)}")
    page.fill("#concern", "Mein Internet ist so langsam")
    page.click("#check-submit")
    page.wait_for_url("**/check?asked=1&lang=en")
    assert page.get_attribute("#result", "data-counts") == "false"
    assert page.get_attribute("#speed-link", "href") == "/speedtest/series?lang=en"
    log_in(page, site, BETA, "/check", lang="en")
    page.fill("#concern", "Frage zum Tarif")
    page.click("#check-submit")
    page.wait_for_url("**/check?asked=1*")
    assert "It would restart your period without a hotline call" in page.inner_text("#result")


def test_a_login_link_works_once(
    site: Site, browser: Browser, context: BrowserContext, js: bool
) -> None:
    """A second browser confirming the same link reads that it was used, on an accessible
    page that offers the access code field instead; it is not logged in."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    link = site.link(ALPHA, "/me", "en")
    first = context.new_page()
    first.goto(link)
    first.click("#login-submit")
    first.wait_for_url("**/me*")
    other = browser.new_context(java_script_enabled=js, viewport=DESKTOP)
    try:
        page = other.new_page()
        page.goto(link)
        page.click("#login-submit")
        page.wait_for_load_state()
        error = page.inner_text("#login-error")
        assert error.startswith("This login link was already used; it works for one login")
        assert page.locator("#token").is_visible()
        shoot(page, f"login-link-used-en-{_label(js)}")
        if js:  # axe runs as a script in the page: only where scripts may run
            assert _blocking(axe.run(page).response) == []
        page.goto(f"{site.base}/me")
        assert "/login?next=%2Fme" in page.url
    finally:
        other.close()


def test_the_skip_link_and_navigation_work_by_keyboard(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{site.base}/check")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        page.focus("#concern")
        page.keyboard.type("Kündigung")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/check?asked=1*")
        assert page.get_attribute("#result", "data-counts") == "false"
    finally:
        context.close()


# Every customer page, grouped by who is logged in (one login per group): name and path.
PAGES: dict[str | None, list[tuple[str, str]]] = {
    None: [("login", "/login?next=%2Fme"), ("check", "/check")],
    ALPHA: [
        ("me", "/me"),
        ("contacts", "/me/contacts"),
        ("check-answer", "/check"),
        ("speedtest", "/speedtest/series"),
    ],
    BETA: [("me-refused-top-up", "/me")],
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_page_has_a_serious_or_critical_accessibility_violation(
    site: Site, browser: Browser, viewport: ViewportSize
) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    size = "phone" if viewport is PHONE else "desktop"
    found: dict[str, list[str]] = {}
    for customer_id, pages in PAGES.items():
        context = browser.new_context(viewport=viewport, locale="de-DE")
        try:
            page = context.new_page()
            if customer_id is not None:
                log_in(page, site, customer_id, "/me")
            for name, path in pages:
                page.goto(f"{site.base}{path}")
                if name == "check-answer":
                    page.fill("#concern", "Ich möchte meinen Vertrag verlängern")
                    page.click("#check-submit")
                    page.wait_for_url("**/check?asked=1*")
                shoot(page, f"{name}-{size}")
                found[name] = _blocking(axe.run(page).response)
                if viewport is PHONE:
                    assert _fits_width(page), f"{name} scrolls sideways on a phone"
        finally:
            context.close()
    assert found == {name: [] for pages in PAGES.values() for name, _ in pages}


def test_the_accessibility_check_does_find_violations(browser: Browser) -> None:
    """The check above is not empty by construction: on a page with an unlabelled field
    and an image without text, axe reports them as blocking."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><title>t</title><main><img src="x.png">'
            '<input type="text"></main></html>'
        )
        found = _blocking(axe.run(page).response)
    finally:
        context.close()
    assert {line.split(" ")[0] for line in found} >= {"image-alt", "label"}


def _blocking(response: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in response["violations"]
        if v.get("impact") in BLOCKING
    ]


def _fits_width(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"] if page.viewport_size else True


def _label(js: bool) -> str:
    return "js" if js else "nojs"
