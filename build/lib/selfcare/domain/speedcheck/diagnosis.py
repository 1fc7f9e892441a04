"""Where is the bottleneck: the line, the WLAN, or the computer? And what should the customer do?

The forum case behind this: a DSL customer with an old PC, unsure whether the router's
display can be trusted, whose WLAN upstairs is slow. Comparing three figures answers it:
the sync rate (what the line carries, less the overhead of overhead.py), a measurement by
LAN cable (what reaches the house) and a measurement over WLAN (what reaches the room).

Download only: it is the direction customers notice and call about, and the sync rate of
the upstream rarely decides anything the downstream has not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median_low

from selfcare.domain.speedcheck import diagnosis_texts as texts
from selfcare.domain.speedcheck.models import Connection, Measurement, SpeedTier, Text
from selfcare.domain.speedcheck.overhead import IPVersion, LinkType, achievable_kbps, guess_link

# WLAN slower than 70 % of the cable figure is the WLAN's doing, not normal variation.
WLAN_SHARE_PERCENT = 70
# By cable, less than 80 % of what the sync rate allows points past the line (network, PC).
CABLE_SHARE_PERCENT = 80
# A 100 Mbit/s card tops out at 94.1 % of its link rate; a best cable result in this window
# (with a line that could give more) is that card's ceiling, not the line's.
FAST_ETHERNET_WINDOW_KBPS = (88_000, 95_500)
FAST_ETHERNET_KBPS = 100_000


class Bottleneck(StrEnum):
    LINE = "line"
    DEVICE = "device"
    NETWORK = "network"
    WLAN = "wlan"
    NONE = "none"
    UNKNOWN = "unknown"


class Action(StrEnum):
    MEASURE_BY_CABLE = "measure_by_cable"
    MOVE_OR_ADD_ACCESS_POINT = "move_or_add_access_point"
    USE_GIGABIT_PORT = "use_gigabit_port"
    TRY_ANOTHER_COMPUTER = "try_another_computer"
    RUN_PROTOCOL = "run_protocol"
    CLAIM_REDUCTION = "claim_reduction"


@dataclass(frozen=True)
class Figures:
    """The numbers the diagnosis compares (kbit/s; None where not measured)."""

    sync_kbps: int | None
    achievable_kbps: int | None
    lan_median_kbps: int | None
    lan_best_kbps: int | None
    wlan_median_kbps: int | None
    untagged: int


@dataclass(frozen=True)
class Diagnosis:
    """The bottlenecks found (most fundamental first), what was seen, and what to do."""

    bottlenecks: tuple[Bottleneck, ...]
    findings: tuple[Text, ...]
    actions: tuple[Action, ...]
    figures: Figures

    @property
    def bottleneck(self) -> Bottleneck:
        return self.bottlenecks[0]


def diagnose(
    measurements: Sequence[Measurement],
    download: SpeedTier,
    *,
    sync_kbps: int | None = None,
    link: LinkType | None = None,
    ip: IPVersion = IPVersion.V4,
) -> Diagnosis:
    """Compare sync rate, LAN and WLAN downloads with the contract and name the bottleneck."""
    figures = _figures(measurements, sync_kbps, link, ip)
    found: list[tuple[Bottleneck, Text, tuple[Action, ...]]] = [
        step
        for check in (_line, _device, _network, _line_ok, _wlan)
        if (step := check(figures, download)) is not None
    ]
    if not found:
        found = [_nothing_or_unknown(figures, download)]
    if figures.untagged:
        found.append((Bottleneck.UNKNOWN, texts.untagged(figures.untagged), ()))
    named = tuple(dict.fromkeys(b for b, _, _ in found))
    real = tuple(b for b in named if b not in {Bottleneck.NONE, Bottleneck.UNKNOWN})
    bottlenecks = real or named[:1]
    actions = tuple(dict.fromkeys(a for _, _, acts in found for a in acts))
    return Diagnosis(bottlenecks, tuple(text for _, text, _ in found), actions, figures)


def _figures(
    measurements: Sequence[Measurement], sync: int | None, link: LinkType | None, ip: IPVersion
) -> Figures:
    lan = [m.download_kbps for m in measurements if m.connection is Connection.LAN]
    wlan = [m.download_kbps for m in measurements if m.connection is Connection.WLAN]
    untagged = sum(1 for m in measurements if m.connection is Connection.UNKNOWN)
    achievable = None
    if sync is not None:
        achievable = achievable_kbps(sync, link or guess_link(sync), ip)
    return Figures(
        sync_kbps=sync,
        achievable_kbps=achievable,
        lan_median_kbps=median_low(lan) if lan else None,
        lan_best_kbps=max(lan) if lan else None,
        wlan_median_kbps=median_low(wlan) if wlan else None,
        untagged=untagged,
    )


Step = tuple[Bottleneck, Text, tuple[Action, ...]]


def _line(figures: Figures, download: SpeedTier) -> Step | None:
    """The line itself cannot carry the normal speed (by its sync rate, or by cable alone)."""
    if figures.achievable_kbps is not None:
        if figures.achievable_kbps >= download.normal_kbps:
            return None
        text = texts.line_by_sync(figures.achievable_kbps, download)
    elif figures.lan_median_kbps is not None and figures.lan_median_kbps < download.normal_kbps:
        if _fast_ethernet_capped(figures, download):
            return None
        text = texts.line_by_cable(figures.lan_median_kbps, download)
    else:
        return None
    return (Bottleneck.LINE, text, (Action.RUN_PROTOCOL, Action.CLAIM_REDUCTION))


def _device(figures: Figures, download: SpeedTier) -> Step | None:
    """A 100 Mbit/s network card (or cable, or switch port) caps the cable figure at ~94."""
    if not _fast_ethernet_capped(figures, download) or figures.lan_best_kbps is None:
        return None
    return (
        Bottleneck.DEVICE,
        texts.fast_ethernet(figures.lan_best_kbps),
        (Action.USE_GIGABIT_PORT,),
    )


def _fast_ethernet_capped(figures: Figures, download: SpeedTier) -> bool:
    best = figures.lan_best_kbps
    could = figures.achievable_kbps if figures.achievable_kbps is not None else download.max_kbps
    low, high = FAST_ETHERNET_WINDOW_KBPS
    return best is not None and low <= best <= high and could > FAST_ETHERNET_KBPS


def _network(figures: Figures, download: SpeedTier) -> Step | None:
    """By cable clearly below what the sync allows, and not a card cap: network or computer."""
    lan, achievable = figures.lan_median_kbps, figures.achievable_kbps
    if lan is None or achievable is None or achievable < download.normal_kbps:
        return None
    if lan * 100 >= CABLE_SHARE_PERCENT * achievable or _fast_ethernet_capped(figures, download):
        return None
    actions: tuple[Action, ...] = (Action.TRY_ANOTHER_COMPUTER,)
    if lan < download.normal_kbps:
        actions = (Action.TRY_ANOTHER_COMPUTER, Action.RUN_PROTOCOL)
    return (Bottleneck.NETWORK, texts.network(lan, achievable), actions)


def _line_ok(figures: Figures, download: SpeedTier) -> Step | None:
    """By cable close to what the sync allows: the router's display can be trusted."""
    lan, achievable = figures.lan_median_kbps, figures.achievable_kbps
    if lan is None or achievable is None or figures.sync_kbps is None:
        return None
    if achievable < download.normal_kbps or lan * 100 < CABLE_SHARE_PERCENT * achievable:
        return None
    return (Bottleneck.NONE, texts.line_ok(lan, achievable, figures.sync_kbps), ())


