"""After `make demo`, `selfcare serve --login-link anna` (a real subprocess on the demo's
database) prints a link with which a browser reaches anna's bonus page, as the README says."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from selfcare.demo.story import run_demo
from tests.customer_pages import csrf_of
from tests.e2e.test_serve import serving

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
LINK = re.compile(r"customer pages of anna: open (?P<path>/login\?token=sct_\S+) \(valid until")


def test_serve_prints_a_login_link_to_a_demo_customers_pages(tmp_path: Path) -> None:
    demo = tmp_path / "selfcare-demo"
    run_demo(demo)
    env = os.environ | {"SELFCARE_DATABASE_URL": f"sqlite:///{demo / 'selfcare.db'}"}
    with serving(env, tmp_path, "--no-relay", "--login-link", "anna") as served:
        found = LINK.search(served.log.read_text())
        assert found is not None, served.log.read_text()
        with httpx.Client(base_url=served.url, timeout=30, headers={"Accept": "text/html"}) as http:
            parked = http.get(found["path"])
            confirm = http.get(parked.headers["location"])
            landed = http.post("/login", data={"csrf": csrf_of(confirm), "next": "/me"})
            bonus = http.get(landed.headers["location"], params={"lang": "en"})
            contacts = http.get("/me/contacts", params={"lang": "en"})
    assert parked.status_code == 303
    assert landed.headers["location"] == "/me"
    assert bonus.status_code == 200
    assert '<span id="customer">anna</span>' in bonus.text
    assert "have reached you" in bonus.text
    assert "recognised by the agent" in contacts.text
    assert "token=" not in served.log.read_text().split(found["path"], 1)[1]  # not logged again
