"""`selfcare speedcheck`: judge a measurement series, read the router, find the bottleneck.

PATH is either the regulator's Desktop App protocol PDF (evidence; its contract figures are
used unless --download/--upload are given) or browser-test measurements (indicative).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from selfcare.cli.common import (
    MAX_KBPS,
    MAX_PRICE_CENTS,
    Lang,
    OutputFormat,
    bounded,
    emit_json,
    fail,
)
from selfcare.cli.speedcheck_print import print_verdict
from selfcare.domain.speedcheck.campaign import Campaign, compare
from selfcare.domain.speedcheck.diagnosis import action_text, diagnose
from selfcare.domain.speedcheck.models import (
    Connection,
    Contract,
    Evidence,
    LineRates,
    Measurement,
    SpeedTier,
    parse_mbit,
)
from selfcare.domain.speedcheck.overhead import IPVersion, LinkType, guess_link
from selfcare.domain.speedcheck.protocol import FIXED_LINE, ProfileName, ProtocolRules, rules_for
from selfcare.domain.speedcheck.report import (
    campaign_to_json,
    diagnosis_to_json,
    rates_to_json,
    verdict_to_json,
)
from selfcare.domain.speedcheck.verdict import Area, Verdict, judge
from selfcare.errors import SelfcareError
from selfcare.speedcheck.adapters.desktop_app_pdf import is_campaign_pdf, load_campaign
from selfcare.speedcheck.adapters.fritzbox import (
    ActionCaller,
    FritzBox,
    RouterProblem,
    RouterSettings,
    quiet_library_log,
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
    if len(parts) != 3:  # noqa: PLR2004 - max, normal, min
        fail(f"{option}: {text!r} is not MAX/NORMAL/MIN in Mbit/s, e.g. 100/60/30")
    try:
        maximum, normal, minimum = (parse_mbit(part) for part in parts)
    except ValueError as exc:
        fail(f"{option}: {exc}")
    if not all(0 < kbps <= MAX_KBPS for kbps in (maximum, normal, minimum)):
        fail(f"{option}: {text!r} is out of range; give speeds above 0 up to 100000 Mbit/s")
    try:
        return SpeedTier(maximum, normal, minimum)
    except ValueError as exc:
        fail(f"{option}: {exc}")


PATH_HELP = (
    "The Desktop App's protocol PDF (evidence), or a CSV file or folder of browser-test "
    "CSV files (indicative)."
)
SpeedsOption = Annotated[
    str | None, typer.Option(help=SPEEDS_HELP + " Optional for a Desktop App PDF.")
]
ConnectionOption = Annotated[
    Tagged | None, typer.Option(help="How untagged measurements were connected.")
]


@dataclass(frozen=True)
class Judged:
    """A series, the verdict on it and, for a Desktop App PDF, the campaign it came from."""

    measurements: list[Measurement]
    verdict: Verdict
    campaign: Campaign | None


@app.command("evaluate")
def evaluate_command(
    path: Annotated[Path, typer.Argument(help=PATH_HELP)],
    download: SpeedsOption = None,
    upload: SpeedsOption = None,
    profile: Annotated[ProfileName, typer.Option(help="fixed or mobile-draft")] = (
        ProfileName.FIXED
    ),
    area: Annotated[Area | None, typer.Option(help="Mobile draft only.")] = None,
    price_cents: Annotated[
        int | None,
        typer.Option(
            help="Monthly price in cents.",
            callback=bounded("--price-cents", 0, MAX_PRICE_CENTS),
        ),
    ] = None,
    connection: ConnectionOption = None,
    output: Format = OutputFormat.TABLE,
    lang: LangOption = Lang.EN,
) -> None:
    """Check the protocol and judge download and upload against the contract."""
    mobile = profile is ProfileName.MOBILE_DRAFT
    if mobile and area is None:
        fail("--area: the mobile draft needs urban, semi-urban or rural")
    judged = _judge_path(
        path,
        (download, upload, price_cents),
        connection,
        rules=rules_for(profile),
        area=area,
    )
    doc = _verdict_doc(judged, lang.value)
    if output is OutputFormat.JSON:
        emit_json(doc)
    else:
        print_verdict(doc, lang.value)


def _judge_path(
    path: Path,
    figures: tuple[str | None, str | None, int | None],
    connection: Tagged | None,
    *,
    rules: ProtocolRules,
    area: Area | None = None,
) -> Judged:
    """Read PATH (Desktop App PDF or browser-test files) and judge it against the contract."""
    download, upload, price_cents = figures
    single = rules.profile is ProfileName.MOBILE_DRAFT
    campaign = _campaign(path)
    contract = Contract(
        _side(download, "--download", campaign.contract.download if campaign else None, single),
        _side(upload, "--upload", campaign.contract.upload if campaign else None, single),
        price_cents,
    )
    measurements = list(campaign.measurements) if campaign else _load(path, connection)
    evidence = Evidence.REGULATOR_DESKTOP_APP if campaign else Evidence.INDICATIVE
    verdict = judge(measurements, contract, rules=rules, area=area, evidence=evidence)
    return Judged(measurements, verdict, campaign)


def _side(text: str | None, option: str, stated: SpeedTier | None, single: bool) -> SpeedTier:
    """The option's figures, else those the Desktop App PDF states."""
    if text is not None:
        return parse_tier(text, option, single_allowed=single)
    if stated is None:
        fail(
            f"{option}: needed for browser-test measurements "
            "(a Desktop App protocol PDF states the contract figures itself)"
        )
    return stated


