"""The Desktop App's protocol PDF: read exactly, judged independently, disagreements shown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selfcare.cli import app as root_app
from selfcare.domain.speedcheck.campaign import compare
from selfcare.domain.speedcheck.models import Connection, Evidence
from selfcare.domain.speedcheck.verdict import judge
from selfcare.errors import InvalidInput
from selfcare.speedcheck.adapters.desktop_app_pdf import load_campaign, parse_campaign
from tests.unit.speedcheck.campaign_pdf import campaign_pdf
from tests.unit.speedcheck.speedcheck_builders import CONTRACT, series

runner = CliRunner()


def evaluate(*args: str) -> Any:
    return runner.invoke(root_app, ["speedcheck", "evaluate", *args])


@pytest.fixture
def slow_line(tmp_path: Path) -> Path:
    """40 Mbit/s against 100/80/50 down; the regulator found a deviation down, none up."""
    return campaign_pdf(
        tmp_path / "Messprotokoll.pdf",
        series(down="40x10"),
        CONTRACT,
        download_found=True,
        upload_found=False,
    )


@pytest.fixture
def disputed(tmp_path: Path) -> Path:
    """Good measurements, yet the PDF states a deviation in the download."""
    return campaign_pdf(
        tmp_path / "disputed.pdf", series(), CONTRACT, download_found=True, upload_found=False
    )


def test_the_pdf_gives_provider_tariff_contract_dates_measurements_and_results(
    slow_line: Path,
) -> None:
    campaign = load_campaign(slow_line)
    assert campaign.provider == "Beispiel Telekom GmbH"
    assert campaign.tariff == "Zuhause L 100"
    assert campaign.issued_on == date(2025, 5, 20)
    assert (campaign.start, campaign.end) == (date(2025, 5, 12), date(2025, 5, 16))
    assert campaign.declared_count == 30
    assert campaign.contract.download == CONTRACT.download
    assert campaign.contract.upload == CONTRACT.upload
    expected = series(down="40x10")
    assert [m.measured_at for m in campaign.measurements] == [m.measured_at for m in expected]
    assert {m.download_kbps for m in campaign.measurements} == {40_000}
    assert {m.upload_kbps for m in campaign.measurements} == {38_000}
    assert {m.connection for m in campaign.measurements} == {Connection.LAN}
    assert (campaign.download_found, campaign.upload_found) == (True, False)


def test_a_campaign_that_agrees_proves_the_deviation(slow_line: Path) -> None:
    result = evaluate(str(slow_line), "--price-cents", "4000", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["evidence"] == "regulator_desktop_app"
    assert doc["protocol"]["valid"] is True
    assert doc["deviation"] is True
    assert doc["explanation"].startswith("Deviation proven (Desktop App measurement campaign)")
    regulator = doc["regulator"]
    assert regulator["provider"] == "Beispiel Telekom GmbH"
    assert regulator["campaign_start"] == "2025-05-12"
    assert regulator["download"]["regulator_deviation"] is True
    assert regulator["download"]["selfcare_deviation"] is True
    assert regulator["upload"]["agrees"] is True
    assert regulator["agrees"] is True
    assert regulator["disagreements"] == []
    assert doc["reduction"]["upper_bound"] is True


def test_a_regulator_result_that_the_measurements_do_not_bear_out_is_shown(
    disputed: Path,
) -> None:
    doc = json.loads(evaluate(str(disputed), "--format", "json").stdout)
    assert doc["deviation"] is False
    regulator = doc["regulator"]
    assert regulator["agrees"] is False
    assert regulator["download"] == {
        "regulator_deviation": True,
        "selfcare_deviation": False,
        "agrees": False,
        "explanation": "Download: the Bundesnetzagentur found a deviation, but selfcare finds "
        "no deviation in the same measurements. The Bundesnetzagentur's protocol is what "
        "counts; check the contract figures and ask the Bundesnetzagentur if in doubt.",
    }
    assert regulator["disagreements"] == [regulator["download"]["explanation"]]


def test_the_disagreement_is_shown_in_the_table_in_german(disputed: Path) -> None:
    result = evaluate(str(disputed), "--lang", "de")
    assert result.exit_code == 0, result.output
    assert "Nachweis: Messkampagne der Desktop-App der Bundesnetzagentur" in result.stdout
    assert "Beispiel Telekom GmbH, Zuhause L 100: 2025-05-12 – 2025-05-16" in result.stdout
    assert (
        "≠ Download: Die Bundesnetzagentur hat eine Abweichung festgestellt, selfcare findet "
        "mit denselben Messungen aber keine Abweichung." in result.stdout
    )
    assert "= Upload: Die Bundesnetzagentur hat keine Abweichung festgestellt" in result.stdout


def test_options_override_the_pdfs_contract_and_say_so(slow_line: Path) -> None:
    doc = json.loads(
        evaluate(
            str(slow_line), "--download", "44/40/30", "--upload", "40/30/20", "--format", "json"
        ).stdout
    )
    assert doc["download"]["failed_criteria"] == []
    assert doc["regulator"]["disagreements"][-1] == (
        "The check used contract figures other than those in the protocol PDF."
    )


def test_a_declared_count_other_than_the_rows_read_is_a_disagreement(tmp_path: Path) -> None:
    path = campaign_pdf(
        tmp_path / "p.pdf", series(), CONTRACT, download_found=False, upload_found=False,
        declared=31,
    )  # fmt: skip
    campaign = load_campaign(path)
    verdict = judge(
        list(campaign.measurements), campaign.contract, evidence=Evidence.REGULATOR_DESKTOP_APP
    )
    comparison = compare(campaign, verdict)
    assert [t.en for t in comparison.disagreements] == [
        "The protocol PDF states 31 measurements, 30 were read."
    ]


def test_results_worded_with_keine_and_unstated_results_are_read() -> None:
    head = (
        "Messprotokoll der Breitbandmessung vom 20.05.2025\nMaximal: 100,00 Mbit/s\n"
        "Maximal: 40,00 Mbit/s\nNormalerweise: 80,00 Mbit/s\nNormalerweise: 30,00 Mbit/s\n"
        "Minimal: 50,00 Mbit/s\nMinimal: 20,00 Mbit/s\n"
    )
    tables = (
        "Messungen im Download\n1 12.05.2025 08:00 95,00 Mbit/s\n"
        "Messungen im Upload\n1 12.05.2025 08:00 38,00 Mbit/s\n"
    )
    text = (
        head
        + "Ergebnis der Messkampagne im Download\nEs wurde keine Abweichung\n"
        + ("festgestellt.\n" + tables)
    )
    campaign = parse_campaign(text)
    assert (campaign.download_found, campaign.upload_found) == (False, None)
    assert campaign.provider is None
    assert len(campaign.measurements) == 1


def test_a_pdf_that_is_not_a_protocol_exits_2_naming_it(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 10, "Rechnung Mai 2025")
    path = tmp_path / "rechnung.pdf"
    pdf.output(str(path))
    result = evaluate(str(path))
    assert result.exit_code == 2
    assert "rechnung.pdf: not a Desktop App protocol" in result.stderr


def test_a_broken_pdf_is_refused_as_input(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(InvalidInput, match=r"broken\.pdf"):
        load_campaign(path)


def test_the_example_protocol_pdf_is_the_example_series_and_agrees() -> None:
    examples = Path(__file__).resolve().parents[3] / "examples" / "speedcheck"
    campaign = load_campaign(examples / "Messprotokoll_Breitbandmessung.pdf")
    verdict = judge(
        list(campaign.measurements), campaign.contract, evidence=Evidence.REGULATOR_DESKTOP_APP
    )
    assert len(campaign.measurements) == 30
    assert verdict.deviation
    assert verdict.download.failed_criteria == ["max", "normal", "min"]
    assert compare(campaign, verdict).agrees
