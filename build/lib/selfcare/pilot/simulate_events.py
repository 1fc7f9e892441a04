"""Turning simulated rates into events in the project's event format, month by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from selfcare.pilot.simulate import Scenario

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
NEVER = np.iinfo(np.int64).max
SECONDS_PER_DAY = 86_400


class EventBuilder:
    """Collects simulated events as column arrays; one vectorised draw per month and kind."""

    def __init__(self, rng: np.random.Generator, s: Scenario, ids: npt.NDArray[np.object_]):
        from selfcare.pilot.simulate import month_starts, season

        self.rng, self.s, self.ids = rng, s, ids
        self.bounds = month_starts(s.start, s.pre_months, s.months).as_unit("s").asi8
        self.season = season(month_starts(s.start, s.pre_months, s.months)[:-1], s.seasonality)
        self.start = int(self.bounds[s.pre_months])
        self.chunks: list[pd.DataFrame] = []
        n = len(ids)
        self.prior_calls = np.zeros(n, dtype=np.int64)
        self.untreated = np.zeros(n, dtype=np.int64)

    def add(
        self, who: IntArray, when: IntArray, kind: str, code: object = None, text: object = None
    ) -> None:
        self.chunks.append(
            pd.DataFrame(
                {"who": who, "when": when, "type": kind, "reason_code": code, "text": text}
            )
        )

    def churn(self) -> IntArray:
        """Contract ends during the pilot; returns each customer's end (epoch s) or NEVER."""
        n = len(self.ids)
        month = self.rng.geometric(self.s.churn_per_month, n) - 1 + self.s.pre_months
        leaves = month < self.s.pre_months + self.s.months
        start = self.bounds[np.minimum(month, len(self.bounds) - 2)]
        length = self.bounds[np.minimum(month, len(self.bounds) - 2) + 1] - start
        ended = np.where(leaves, start + (self.rng.random(n) * length).astype(np.int64), NEVER)
        who = np.flatnonzero(leaves)
        self.add(who, ended[who], "contract_ended")
        return ended

    def _times(self, counts: IntArray, month: int) -> tuple[IntArray, IntArray]:
        who = np.repeat(np.arange(len(counts)), counts)
        low, high = self.bounds[month], self.bounds[month + 1]
        return who, low + (self.rng.random(len(who)) * (high - low)).astype(np.int64)

    def calls(
        self,
        rates: FloatArray,
        accepted: npt.NDArray[np.bool_],
        accepted_at: pd.DatetimeIndex,
        ended: IntArray,
    ) -> int:
        """Counted, exempt and complaint calls; returns how many counted calls treatment removed."""
        accepted_s = np.asarray(accepted_at.as_unit("s").asi8)
        removed = 0
        for month, factor in enumerate(self.season):
            pilot = month >= self.s.pre_months
            who, when = self._times(self.rng.poisson(rates * factor), month)
            alive = when < ended[who]
            who, when = who[alive], when[alive]
            if pilot:
                np.add.at(self.untreated, who, 1)
                treated = accepted[who] & (when >= accepted_s[who])
                dropped = treated & (self.rng.random(len(who)) < -self.s.effect)
                removed += int(dropped.sum())
                who, when = who[~dropped], when[~dropped]
            else:
                np.add.at(self.prior_calls, who, 1)
            texts = self.rng.choice(np.array(COUNTED, dtype=object), len(who))
            self.add(who, when, "hotline_call", None, texts)
            self._exempt(rates * factor * self.s.exempt_ratio, month, ended)
            complaints = np.full(len(rates), self.s.complaints_per_month)
            who, when = self._times(self.rng.poisson(complaints), month)
            keep = when < ended[who]
            if pilot:
                np.add.at(self.untreated, who[keep], 1)
            self.add(who[keep], when[keep], "hotline_call", "BESCHWERDE", None)
        return removed

    def _exempt(self, rates: FloatArray, month: int, ended: IntArray) -> None:
        from selfcare.pilot.simulate import EXEMPT, RECEPTION

        who, when = self._times(self.rng.poisson(rates), month)
        keep = when < ended[who]
        who, when = who[keep], when[keep]
        topic = self.rng.integers(0, len(EXEMPT), len(who))
        for index, (code, text) in enumerate(EXEMPT):
            mine = topic == index
            self.add(who[mine], when[mine], "hotline_call", code, text)
            if index in RECEPTION:
                again = mine & (self.rng.random(len(who)) < self.s.repeat_share)
                later = when[again] + (self.rng.uniform(1, 6, int(again.sum())) * 86_400).astype(
                    np.int64
                )
                self.add(who[again], later, "chat_contact", None, "Immer noch kein Netz")

    def tasks(self, accepted: npt.NDArray[np.bool_], accepted_at: pd.DatetimeIndex) -> None:
        """Acceptance and the self-service tasks accepters go on to do."""
        from selfcare.pilot.simulate import TASKS

        who = np.flatnonzero(accepted)
        at = np.asarray(accepted_at.as_unit("s").asi8)[who]
        self.add(who, at, "invitation_accepted")
        for kind, share in TASKS:
            doing = self.rng.random(len(who)) < share
            later = at[doing] + (self.rng.uniform(0, 20, int(doing.sum())) * SECONDS_PER_DAY)
            self.add(who[doing], later.astype(np.int64), kind)

    def untreated_rate(self, mask: npt.NDArray[np.bool_]) -> float:
        """Counted calls per customer-month in the pilot had nobody been treated."""
        return float(self.untreated[mask].sum() / max(int(mask.sum()), 1) / self.s.months)

    def frame(self) -> pd.DataFrame:
        """All events, time-ordered, in the project's JSON Lines field names."""
        events = pd.concat(self.chunks, ignore_index=True).sort_values("when", kind="stable")
        events = events.reset_index(drop=True)
        stamps = pd.to_datetime(events["when"], unit="s", utc=True)
        return pd.DataFrame(
            {
                "event_id": "e" + pd.Series(np.arange(len(events)) + 1).astype("string"),
                "customer_id": self.ids[events["who"].to_numpy()],
                "type": events["type"],
                "occurred_at": stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "reason_code": events["reason_code"],
                "text": events["text"],
            }
        )


COUNTED = ("Frage zu meiner Rechnung", "Roaming aktivieren", "Ich möchte meine Adresse ändern")
