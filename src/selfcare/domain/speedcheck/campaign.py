"""The regulator's Desktop App campaign, and selfcare's own verdict compared with its result.

The Desktop App "Breitbandmessung" is the only source of evidence for §57(4) TKG: it
enforces the protocol (LAN cable, 30 measurements on 3 days) and writes the PDF
"Messprotokoll der Breitbandmessung" with the contract figures, every measurement per
direction and its own result per direction. selfcare judges the same measurements
independently (verdict.py) and shows every point where the two disagree, so neither a
misread PDF nor a selfcare bug goes unnoticed by the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from selfcare.domain.speedcheck.models import Contract, Direction, Measurement, Text
from selfcare.domain.speedcheck.verdict import DirectionVerdict, Verdict


@dataclass(frozen=True)
class Campaign:
    """What the Desktop App's protocol PDF states (None where the PDF does not say)."""

    source: str
    provider: str | None
    tariff: str | None
    issued_on: date | None
    start: date | None
    end: date | None
    declared_count: int | None
    contract: Contract
    measurements: tuple[Measurement, ...]
    download_found: bool | None
    upload_found: bool | None

    def found(self, direction: Direction) -> bool | None:
        """The regulator's own result: True = deviation found, None = not stated."""
        return self.download_found if direction is Direction.DOWNLOAD else self.upload_found


@dataclass(frozen=True)
class Agreement:
    """One direction: the regulator's result next to selfcare's on the same measurements."""

    direction: Direction
    regulator: bool | None
    selfcare: bool
    text: Text

    @property
    def agrees(self) -> bool:
        return self.regulator is self.selfcare


@dataclass(frozen=True)
class Comparison:
    """Every point where the PDF and selfcare's reading of it differ (empty: they agree)."""

    directions: tuple[Agreement, Agreement]
    other: tuple[Text, ...]

    @property
    def disagreements(self) -> list[Text]:
        return [a.text for a in self.directions if not a.agrees] + list(self.other)

    @property
    def agrees(self) -> bool:
        return not self.disagreements


def compare(campaign: Campaign, verdict: Verdict) -> Comparison:
    """Compare the regulator's result per direction, the count and the contract figures."""
    directions = (
        _agreement(campaign, verdict, verdict.download),
        _agreement(campaign, verdict, verdict.upload),
    )
    return Comparison(directions, tuple(_count(campaign) + _contract(campaign, verdict)))


def _agreement(campaign: Campaign, verdict: Verdict, direction: DirectionVerdict) -> Agreement:
    name = "Download" if direction.direction is Direction.DOWNLOAD else "Upload"
    regulator = campaign.found(direction.direction)
    ours = verdict.protocol.valid and direction.deviation
    ours_de = (
        f"eine Abweichung ({', '.join(direction.failed_criteria)})" if ours else "keine Abweichung"
    )
    ours_en = f"a deviation ({', '.join(direction.failed_criteria)})" if ours else "no deviation"
    if regulator is None:
        return Agreement(
            direction.direction,
            None,
            ours,
            Text(
                de=f"{name}: Das Messprotokoll nennt kein Ergebnis; selfcare findet {ours_de}.",
                en=f"{name}: the protocol PDF states no result; selfcare finds {ours_en}.",
            ),
        )
    theirs_de = "eine Abweichung festgestellt" if regulator else "keine Abweichung festgestellt"
    theirs_en = "found a deviation" if regulator else "found no deviation"
    if regulator is ours:
        text = Text(
            de=f"{name}: Die Bundesnetzagentur hat {theirs_de}; selfcare kommt mit denselben "
            "Messungen zum selben Ergebnis.",
            en=f"{name}: the Bundesnetzagentur {theirs_en}; selfcare reaches the same result "
            "from the same measurements.",
        )
    else:
        text = Text(
            de=f"{name}: Die Bundesnetzagentur hat {theirs_de}, selfcare findet mit denselben "
            f"Messungen aber {ours_de}. Maßgeblich ist das Messprotokoll der "
            "Bundesnetzagentur; prüfen Sie die Vertragswerte und wenden Sie sich bei Zweifeln "
            "an die Bundesnetzagentur.",
            en=f"{name}: the Bundesnetzagentur {theirs_en}, but selfcare finds {ours_en} in the "
            "same measurements. The Bundesnetzagentur's protocol is what counts; check the "
            "contract figures and ask the Bundesnetzagentur if in doubt.",
        )
    return Agreement(direction.direction, regulator, ours, text)


def _count(campaign: Campaign) -> list[Text]:
    declared, read = campaign.declared_count, len(campaign.measurements)
    if declared is None or declared == read:
        return []
    return [
        Text(
            de=f"Das Messprotokoll nennt {declared} Messungen, gelesen wurden {read}.",
            en=f"The protocol PDF states {declared} measurements, {read} were read.",
        )
    ]


def _contract(campaign: Campaign, verdict: Verdict) -> list[Text]:
    if campaign.contract.download == verdict.contract.download and (
        campaign.contract.upload == verdict.contract.upload
    ):
        return []
    return [
        Text(
            de="Geprüft wurde mit anderen Vertragswerten als denen im Messprotokoll.",
            en="The check used contract figures other than those in the protocol PDF.",
        )
    ]
