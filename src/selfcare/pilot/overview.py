"""The pilot at a glance for the operator console: arms, invitations, SRM, latest analysis.

Read from the service's database only; the analysis shown is the newest one `selfcare
pilot analyze` (or the demo) stored for the pilot.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from selfcare.domain.pilot_records import PilotCounts
from selfcare.pilot.srm import SrmResult, srm_test
from selfcare.store.ports import UnitOfWork


@dataclass(frozen=True)
class PilotOverview:
    """One pilot as the console shows it."""

    pilot_id: str
    counts: PilotCounts
    srm: SrmResult
    analysed_at: datetime | None
    analysis: dict[str, Any] | None

    @property
    def take_up(self) -> float | None:
        sent = self.counts.invitations_sent
        return self.counts.invitations_accepted / sent if sent else None


def pilot_overviews(
    *, uow: Callable[..., UnitOfWork], control_share: float = 0.5
) -> list[PilotOverview]:
    """Every pilot in the database, by id (none: the pilot is not set up)."""
    with uow(read_only=True) as work:
        found = []
        for pilot_id in work.pilots.pilots():
            counts = work.pilots.counts(pilot_id)
            latest = work.pilots.latest_analysis(pilot_id)
            found.append((pilot_id, counts, latest))
    return [
        PilotOverview(
            pilot_id=pilot_id,
            counts=counts,
            srm=srm_test(
                counts.arms.get("control", 0),
                counts.arms.get("treatment", 0),
                treatment_share=1 - control_share,
            ),
            analysed_at=None if latest is None else latest.analysed_at,
            analysis=None if latest is None else json.loads(latest.document),
        )
        for pilot_id, counts, latest in found
    ]


def pilot_overview(
    *, uow: Callable[..., UnitOfWork], pilot_id: str, control_share: float = 0.5
) -> PilotOverview | None:
    """One pilot by id (None when it has no assignments)."""
    found = pilot_overviews(uow=uow, control_share=control_share)
    return next((p for p in found if p.pilot_id == pilot_id), None)
