"""`selfcare speedcheck`: judge a measurement series, read the router, find the bottleneck."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import Lang, OutputFormat, emit_json, fail
from selfcare.domain.speedcheck.diagnosis import action_text, diagnose
from selfcare.domain.speedcheck.models import Connection, Contract, LineRates, SpeedTier, parse_mbit
from selfcare.domain.speedcheck.overhead import IPVersion, LinkType, guess_link
from selfcare.domain.speedcheck.protocol import ProfileName, rules_for
from selfcare.domain.speedcheck.report import diagnosis_to_json, rates_to_json, verdict_to_json
from selfcare.domain.speedcheck.verdict import Area, Verdict, judge
from selfcare.errors import SelfcareError
from selfcare.speedcheck.adapters.fritzbox import (
    ActionCaller,
    FritzBox,
    RouterProblem,
    RouterSettings,
    read_line,
)
from selfcare.speedcheck.adapters.importers import load_measurements
from selfcare.speedcheck.evidence import render_evidence

app = typer.Typer(no_args_is_help=True, help="Speed check by the regulator's rules.")

# Tests replace this with a fake box; the real one talks TR-064 to the FRITZ!Box.
ROUTER_FACTORY: Callable[[RouterSettings], ActionCaller] = FritzBox


class LinkChoice(StrEnum):
    AUTO = "auto"
    VDSL2 = "vdsl2"
    ADSL = "adsl"
    ETHERNET = "ethernet"


class Tagged(StrEnum):
    LAN = "lan"
    WLAN = "wlan"


SPEEDS_HELP = "Contracted MAX/NORMAL/MIN in Mbit/s, e.g. 100/60/30 (decimals allowed)."
Format = Annotated[OutputFormat, typer.Option("--format", help="table or json")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of explanations.")]


def parse_tier(text: str, option: str, *, single_allowed: bool = False) -> SpeedTier:
    """`100/60/30` (Mbit/s) → kbit/s tier; one value means max=normal=min (mobile draft)."""
    parts = text.split("/")
    if len(parts) == 1 and single_allowed:
        parts = parts * 3
    if len(parts) != 3:  # noqa: PLR2004
        fail(f"{option}: {text!r} is not MAX/NORMAL/MIN in Mbit/s, e.g. 100/60/30")
    try:
        maximum, normal, minimum = (parse_mbit(part) for part in parts)
        return SpeedTier(maximum, normal, minimum)
    except ValueError as exc:
        fail(f"{option}: {exc}")


@app.command("evaluate")
def evaluate_command(
    path: Annotated[Path, typer.Argument(help="A CSV file or a folder of the app's CSV files.")],
    download: Annotated[str, typer.Option(help=SPEEDS_HELP)],
    upload: Annotated[str, typer.Option(help=SPEEDS_HELP)],
    profile: Annotated[ProfileName, typer.Option(help="fixed or mobile-draft")] = (
        ProfileName.FIXED
    ),
    area: Annotated[Area | None, typer.Option(help="Mobile draft only.")] = None,
    price_cents: Annotated[int | None, typer.Option(min=0, help="Monthly price in cents.")] = None,
    connection: Annotated[
        Tagged | None, typer.Option(help="How untagged measurements were connected.")
    ] = None,
    output: Format = OutputFormat.TABLE,
    lang: LangOption = Lang.EN,
) -> None:
    """Check the protocol and judge download and upload against the contract."""
    mobile = profile is ProfileName.MOBILE_DRAFT
    if mobile and area is None:
        fail("--area: the mobile draft needs urban, semi-urban or rural")
    contract = Contract(
        parse_tier(download, "--download", single_allowed=mobile),
        parse_tier(upload, "--upload", single_allowed=mobile),
        price_cents,
    )
    measurements = _load(path, connection)
    verdict = judge(measurements, contract, rules=rules_for(profile), area=area)
    if output is OutputFormat.JSON:
        emit_json(verdict_to_json(verdict, lang.value))
    else:
        _print_verdict(verdict, lang.value)


def _load(path: Path, connection: Tagged | None) -> list[Any]:
    try:
        return load_measurements(path, connection=Connection(connection) if connection else None)
    except SelfcareError as exc:
        fail(str(exc))


def _print_verdict(verdict: Verdict, lang: str) -> None:
    doc = verdict_to_json(verdict, lang)
    typer.echo(doc["profile_label"])
    valid = doc["protocol"]["valid"]
    typer.echo(f"{'Protokoll' if lang == 'de' else 'Protocol'}: {'OK' if valid else '✗'}")
    for problem in doc["protocol"]["explanations"]:
        typer.echo(f"  ✗ {problem['code']}: {problem['explanation']}")
    for note in doc["protocol"]["notes"]:
        typer.echo(f"  ! {note}")
    for name in ("download", "upload"):
        for criterion in doc[name]["criteria"]:
            mark = "✗" if criterion["failed"] else "✓"
            typer.echo(f"  {mark} {criterion['explanation']}")
    typer.echo(doc["explanation"])
    if doc["reduction"]:
        typer.echo(doc["reduction"]["explanation"])


@app.command("evidence")
def evidence_command(
    path: Annotated[Path, typer.Argument(help="A CSV file or a folder of the app's CSV files.")],
    download: Annotated[str, typer.Option(help=SPEEDS_HELP)],
    upload: Annotated[str, typer.Option(help=SPEEDS_HELP)],
    out: Annotated[Path, typer.Option(help="Where to write the printable HTML page.")],
    price_cents: Annotated[int | None, typer.Option(min=0, help="Monthly price in cents.")] = None,
    connection: Annotated[
        Tagged | None, typer.Option(help="How untagged measurements were connected.")
    ] = None,
    customer: Annotated[str | None, typer.Option(help="Customer id shown on the page.")] = None,
    lang: LangOption = Lang.DE,
) -> None:
    """Write the printable evidence page (all measurements, protocol, verdict, contract)."""
    contract = Contract(
        parse_tier(download, "--download"), parse_tier(upload, "--upload"), price_cents
    )
    measurements = _load(path, connection)
    verdict = judge(measurements, contract)
    html = render_evidence(
        measurements,
        verdict,
        generated_at=datetime.now(UTC),
        lang=lang.value,
        customer_id=customer,
    )
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write the evidence page ({exc.strerror})")
    typer.echo(f"{out}: {verdict.summary().get(lang.value)}")


@app.command("router")
def router_command(
    address: Annotated[
        str | None, typer.Option(help="Box address (SELFCARE_FRITZ_ADDRESS).")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Box user (SELFCARE_FRITZ_USER).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Box password (better: SELFCARE_FRITZ_PASSWORD).")
    ] = None,
    link: Annotated[LinkChoice, typer.Option(help="Line type; auto guesses from sync.")] = (
        LinkChoice.AUTO
    ),
    download: Annotated[str | None, typer.Option(help=SPEEDS_HELP)] = None,
    output: Format = OutputFormat.TABLE,
    lang: LangOption = Lang.EN,
) -> None:
    """Read sync and attainable rates from a FRITZ!Box and explain what they mean."""
    tier = parse_tier(download, "--download") if download else None
    rates = _read_router(address, user, password, lang.value)
    chosen = _link(link, rates.downstream_kbps)
    doc = rates_to_json(rates, chosen, tier, lang.value)
    if output is OutputFormat.JSON:
        emit_json(doc)
        return
    for sentence in doc["explanation"]:
        typer.echo(sentence)


def _read_router(
    address: str | None, user: str | None, password: str | None, lang: str
) -> LineRates:
    settings = RouterSettings.resolve(address, user, password)
    try:
        return read_line(ROUTER_FACTORY(settings), user_given=settings.user is not None)
    except RouterProblem as exc:
        fail(f"{exc.code.value}: {exc.text.get(lang)}")


def _link(choice: LinkChoice, sync_kbps: int) -> LinkType:
    return guess_link(sync_kbps) if choice is LinkChoice.AUTO else LinkType(choice.value)


@app.command("diagnose")
def diagnose_command(
    path: Annotated[
        Path, typer.Argument(help="Measurements (selfcare JSONL with lan/wlan, or CSV).")
    ],
    download: Annotated[str, typer.Option(help=SPEEDS_HELP)],
    sync_kbps: Annotated[
        int | None, typer.Option(min=1, help="The box's download sync rate in kbit/s.")
    ] = None,
    from_router: Annotated[
        bool, typer.Option(help="Read the sync rate from the FRITZ!Box.")
    ] = False,
    link: Annotated[LinkChoice, typer.Option(help="Line type; auto guesses from sync.")] = (
        LinkChoice.AUTO
    ),
    connection: Annotated[
        Tagged | None, typer.Option(help="How untagged measurements were connected.")
    ] = None,
    output: Format = OutputFormat.TABLE,
    lang: LangOption = Lang.EN,
) -> None:
    """Say whether the line, the WLAN or the computer is the bottleneck, and what to do."""
    tier = parse_tier(download, "--download")
    if from_router and sync_kbps is None:
        sync_kbps = _read_router(None, None, None, lang.value).downstream_kbps
    chosen = (
        _link(link, sync_kbps) if sync_kbps is not None and link is not LinkChoice.AUTO else None
    )
    result = diagnose(
        _load(path, connection), tier, sync_kbps=sync_kbps, link=chosen, ip=IPVersion.V4
    )
    doc = diagnosis_to_json(result, lang.value)
    if output is OutputFormat.JSON:
        emit_json(doc)
        return
    for finding in doc["findings"]:
        typer.echo(finding)
    for action in result.actions:
        typer.echo(f"→ {action_text(action).get(lang.value)}")
