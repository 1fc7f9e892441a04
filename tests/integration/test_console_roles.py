"""Every console route refuses a role below it, and every console form a missing or
foreign CSRF token — over HTTP on loopback, against one seeded console (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from selfcare.domain.operators import Role
from tests.integration.console_data import BUNDLED, CHANGED, PROGRAM_ID, Seeded, served_console
from tests.integration.console_fixtures import form_csrf

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    needs: Role
    form: dict[str, str] | None = None  # the fields of a valid submission (without csrf)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROW = "{row}"  # replaced by a quarantined row's id per test
ROUTES = [
    Route("GET", "/operator", Role.VIEWER),
    Route("GET", "/operator/programs", Role.VIEWER),
    Route("GET", f"/operator/programs/{PROGRAM_ID}/versions/2", Role.VIEWER),
    Route("GET", f"/operator/programs/{PROGRAM_ID}/diff?from=1&to=2", Role.VIEWER),
    Route("GET", "/operator/pilot", Role.VIEWER),
    Route("GET", "/operator/operations", Role.VIEWER),
    Route("GET", f"/operator/operations/quarantine/{ROW}", Role.VIEWER),
    Route("GET", "/operator/operations/reconciliation", Role.VIEWER),
    Route("GET", "/operator/customers", Role.VIEWER),
    Route("GET", "/operator/customers/anna", Role.VIEWER),
    Route("GET", "/operator/audit", Role.ADMIN),
    Route("GET", "/operator/customers/anna/login-link/no-such-token", Role.PROGRAM_MANAGER),
    Route("POST", "/operator/programs/publish", Role.PROGRAM_MANAGER, {"program_text": "x"}),
    Route("POST", f"/operator/operations/quarantine/{ROW}/replay", Role.ADMIN, {}),
    Route("POST", "/operator/operations/resend", Role.ADMIN, {}),
    Route("POST", "/operator/customers/anna/login-link", Role.PROGRAM_MANAGER, {}),
]
FORMS = [r for r in ROUTES if r.form is not None]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    tmp: Path = tmp_path_factory.mktemp("console")
    yield from served_console(tmp)


class Rows:
    """Hands each test its own quarantined row, so a replay never takes another's."""

    def __init__(self, seeded: Seeded) -> None:
        self.free = list(seeded.quarantined)

    def path(self, route: Route) -> str:
        return route.path.replace(ROW, str(self.free.pop())) if ROW in route.path else route.path


@pytest.fixture(scope="module")
def rows(seeded: Seeded) -> Rows:
    return Rows(seeded)


def _send(seeded: Seeded, role: Role | None, route: Route, path: str, csrf: str) -> int:
    http = seeded.clients[role]
    if route.method == "GET":
        return http.get(path).status_code
    data = {**(route.form or {}), "csrf": csrf}
    return http.post(path, data=data).status_code


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_route_refuses_every_role_below_it(
    seeded: Seeded, rows: Rows, route: Route, role: Role | None
) -> None:
    path = rows.path(route)
    csrf = form_csrf(seeded.clients[role].get("/operator")) if role else ""
    status = _send(seeded, role, route, path, csrf)
    if role is None:
        assert status == (303 if route.method == "GET" else 401)
    elif not role.allows(route.needs):
        assert status == 403
    else:
        assert status in {200, 303, 422}  # 422: the publish form's "x" is no programme


