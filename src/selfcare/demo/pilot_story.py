"""The pilot on the demo's SQLite database: simulate, assign, invite, accept, ingest, grant,
analyse, report.

A simulated customer base with a known true effect goes through the service as a real
pilot would: the salted assignment (the same arms the simulator drew, reproduced from the
salt), invitation codes stored by hash, every accepter signing up with their own code
through the acceptance service on the day the simulator says (recording
`invitation_accepted`), the rest of the history ingested, grants sent to a fake charging
system, and the analysis read back from the database.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.grants.ledger import list_grants
from selfcare.ingest.service import ingest_file
from selfcare.pilot.acceptance import Invitations, accept_invitation
from selfcare.pilot.assignment import Design
from selfcare.pilot.invitations import issue
from selfcare.pilot.pilot_store import PilotStore
from selfcare.pilot.report_texts import TEXTS
from selfcare.pilot.service import analyze_database, assign_customers, invite
from selfcare.pilot.simulate import Scenario, simulate

PILOT_ID = "demo"
DEMO_SECRET = b"demo-invitation-secret-not-for-production"
START = date(2025, 7, 1)
MONTHS = 6


@dataclass
class HandClock:
    """The demo's clock: set to each sign-up's moment, then to the day of the analysis."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class PilotResult:
    """Where the pilot report is and what the story did on the way; `sign_up` is an
    invited customer who has not accepted yet, with a code to try at `/join`."""

    report_path: Path
    summary: dict[str, object] = field(default_factory=dict)
    sign_up: tuple[str, str] | None = None


def scenario(customers: int) -> Scenario:
    return Scenario(customers=customers, start=START, months=MONTHS, pre_months=6, effect=-0.25)


