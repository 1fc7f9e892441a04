"""The table form of `selfcare speedcheck evaluate`: evidence first, then protocol and verdict.

Kept apart from the commands so they stay short; it prints the JSON document's fields, so
the table and `--format json` cannot tell different stories.
"""

from __future__ import annotations

from typing import Any

import typer

from selfcare.domain.speedcheck.models import Text

CABLE_HINT = Text(
    de="Haben Sie per LAN-Kabel gemessen, sagen Sie es mit --connection lan.",
    en="If you did measure by LAN cable, say so with --connection lan.",
)


EVIDENCE_LINES = {
    "regulator_desktop_app": Text(
        de="Nachweis: Messkampagne der Desktop-App der Bundesnetzagentur",
        en="Evidence: the Bundesnetzagentur's Desktop App measurement campaign",
    ),
    "indicative": Text(
        de="Nachweis: keiner – Browser-Test, nur ein Hinweis",
        en="Evidence: none – browser test, indicative only",
    ),
}


def print_verdict(doc: dict[str, Any], lang: str) -> None:
    typer.echo(doc["profile_label"])
    typer.echo(EVIDENCE_LINES[doc["evidence"]].get(lang))
    regulator = doc["regulator"]
    if regulator:
        typer.echo(
            f"  {regulator['provider']}, {regulator['tariff']}: "
            f"{regulator['campaign_start']} – {regulator['campaign_end']}"
        )
    valid = doc["protocol"]["valid"]
    typer.echo(f"{'Protokoll' if lang == 'de' else 'Protocol'}: {'OK' if valid else '✗'}")
    for problem in doc["protocol"]["explanations"]:
        typer.echo(f"  ✗ {problem['code']}: {problem['explanation']}")
    if "connection_not_lan" in doc["protocol"]["problems"]:
        typer.echo(f"  → {CABLE_HINT.get(lang)}")
    for note in doc["protocol"]["notes"]:
        typer.echo(f"  ! {note}")
    for name in ("download", "upload"):
        for criterion in doc[name]["criteria"]:
            mark = "✗" if criterion["failed"] else "✓"
            typer.echo(f"  {mark} {criterion['explanation']}")
    typer.echo(doc["explanation"])
    if regulator:
        for name in ("download", "upload"):
            mark = "=" if regulator[name]["agrees"] else "≠"
            typer.echo(f"  {mark} {regulator[name]['explanation']}")
        shown = {regulator[name]["explanation"] for name in ("download", "upload")}
        for text in regulator["disagreements"]:
            if text not in shown:
                typer.echo(f"  ≠ {text}")
    if doc["reduction"]:
        typer.echo(doc["reduction"]["explanation"])
