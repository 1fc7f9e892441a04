"""`selfcare fake-charging`: run the fake TMF654 charging system on loopback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from selfcare.cli.common import MAX_DELAY_S, MAX_PORT, MAX_SEED, bounded, fail
from selfcare.errors import InvalidInput

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def fake_charging_command(
    port: Annotated[
        int,
        typer.Option(help="TCP port; 0 picks a free one.", callback=bounded("--port", 0, MAX_PORT)),
    ] = 8900,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = (
        "127.0.0.1"
    ),
    fault: Annotated[
        str,
        typer.Option(
            help="Fault rates per top-up request, e.g. 500=0.1,timeout=0.05,slow=0.1,lost=0.1"
        ),
    ] = "",
    seed: Annotated[
        int | None,
        typer.Option(help="Seed for the fault dice.", callback=bounded("--seed", 0, MAX_SEED)),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(help="JSON Lines file keeping applied top-ups across restarts."),
    ] = None,
    slow_delay: Annotated[
        float,
        typer.Option(
            help="Seconds a `slow` answer takes.",
            callback=bounded("--slow-delay", 0.0, MAX_DELAY_S),
        ),
    ] = 1.0,
    timeout_delay: Annotated[
        float,
        typer.Option(
            help="Seconds a `timeout` request hangs.",
            callback=bounded("--timeout-delay", 0.0, MAX_DELAY_S),
        ),
    ] = 10.0,
) -> None:
    """Run a fake TMF654 charging system that stores top-ups and injects faults."""
    from selfcare.grants.fake_charging import FakeChargingState, create_app, serve
    from selfcare.grants.fake_charging_memory import FaultDice, TopUpStore, parse_fault_spec

    try:
        rates = parse_fault_spec(fault)
        store = TopUpStore(state)
    except (InvalidInput, OSError) as exc:
        fail(str(exc))
    dice = FaultDice(rates, seed=seed, slow_delay=slow_delay, timeout_delay=timeout_delay)
    if host not in _LOOPBACK:
        sys.stderr.write(f"warning: fake charging reachable beyond this machine on {host}\n")

    def announce(url: str) -> None:
        active = ",".join(f"{kind}={rate:g}" for kind, rate in rates.items() if rate) or "none"
        sys.stdout.write(f"fake-charging listening on {url} (faults: {active})\n")
        sys.stdout.flush()

    try:
        serve(create_app(FakeChargingState(store, dice)), host=host, port=port, on_ready=announce)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