def _wlan(figures: Figures, download: SpeedTier) -> Step | None:
    """WLAN clearly slower than the cable (or than the line allows): the radio is the limit."""
    wlan = figures.wlan_median_kbps
    if wlan is None:
        return None
    reference = figures.lan_median_kbps
    if reference is None:
        reference = figures.achievable_kbps
    if reference is None:
        if wlan >= download.normal_kbps:
            return None
        return (Bottleneck.UNKNOWN, texts.wlan_only(wlan, download), (Action.MEASURE_BY_CABLE,))
    if wlan * 100 >= WLAN_SHARE_PERCENT * reference:
        return None
    actions = (Action.MEASURE_BY_CABLE, Action.MOVE_OR_ADD_ACCESS_POINT)
    return (Bottleneck.WLAN, texts.wlan(wlan, reference, figures.lan_median_kbps), actions)


def _nothing_or_unknown(figures: Figures, download: SpeedTier) -> Step:
    if figures.lan_median_kbps is None and figures.wlan_median_kbps is None:
        return (Bottleneck.UNKNOWN, texts.no_measurements(), (Action.MEASURE_BY_CABLE,))
    if figures.lan_median_kbps is None:
        return (Bottleneck.NONE, texts.wlan_fine(download), (Action.MEASURE_BY_CABLE,))
    return (Bottleneck.NONE, texts.all_fine(figures.lan_median_kbps, download), ())


def action_text(action: Action) -> Text:
    """What each recommended action means, in plain words."""
    return texts.ACTIONS[action.value]
