"""After `make demo`, the commands the demo prints — `selfcare serve --login-link anna` on
the demo's database, a real subprocess — print a one-time link with which a browser reaches
anna's bonus page (once: a second browser is told the link was used), as the README says,
and an operator account made as printed opens the console on the demo's programme."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.customer_pages import csrf_of
from tests.e2e.test_serve import serving

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
COMMAND = re.compile(r"SELFCARE_DATABASE_URL=(?P<url>\S+) selfcare serve (?P<args>.+)$", re.M)
CONSOLE = re.compile(r"SELFCARE_DATABASE_URL=\S+ selfcare (?P<args>operator create .+)$", re.M)
LINK = re.compile(r"customer pages of anna: open (?P<path>/login\?token=scl_\S+) \(one login")


def test_serve_prints_a_login_link_to_a_demo_customers_pages(tmp_path: Path) -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "selfcare",
            "demo",
            "--folder",
            "selfcare-demo",
            "--pilot-customers",
            "0",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"COLUMNS": "300"},
    ).stdout
    command = COMMAND.search(shown)
    assert command is not None, shown
    env = os.environ | {"SELFCARE_DATABASE_URL": command["url"]}
    account = CONSOLE.search(shown)
    assert account is not None, shown
    subprocess.run(
        [sys.executable, "-m", "selfcare", *account["args"].split(), "--password-stdin"],
        input="a long demo password\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    with serving(env, tmp_path, *command["args"].split()) as served:
        found = LINK.search(served.log.read_text())
        assert found is not None, served.log.read_text()
        with httpx.Client(base_url=served.url, timeout=30, headers={"Accept": "text/html"}) as http:
            parked = http.get(found["path"])
            confirm = http.get(parked.headers["location"])
            landed = http.post("/login", data={"csrf": csrf_of(confirm), "next": "/me"})
            bonus = http.get(landed.headers["location"], params={"lang": "en"})
            contacts = http.get("/me/contacts", params={"lang": "en"})
            login = http.get("/operator/login")
            operator = http.post(
                "/operator/login",
                data={"name": "demo", "password": "a long demo password", "csrf": csrf_of(login)},
            )
            programs = http.get("/operator/programs", params={"lang": "en"})
        with httpx.Client(base_url=served.url, timeout=30, headers={"Accept": "text/html"}) as http:
            reopened = http.get(found["path"])
            page = http.get(reopened.headers["location"])
            second = http.post("/login", data={"csrf": csrf_of(page), "next": "/me", "lang": "en"})
    assert parked.status_code == 303
    assert landed.headers["location"] == "/me"
    assert bonus.status_code == 200
    assert second.status_code == 401  # the link is spent: one login only
    assert "This login link was already used" in second.text
    assert '<span id="customer">anna</span>' in bonus.text
    assert "have reached you" in bonus.text
    assert "recognised by the agent" in contacts.text
    assert operator.status_code == 303, operator.text
    assert programs.status_code == 200
    assert "Online statt Hotline" in programs.text  # the demo's programme in the console
    assert "token=" not in served.log.read_text().split(found["path"], 1)[1]  # not logged again
