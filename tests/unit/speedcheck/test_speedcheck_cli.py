"""`selfcare speedcheck …` on the real-format examples: the JSON contract and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fritzconnection.core.exceptions import FritzSecurityError
from typer.testing import CliRunner

from selfcare.cli import app as root_app
from selfcare.cli import speedcheck
from selfcare.speedcheck.adapters.fritzbox import RouterSettings

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "speedcheck"
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(root_app, ["speedcheck", *args])


def test_the_browser_test_folder_is_indicative_and_its_unknown_connection_is_not_lan() -> None:
    result = run(
        "evaluate", str(EXAMPLES / "series"),
        "--download", "100/90/60", "--upload", "40/35/20",
        "--price-cents", "3995", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["evidence"] == "indicative"
    assert doc["protocol"]["problems"] == ["connection_not_lan"]
    assert doc["protocol"]["measurements"] == 30
    assert doc["protocol"]["days"] == ["2025-05-13", "2025-05-15", "2025-05-17"]
    assert doc["download"]["failed_criteria"] == ["max", "normal", "min"]
    assert doc["upload"]["failed_criteria"] == []
    assert doc["deviation"] is False
    assert doc["indicative_deviation"] is True
    assert doc["regulator"] is None
    assert doc["reduction"]["binding"] is False
    assert doc["reduction"]["upper_bound"] is True
    assert doc["reduction"]["estimate_cents"] == doc["download"]["reduction_cents"]
    # The one good morning on 15 May (91.37) keeps that day out of the max criterion.
    assert doc["download"]["criteria"][0]["failing_days"] == ["2025-05-13", "2025-05-17"]


def test_a_browser_test_by_cable_follows_the_protocol_and_still_proves_nothing() -> None:
    result = run(
        "evaluate", str(EXAMPLES / "series"), "--download", "100/90/60",
        "--upload", "40/35/20", "--connection", "lan", "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["protocol"]["valid"] is True
    assert doc["evidence"] == "indicative"
    assert doc["deviation"] is False
    assert doc["explanation"].startswith("The measurements suggest a deviation")
    assert "Desktop App" in doc["explanation"]


def test_evaluate_reads_the_concatenated_example_the_same_way() -> None:
    args = ["--download", "100/90/60", "--upload", "40/35/20", "--format", "json"]
    folder = json.loads(run("evaluate", str(EXAMPLES / "series"), *args).stdout)
    joined = json.loads(run("evaluate", str(EXAMPLES / "concatenated.csv"), *args).stdout)
    assert folder["download"] == joined["download"]


def test_evaluate_as_a_table_in_german_says_how_to_get_evidence() -> None:
    result = run(
        "evaluate", str(EXAMPLES / "series"),
        "--download", "100/90/60", "--upload", "40/35/20", "--lang", "de",
    )  # fmt: skip
    assert result.exit_code == 0
    assert "Nachweis: keiner – Browser-Test, nur ein Hinweis" in result.stdout
    assert "Protokoll: ✗" in result.stdout
    assert "✗ connection_not_lan: Bei 30 Messung(en) ist nicht vermerkt" in result.stdout
    assert "→ Haben Sie per LAN-Kabel gemessen, sagen Sie es mit --connection lan." in (
        result.stdout
    )
    assert "Die Messungen deuten auf eine Abweichung hin (Download (max, normal, min))" in (
        result.stdout
    )
    assert "nachgewiesen" not in result.stdout
    assert "Desktop-App" in result.stdout


def test_browser_measurements_need_the_contract_figures() -> None:
    result = run("evaluate", str(EXAMPLES / "series"), "--upload", "40/35/20")
    assert result.exit_code == 2
    assert result.stderr.startswith("--download: needed for browser-test measurements")


def test_decimal_contract_speeds_are_accepted() -> None:
    result = run(
        "evaluate", str(EXAMPLES / "series"),
        "--download", "16,666/14.5/8", "--upload", "2.4/1.8/1", "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["download"]["contract_kbps"] == {"max": 16_666, "normal": 14_500, "min": 8_000}


def test_the_mobile_draft_takes_one_estimated_maximum_and_an_area() -> None:
    result = run(
        "evaluate", str(EXAMPLES / "series"), "--profile", "mobile-draft", "--area", "rural",
        "--download", "300", "--upload", "50", "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["profile"] == "mobile-draft"
    assert "DRAFT" in doc["profile_label"]
    assert doc["protocol"]["problems"] == ["wrong_day_count", "wrong_per_day_count"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--download", "100/90", "--upload", "40/35/20"],
            "--download: '100/90' is not MAX/NORMAL/MIN",
        ),
        (
            ["--download", "100/120/60", "--upload", "40/35/20"],
            "--download: contracted speeds must satisfy",
        ),
        (["--download", "100/90/6O", "--upload", "40/35/20"], "--download: '6O' is not a speed"),
        (
            ["--download", "100", "--upload", "40", "--profile", "mobile-draft"],
            "--area: the mobile draft needs",
        ),
    ],
)
def test_bad_contract_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run("evaluate", str(EXAMPLES / "series"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_a_file_that_is_not_an_export_exits_2_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("hello;world\n", encoding="utf-8")
    result = run("evaluate", str(bad), "--download", "100/90/60", "--upload", "40/35/20")
    assert result.exit_code == 2
    assert "notes.csv:1: not a Breitbandmessung CSV export" in result.stderr


class FakeFritz:
    def __init__(self, answer: dict[str, Any] | Exception) -> None:
        self.answer = answer

    def call_action(self, service_name: str, action_name: str) -> dict[str, Any]:
        del service_name, action_name
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_router_explains_sync_against_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    info = {"NewDownstreamCurrRate": 99_190, "NewUpstreamCurrRate": 40_000,
            "NewDownstreamMaxRate": 120_000, "NewUpstreamMaxRate": 45_000}  # fmt: skip
    seen: list[RouterSettings] = []

    def factory(settings: RouterSettings) -> FakeFritz:
        seen.append(settings)
        return FakeFritz(info)

    monkeypatch.setattr(speedcheck, "ROUTER_FACTORY", factory)
    monkeypatch.setenv("SELFCARE_FRITZ_ADDRESS", "10.1.1.1")
    result = run("router", "--user", "anna", "--download", "100/90/60", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["link"] == "vdsl2"
    assert doc["achievable_kbps"]["ipv4"]["download"] == 92_160
    assert seen == [RouterSettings("10.1.1.1", "anna", None)]
    assert len(doc["explanation"]) == 3


def test_a_router_pitfall_exits_2_with_its_code_and_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        speedcheck, "ROUTER_FACTORY", lambda _: FakeFritz(FritzSecurityError("errorCode: 606"))
    )
    result = run("router", "--lang", "de")
    assert result.exit_code == 2
    assert result.stderr.startswith("not_authorized: Fehler 606:")
    assert result.stderr.count("\n") == 1


ROOT = Path(__file__).resolve().parents[3]
UNREACHABLE_SCRIPT = """
import socket, sys
from fritzconnection import FritzConnection
from selfcare.cli import main, speedcheck
from selfcare.speedcheck.adapters.fritzbox import FritzBox
probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
speedcheck.ROUTER_FACTORY = lambda settings: FritzBox(
    settings, factory=lambda **kw: FritzConnection(port=port, **kw)
)
sys.argv = ["selfcare", "speedcheck", "router", "--address", "127.0.0.1"]
main()
"""


def test_an_unreachable_real_fritzconnection_prints_one_line_with_the_address_hint() -> None:
    """The real library against a closed loopback port: its own ERROR log stays silent and
    the wrapped FritzConnectionException reads as `unreachable`, once, with the address."""
    done = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "unreachable: The FRITZ!Box at 127.0.0.1 does not answer. Check the address "
        "(--address or SELFCARE_FRITZ_ADDRESS, usually 192.168.178.1 or fritz.box) and that "
        "this computer is in the box's home network.\n"
    )


def test_diagnose_on_the_lan_and_wlan_example_names_the_wlan() -> None:
    result = run(
        "diagnose", str(EXAMPLES / "lan-vs-wlan.jsonl"),
        "--download", "16/12/8", "--sync-kbps", "16960", "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["bottleneck"] == "wlan"
    assert [a["action"] for a in doc["actions"]] == ["measure_by_cable", "move_or_add_access_point"]


def test_evidence_writes_a_printable_page_for_the_example(tmp_path: Path) -> None:
    out = tmp_path / "nachweis.html"
    result = run(
        "evidence", str(EXAMPLES / "series"), "--download", "100/90/60", "--upload", "40/35/20",
        "--price-cents", "3995", "--customer", "K-4711", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"{out}: Die Messungen deuten auf eine Abweichung hin (Download (max, normal, min))"
    )
    html = out.read_text(encoding="utf-8")
    assert "Kunde: K-4711" in html
    assert "Alle Messungen (30)" in html
    assert "≈ 10,16 € pro Monat" in html