@pytest.mark.parametrize("route", FORMS, ids=str)
@pytest.mark.parametrize("token", ["missing", "foreign", "cross-site"])
def test_a_form_refuses_a_missing_or_foreign_csrf_token(
    seeded: Seeded, rows: Rows, route: Route, token: str
) -> None:
    path = rows.path(route)
    admin = seeded.clients[Role.ADMIN]
    own = form_csrf(admin.get("/operator"))
    other = form_csrf(seeded.clients[Role.VIEWER].get("/operator"))
    before = seeded.console.app.uow  # the state a refused form must leave unchanged
    with before(read_only=True) as work:
        audit_before = work.console.audit_count()
        quarantined_before = work.quarantine.count()
    data = {**(route.form or {}), "csrf": {"missing": "", "foreign": other}.get(token, own)}
    headers = {"Origin": "https://evil.example"} if token == "cross-site" else {}
    answer = admin.post(path, data=data, headers=headers)
    assert answer.status_code == 403
    assert "Formular abgelehnt" in answer.text
    with before(read_only=True) as work:
        assert work.console.audit_count() == audit_before
        assert work.quarantine.count() == quarantined_before


def test_a_program_manager_publishes_an_uploaded_file_and_sees_the_diff(seeded: Seeded) -> None:
    http = seeded.clients[Role.PROGRAM_MANAGER]
    page = http.get("/operator/programs?lang=en")
    assert "Audit" not in page.text.split("<main")[0]  # the nav offers only what the role may
    changed = CHANGED.replace("amount_mb = 1800", "amount_mb = 2000", 1)
    answer = http.post(
        "/operator/programs/publish?lang=en",
        data={"csrf": form_csrf(page), "note": "streak 2000"},
        files={"program_file": ("program.toml", changed.encode(), "application/toml")},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/operator/programs?lang=en&published=3"
    listed = http.get(answer.headers["location"]).text
    # the fixture's service runs a program it was handed, so publishing does not replace it
    assert "Published version 3 of online-statt-hotline. The service runs a fixed" in listed
    assert "streak 2000" in listed
    diff = http.get(f"/operator/programs/{PROGRAM_ID}/diff?from=2&to=3&lang=en").text
    assert "<del>" in diff
    assert "2,000 MB" in diff or "2.000 MB" in diff


def test_an_invalid_programme_is_shown_back_with_its_problems(seeded: Seeded) -> None:
    http = seeded.clients[Role.ADMIN]
    page = http.get("/operator/programs?lang=en")
    broken = BUNDLED.replace('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"')
    answer = http.post(
        "/operator/programs/publish?lang=en",
        data={"csrf": form_csrf(page), "program_text": broken},
    )
    assert answer.status_code == 422
    assert "unknown time zone" in answer.text
    assert "Mars/Olympus" in answer.text  # the text stays in the form to be fixed
    assert 'href="/operator/programs?lang=de"' in answer.text  # the switch leads to a page


def test_the_pilot_page_says_it_is_not_set_up_and_reconciliation_counts(seeded: Seeded) -> None:
    http = seeded.clients[Role.VIEWER]
    assert "Der Pilot ist noch nicht eingerichtet." in http.get("/operator/pilot").text
    page = http.get("/operator/operations/reconciliation?lang=en").text
    # the seeded grant is still in the outbox: the charging system has not applied it
    assert "1 difference(s) in 1 grants and 0 top-ups." in page
    assert "anna" in page


def test_the_customer_lookup_shows_the_timeline_with_verdicts_and_versions(
    seeded: Seeded,
) -> None:
    http = seeded.clients[Role.VIEWER]
    found = http.get("/operator/customers?customer_id=anna&lang=en")
    assert found.status_code == 303
    page = http.get(found.headers["location"]).text
    assert "does not count</strong>" in page  # the VVL call: contract extension
    assert "portal_registration: 600 MB" in page
    assert "<td>1</td>" in page  # the grant was made by version 1
    missing = http.get("/operator/customers/nobody?lang=en")
    assert missing.status_code == 404
    assert "Nothing is stored for customer nobody." in missing.text


def test_the_overview_counts_what_waits_for_someone(seeded: Seeded) -> None:
    glance = seeded.clients[Role.VIEWER].get("/operator?lang=en").text
    assert "Open top-ups: 1" in glance
    assert "Rejected top-ups: 0" in glance
    assert f"Published versions of {PROGRAM_ID}:" in glance
    assert "Rows in quarantine:" in glance