def run_pilot(folder: Path, *, database: Path, customers: int, lang: str) -> PilotResult:
    """The whole pilot story in `folder/pilot`, on the demo's database."""
    work = folder / "pilot"
    work.mkdir(parents=True, exist_ok=True)
    world = scenario(customers)
    base, sim_assignments, events, truth = simulate(world)
    customers_csv, accepters = _write_inputs(work, base, events)
    clock = HandClock(datetime.combine(START, datetime.min.time(), tzinfo=UTC))
    charging = FakeChargingClient()
    app = build(Settings(database_url=f"sqlite:///{database}"), charging=charging, clock=clock)
    try:
        store = PilotStore(app.uow, PILOT_ID, clock=clock)
        assigned = _assign(work, world, customers_csv, store, sim_assignments)
        codes = invite(
            assignments=work / "assignments.csv",
            secret=DEMO_SECRET,
            expires_on=START + timedelta(days=35),
            out=work / "invitations.csv",
            store=store,
        )
        signed_up = _sign_up(app, clock, work / "invitations.csv", accepters)
        late = _late_invitation(store, work / "invitations.csv", accepters)
        clock.now = datetime.combine(_end(), datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
        ingested = ingest_file(app.ingestor, work / "events.jsonl")
        app.tick()
        relay = app.relay(backoff_cap=timedelta(0)).run(threading.Event(), drain=True)
        grants = list_grants(uow=app.uow)
        report = folder / "pilot-report.html"
        document = analyze_database(
            program=folder / "program.toml",
            store=store,
            start=START,
            end=_end(),
            report=report,
            lang=lang,
        )
    finally:
        app.close()
    (work / "analysis.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return PilotResult(
        report,
        _summary(
            assigned=assigned,
            invited=int(codes["invited"]),
            signed_up=signed_up,
            ingested=ingested.accepted,
            grants=(len(grants), sum(g.amount_mb for g in grants), relay.confirmed),
            applied=len(charging.list_applied()),
            document=document,
            truth=truth,
            lang=lang,
        ),
        late,
    )


def _end() -> date:
    ending: date = (pd.Timestamp(START) + pd.DateOffset(months=MONTHS)).date()
    return ending


def _write_inputs(
    work: Path, customers: pd.DataFrame, events: pd.DataFrame
) -> tuple[Path, list[tuple[str, datetime]]]:
    """The customer base and the history, without the sign-ups (the service records those)."""
    path = work / "customers.csv"
    customers[["customer_id", "tariff", "region"]].to_csv(path, index=False)
    events = events.assign(event_id="pilot-" + events["event_id"].astype(str))
    signups = events.loc[events["type"] == "invitation_accepted"]
    rest = events.loc[events["type"] != "invitation_accepted"]
    rest.to_json(work / "events.jsonl", orient="records", lines=True, force_ascii=False)
    accepters = [
        (str(c), datetime.fromisoformat(str(t).replace("Z", "+00:00")))
        for c, t in signups[["customer_id", "occurred_at"]].itertuples(index=False)
    ]
    return path, sorted(accepters, key=lambda item: item[1])


def _assign(
    work: Path,
    world: Scenario,
    customers_csv: Path,
    store: PilotStore,
    simulated: pd.DataFrame,
) -> dict[str, Any]:
    design = Design(
        salt=world.salt, start=world.start, control_share=world.control_share, strata=("tariff",)
    )
    summary = assign_customers(
        customers=customers_csv, design=design, out=work / "assignments.csv", store=store
    )
    ours = pd.read_csv(work / "assignments.csv", dtype={"customer_id": str})
    same = ours.set_index("customer_id")["arm"].equals(
        simulated.set_index("customer_id")["arm"].astype(str)
    )
    return {"stored": summary.get("database"), "srm": summary["srm"], "arms_as_simulated": same}


def _sign_up(
    app: App, clock: HandClock, codes_csv: Path, accepters: list[tuple[str, datetime]]
) -> dict[str, int]:
    """Each accepter types their own code on the day they accepted (the acceptance service)."""
    codes = pd.read_csv(codes_csv, dtype=str).set_index("customer_id")["code"]
    invitations = Invitations(app.uow, app.ingestor, DEMO_SECRET)
    outcomes: dict[str, int] = {}
    for customer, moment in accepters:
        clock.now = moment
        answer = accept_invitation(
            invitations, customer_id=customer, code=codes[customer], client="demo"
        )
        outcomes[answer.outcome.value] = outcomes.get(answer.outcome.value, 0) + 1
    return outcomes


def _late_invitation(
    store: PilotStore, codes_csv: Path, accepters: list[tuple[str, datetime]]
) -> tuple[str, str] | None:
    """A fresh code, valid for a month from today, for the first invited customer who never
    accepted: with `selfcare serve` on the demo's database one can sign up at /join."""
    codes = pd.read_csv(codes_csv, dtype=str)
    accepted = {customer for customer, _ in accepters}
    waiting = codes.loc[~codes["customer_id"].isin(accepted), "customer_id"]
    if waiting.empty:
        return None
    customer = str(waiting.iloc[0])
    until = datetime.now(UTC).date() + timedelta(days=30)
    code = issue(secret=DEMO_SECRET, customer_id=customer, expires_on=until)
    frame = pd.DataFrame({"customer_id": [customer], "code": [code], "expires_on": [until]})
    store.save_invitations(frame.astype({"expires_on": str}))
    return customer, code


SUMMARY_WORDS: dict[str, dict[str, str]] = {
    "customers": {"de": "Kunden je Gruppe", "en": "customers per arm"},
    "as_simulated": {
        "de": "Gruppen wie vom Simulator gezogen",
        "en": "arms as the simulator drew them",
    },
    "invited": {"de": "Einladungen verschickt", "en": "invitations sent"},
    "signed_up": {"de": "Anmeldungen über /join", "en": "sign-ups through /join"},
    "ingested": {"de": "Ereignisse gespeichert", "en": "events ingested"},
    "grants": {
        "de": "Gutschriften / MB / Aufladungen bestätigt",
        "en": "grants / MB / top-ups confirmed",
    },
    "applied": {
        "de": "vom Abrechnungssystem ausgeführte Aufladungen",
        "en": "top-ups applied by the charging system",
    },
    "effect": {"de": "Wirkung der Einladung (95-%-Bereich)", "en": "invitation effect (95 % CI)"},
    "effect_value": {
        "de": "{effect} ({low} bis {high}) Anrufe pro Kunde und Monat; wahr {true}",
        "en": "{effect} ({low} to {high}) calls per customer-month; true {true}",
    },
    "decision": {"de": "Entscheidung", "en": "decision"},
    "yes": {"de": "ja", "en": "yes"},
    "no": {"de": "nein", "en": "no"},
    "control": {"de": "Kontrolle", "en": "control"},
    "treatment": {"de": "eingeladen", "en": "invited"},
    "accepted": {"de": "angenommen", "en": "accepted"},
}


def _counts(counts: dict[str, Any], lang: str) -> str:
    """`{"control": 2969, …}` as "Kontrolle 2969, …" (outcome names the table lacks stay)."""
    return ", ".join(
        f"{SUMMARY_WORDS.get(name, {}).get(lang, name)} {value}" for name, value in counts.items()
    )


def _summary(
    *,
    assigned: dict[str, Any],
    invited: int,
    signed_up: dict[str, int],
    ingested: int,
    grants: tuple[int, int, int],
    applied: int,
    document: dict[str, Any],
    truth: dict[str, float],
    lang: str,
) -> dict[str, object]:
    """What the console prints after the pilot, labelled and worded in the demo's language."""
    itt = document["itt"]
    words = {key: text[lang] for key, text in SUMMARY_WORDS.items()}
    decision = TEXTS[document["rollout"]["decision"]][lang]  # "Decision: roll out. Why…"
    return {
        words["customers"]: _counts(document["customers"], lang),
        words["as_simulated"]: words["yes" if assigned["arms_as_simulated"] else "no"],
        words["invited"]: invited,
        words["signed_up"]: _counts(signed_up, lang),
        words["ingested"]: ingested,
        words["grants"]: f"{grants[0]} / {grants[1]} / {grants[2]}",
        words["applied"]: applied,
        words["effect"]: words["effect_value"].format(
            effect=f"{itt['effect']:+.4f}",
            low=f"{itt['ci_low']:+.4f}",
            high=f"{itt['ci_high']:+.4f}",
            true=f"{truth['itt_effect']:+.4f}",
        ),
        words["decision"]: decision.split(". ", 1)[0].split(": ", 1)[-1],
    }
