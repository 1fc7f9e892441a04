"""Synthetic event histories for the ingest benchmarks: realistic shape, fixed seed.

Call texts are the labelled German and English utterances of tests/unit/data (IVR
transcripts, agent notes, chats), each wrapped in the details a real contact carries: a
date and time, a customer or ticket number, a name, a phone number, an amount. So nearly
every call text is distinct, as in a real call centre, and a classification cache cannot
look better here than it would in production.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

START = datetime(2025, 6, 1, tzinfo=UTC)
KINDS = ("portal_registered", "app_first_login", "bill_video_completed")
UTTERANCES = Path(__file__).resolve().parents[1] / "tests" / "unit" / "data"
FILES = ("utterances.csv", "utterances_holdout.csv")
NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Yılmaz", "Kowalski", "Nowak", "Rossi", "García", "Dubois", "Öztürk", "Łukasz",
)  # fmt: skip
PREFIXES = (151, 160, 171, 176, 30, 40, 89, 7700)  # mobile, Berlin, Hamburg, Munich, UK mobile
# Wrappers per language and source; {u} is the utterance, the rest are a contact's details.
TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("de", "ivr"): (
        "Anrufer {phone}: {u}",
        "{u} (Kundennummer {num})",
        "IVR {date} {time}: {u}",
        "{u} – Rückrufnummer {phone}",
    ),
    ("de", "note"): (
        "{agent}: {u}. Rückruf unter {phone}",
        "{date}, {time} Uhr, {title} {name}: {u}",
        "Ticket #{ticket}: {u}; Betrag {euros} €",
        "{u} (Kd.-Nr. {num}, {agent})",
    ),
    ("de", "chat"): (
        "Hallo, {title} {name} hier. {u} Kundennummer {num}",
        "{u} Meine Nummer ist {phone}. Danke!",
        "Guten Tag, {u} Gruß {title} {name}, {phone}",
        "{u} (seit {date}, {title} {name})",
    ),
    ("en", "ivr"): (
        "Caller {phone}: {u}",
        "{u} (account {num})",
        "IVR {date} {time}: {u}",
        "{u} - callback number {phone}",
    ),
    ("en", "note"): (
        "{agent}: {u}. Callback on {phone}",
        "{date} {time}, {etitle} {name}: {u}",
        "Ticket #{ticket}: {u}; amount £{pounds}",
        "{u} (acc. {num}, {agent})",
    ),
    ("en", "chat"): (
        "Hi, {etitle} {name} here. {u} Account {num}",
        "{u} My number is {phone}. Thanks!",
        "Hello, {u} Regards, {etitle} {name}, {phone}",
        "{u} (since {date}, {etitle} {name})",
    ),
}


@dataclass(frozen=True)
class Utterance:
    """One labelled customer utterance (see tests/unit/test_calls_accuracy.py)."""

    text: str
    expected: str
    lang: str
    source: str


@lru_cache(maxsize=1)
def utterances() -> tuple[Utterance, ...]:
    """The labelled set, both files, in file order."""
    rows: list[Utterance] = []
    for name in FILES:
        with (UTTERANCES / name).open(encoding="utf-8", newline="") as handle:
            rows.extend(
                Utterance(r["text"], r["expected"], r["lang"], r["source"])
                for r in csv.DictReader(handle)
            )
    return tuple(rows)


def call_text(rng: random.Random, moment: datetime) -> str:
    """A labelled utterance inside the details of one contact."""
    return labelled_call_text(rng, moment)[0]


def labelled_call_text(rng: random.Random, moment: datetime) -> tuple[str, Utterance]:
    """A call text and the labelled utterance it was made from."""
    utterance = rng.choice(utterances())
    template = rng.choice(TEMPLATES[(utterance.lang, utterance.source)])
    return call_text_from(rng, utterance, template, moment), utterance


def call_text_from(
    rng: random.Random, utterance: Utterance, template: str, moment: datetime
) -> str:
    """`template` filled with the utterance and randomly drawn, contact-specific details."""
    return template.format(
        u=utterance.text,
        num=f"{rng.randrange(10**7, 10**8)}",
        ticket=f"{rng.randrange(100_000, 1_000_000)}",
        phone=f"0{rng.choice(PREFIXES)} {rng.randrange(10**6, 10**7)}",
        date=moment.strftime("%d.%m.") if utterance.lang == "de" else moment.strftime("%d %b"),
        time=moment.strftime("%H:%M"),
        name=rng.choice(NAMES),
        title=rng.choice(("Frau", "Herr")),
        etitle=rng.choice(("Mrs", "Mr", "Ms")),
        agent=f"MA{rng.randrange(100, 1000)}",
        euros=f"{rng.randrange(5, 300)},{rng.randrange(100):02d}",
        pounds=f"{rng.randrange(5, 300)}.{rng.randrange(100):02d}",
    )


def events(count: int, *, per_customer: int = 5, seed: int = 4711) -> list[dict[str, Any]]:
    """`count` events as JSON-ready rows: each customer enrolls, does tasks, calls."""
    return list(iter_events(count, per_customer=per_customer, seed=seed))


def iter_events(count: int, *, per_customer: int = 5, seed: int = 4711) -> Iterator[dict[str, Any]]:
    """The rows of `events`, one customer at a time (20 M rows do not fit in memory)."""
    rng = random.Random(seed)
    made = 0
    customer = 0
    while made < count:
        cid = f"cust-{customer:07d}"
        enrolled = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        rows = [_row(f"{cid}-0", cid, "invitation_accepted", enrolled)]
        for n in range(1, per_customer):
            moment = enrolled + timedelta(minutes=rng.randrange(1, 60 * 24 * 150))
            if n <= len(KINDS) and rng.random() < 0.7:
                rows.append(_row(f"{cid}-{n}", cid, KINDS[n - 1], moment))
            else:
                text = call_text(rng, moment)
                rows.append(_row(f"{cid}-{n}", cid, "hotline_call", moment, text=text))
        taken = rows[: count - made]
        yield from taken
        made += len(taken)
        customer += 1


def labelled_call_texts(count: int, *, seed: int = 4711) -> list[tuple[str, str]]:
    """`count` call texts as `events` makes them, each with its utterance's label."""
    rng = random.Random(seed)
    calls = []
    for _ in range(count):
        moment = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 270))
        text, utterance = labelled_call_text(rng, moment)
        calls.append((text, utterance.expected))
    return calls


def _row(event_id: str, customer: str, kind: str, moment: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "customer_id": customer,
        "type": kind,
        "occurred_at": moment.isoformat().replace("+00:00", "Z"),
        **extra,
    }