def _campaign(path: Path) -> Campaign | None:
    try:
        return load_campaign(path) if path.is_file() and is_campaign_pdf(path) else None
    except SelfcareError as exc:
        fail(str(exc))


def _load(path: Path, connection: Tagged | None) -> list[Measurement]:
    try:
        return load_measurements(path, connection=Connection(connection) if connection else None)
    except SelfcareError as exc:
        fail(str(exc))


def _verdict_doc(judged: Judged, lang: str) -> dict[str, Any]:
    doc = verdict_to_json(judged.verdict, lang)
    campaign = judged.campaign
    doc["regulator"] = (
        campaign_to_json(campaign, compare(campaign, judged.verdict), lang) if campaign else None
    )
    return doc


@app.command("evidence")
def evidence_command(
    path: Annotated[Path, typer.Argument(help=PATH_HELP)],
    out: Annotated[Path, typer.Option(help="Where to write the printable HTML page.")],
    download: SpeedsOption = None,
    upload: SpeedsOption = None,
    price_cents: Annotated[
        int | None,
        typer.Option(
            help="Monthly price in cents.",
            callback=bounded("--price-cents", 0, MAX_PRICE_CENTS),
        ),
    ] = None,
    connection: ConnectionOption = None,
    customer: Annotated[str | None, typer.Option(help="Customer id shown on the page.")] = None,
    lang: LangOption = Lang.DE,
) -> None:
    """Write the printable evidence page (all measurements, protocol, verdict, contract)."""
    judged = _judge_path(path, (download, upload, price_cents), connection, rules=FIXED_LINE)
    html = render_evidence(
        judged.measurements,
        judged.verdict,
        generated_at=datetime.now(UTC),
        lang=lang.value,
        customer_id=customer,
    )
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write the evidence page ({exc.strerror})")
    typer.echo(f"{out}: {judged.verdict.summary().get(lang.value)}")


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
    quiet_library_log()
    try:
        return read_line(
            ROUTER_FACTORY(settings),
            user_given=settings.user is not None,
            address=settings.address,
        )
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
        int | None,
        typer.Option(
            help="The box's download sync rate in kbit/s.",
            callback=bounded("--sync-kbps", 1, MAX_KBPS),
        ),
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
