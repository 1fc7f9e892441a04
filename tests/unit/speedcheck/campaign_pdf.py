"""Desktop App protocol PDFs for tests, written with fpdf2 in the layout of DOMAIN.md §4.

Page 1 holds the campaign and the contract (download column first, then upload), page 2
the regulator's result per direction, pages 3 and 4 the measurements per direction, one
text line per row (`1 29.01.2025 15:22 883,29 Mbit/s`), as pypdf extracts the real ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from selfcare.domain.speedcheck.models import BERLIN, Contract, Measurement


def _mbit(kbps: int) -> str:
    whole, rest = divmod(kbps, 1000)
    return f"{whole},{rest // 10:02d} Mbit/s"


def _found(found: bool, direction: str) -> str:
    outcome = "festgestellt" if found else "nicht festgestellt"
    return (
        "Eine erhebliche, kontinuierliche oder regelmäßig wiederkehrende Abweichung der "
        f"Geschwindigkeit im {direction} wurde {outcome}."
    )


def campaign_pdf(
    path: Path,
    measurements: Sequence[Measurement],
    contract: Contract,
    *,
    download_found: bool,
    upload_found: bool,
    provider: str = "Beispiel Telekom GmbH",
    tariff: str = "Zuhause L 100",
    declared: int | None = None,
) -> Path:
    """Write the protocol PDF of a campaign; the stated results are whatever is given."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    days = sorted(m.measured_at.astimezone(BERLIN).date() for m in measurements)
    lines = [
        "Messprotokoll der Breitbandmessung vom 20.05.2025",
        f"Anbieter: {provider}",
        f"Tarifname: {tariff}",
        f"Anzahl Messungen: {len(measurements) if declared is None else declared}",
        f"Start Messkampagne: {days[0]:%d.%m.%Y}",
        f"Ende Messkampagne: {days[-1]:%d.%m.%Y}",
        "Vertraglich vereinbarte Geschwindigkeiten",
    ]
    for name, tier in (("Download", contract.download), ("Upload", contract.upload)):
        lines += [
            name,
            f"Maximal: {_mbit(tier.max_kbps)}",
            f"Normalerweise: {_mbit(tier.normal_kbps)}",
            f"Minimal: {_mbit(tier.min_kbps)}",
        ]
    _page(pdf, lines)
    _page(
        pdf,
        [
            "Ergebnis der Messkampagne im Download",
            _found(download_found, "Download"),
            "Ergebnis der Messkampagne im Upload",
            _found(upload_found, "Upload"),
        ],
    )
    for name in ("Download", "Upload"):
        rows = [
            f"{n} {m.measured_at.astimezone(BERLIN):%d.%m.%Y %H:%M} "
            f"{_mbit(m.download_kbps if name == 'Download' else m.upload_kbps)}"
            for n, m in enumerate(measurements, start=1)
        ]
        _page(pdf, [f"Messungen im {name}", "Nr. Datum Uhrzeit Geschwindigkeit", *rows])
    pdf.output(str(path))
    return path


def _page(pdf: FPDF, lines: Sequence[str]) -> None:
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
