"""The fake charging system's memory: applied top-ups, deduplicated by Idempotency-Key,
and the seeded dice that decide which request meets which fault.

Kept apart from the HTTP layer so that applying stays one synchronous step: on the
server's single event loop no other request can slip in between "is this key known?"
and "remember it", which is what makes a retried key return the original resource.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selfcare.errors import Conflict, InvalidInput
from selfcare.grants.charging import Fault

SERVER_FAULTS = (Fault.ERROR_500, Fault.TIMEOUT, Fault.SLOW, Fault.LOST)


def parse_fault_spec(text: str) -> dict[Fault, float]:
    """Read `500=0.1,timeout=0.05,slow=0.1,lost=0.1` into rates (omitted kinds: 0)."""
    rates = dict.fromkeys(SERVER_FAULTS, 0.0)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        try:
            kind = Fault(name.strip())
            rate = float(value)
        except ValueError:
            kind, rate = None, -1.0
        if not sep or kind not in rates:
            names = ", ".join(SERVER_FAULTS)
            raise InvalidInput(f"--fault {part!r}: expected NAME=RATE with NAME one of {names}")
        rates[kind] = rate
    return check_rates(rates)


def check_rates(rates: Mapping[Fault, float]) -> dict[Fault, float]:
    """Rates are probabilities per top-up request; together at most 1."""
    for kind, rate in rates.items():
        if not 0.0 <= rate <= 1.0:
            raise InvalidInput(f"fault rate {kind}={rate} must be between 0 and 1")
    if sum(rates.values()) > 1.0 + 1e-9:
        raise InvalidInput(f"fault rates add up to {sum(rates.values()):g}, more than 1")
    return {kind: float(rates.get(kind, 0.0)) for kind in SERVER_FAULTS}


@dataclass
class FaultDice:
    """Chooses the fault for each top-up request from a seeded RNG (reproducible runs)."""

    rates: dict[Fault, float] = field(default_factory=lambda: check_rates({}))
    seed: int | None = None
    slow_delay: float = 1.0
    timeout_delay: float = 10.0
    rng: random.Random = field(init=False)
    injected: Counter[Fault] = field(init=False, default_factory=Counter)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - fault dice, not security

    def roll(self) -> Fault | None:
        """The fault for the next request, or None for a clean answer."""
        draw = self.rng.random()
        for kind in SERVER_FAULTS:
            draw -= self.rates[kind]
            if draw < 0:
                self.injected[kind] += 1
                return kind
        return None

    def coin(self) -> bool:
        """Whether a timed-out request is applied after all (one half of them)."""
        return self.rng.random() < 0.5  # noqa: PLR2004 - a fair coin

    def to_json(self) -> dict[str, Any]:
        return {
            "rates": {str(kind): rate for kind, rate in self.rates.items()},
            "seed": self.seed,
            "slowDelay": self.slow_delay,
            "timeoutDelay": self.timeout_delay,
            "injected": {str(kind): self.injected[kind] for kind in SERVER_FAULTS},
        }


class TopUpStore:
    """Applied TopupBalance resources, in order, with an index by Idempotency-Key.

    With a state file every applied resource is appended as one JSON line before the
    answer goes out, so a restarted fake still knows every key it has paid.
    """

    def __init__(self, state_file: Path | None = None) -> None:
        self._resources: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._state_file = state_file
        if state_file is not None and state_file.exists():
            self._load(state_file)

    def apply(
        self, key: str | None, body: dict[str, Any], base_url: str
    ) -> tuple[dict[str, Any], bool]:
        """Apply a top-up once per key: (resource, True) when new, (original, False) if not.

        Raises Conflict when the key was used before for a different top-up.
        """
        if key is not None and key in self._by_key:
            original_body, resource = self._by_key[key]
            if original_body != body:
                raise Conflict(f"Idempotency-Key {key!r} was used for a different top-up")
            return resource, False
        resource = self._resource(key, body, base_url)
        self._remember(key, body, resource)
        if self._state_file is not None:
            line = json.dumps({"key": key, "body": body, "resource": resource})
            with self._state_file.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        return resource, True

    def get(self, topup_id: str) -> dict[str, Any] | None:
        return self._by_id.get(topup_id)

    def page(self, offset: int, limit: int | None) -> list[dict[str, Any]]:
        end = None if limit is None else offset + limit
        return self._resources[offset:end]

    def __len__(self) -> int:
        return len(self._resources)

    def _resource(self, key: str | None, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        topup_id = uuid.uuid4().hex
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        return {
            "id": topup_id,
            "href": f"{base_url.rstrip('/')}/topupBalance/{topup_id}",
            **body,
            "status": "completed",
            "requestedDate": now,
            "confirmationDate": now,
            "idempotencyKey": key,
        }

    def _remember(self, key: str | None, body: dict[str, Any], resource: dict[str, Any]) -> None:
        self._resources.append(resource)
        self._by_id[resource["id"]] = resource
        if key is not None:
            self._by_key[key] = (body, resource)

    def _load(self, path: Path) -> None:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                self._remember(row["key"], row["body"], row["resource"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidInput(f"{path}:{number}: not a fake-charging state line") from exc
