"""Why a router's sync rate is not what a speed test can show: the overhead of each line type.

A FRITZ!Box shows the DSL *sync rate*, the bit rate of the line. A speed test measures TCP
payload, which is smaller by the headers and the line coding of every packet. The shares
below follow iproute2's cake shaper overhead keywords, with full-size packets and TCP
timestamps (52 bytes of IPv4+TCP headers, 72 with IPv6):

- VDSL2 (PTM, 64/65 coding) with PPPoE and VLAN: IP packets of 1492 bytes carry 34 bytes
  of framing (PPPoE 8, Ethernet 14, VLAN 4, FCS 4, PTM 4): 1440/1526 × 64/65 ≈ 92.9 %
  (IPv4), 1420/1526 × 64/65 ≈ 91.6 % (IPv6).
- ADSL (ATM cells, PPPoE over LLC/SNAP, 40 bytes incl. the AAL5 trailer): 1532 bytes need
  32 cells of 53 bytes: 1440/1696 ≈ 84.9 % (IPv4), 1420/1696 ≈ 83.7 % (IPv6).
- Plain Ethernet (a network card's link rate): 1500-byte packets take 1538 bytes on the
  wire (header, FCS, preamble, gap): 1448/1538 ≈ 94.1 % (IPv4), 1428/1538 ≈ 92.8 % (IPv6).
  This is why a 100 Mbit/s network card never shows more than about 94 Mbit/s.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from fractions import Fraction

ADSL2PLUS_MAX_SYNC_KBPS = 25_000
ATM_CELL, ATM_PAYLOAD = 53, 48


class LinkType(StrEnum):
    VDSL2 = "vdsl2"
    ADSL = "adsl"
    ETHERNET = "ethernet"


class IPVersion(IntEnum):
    V4 = 4
    V6 = 6


def tcp_payload(mtu: int, ip: IPVersion) -> int:
    """TCP payload bytes in a full packet of `mtu` bytes (headers incl. TCP timestamps)."""
    headers = 20 + 20 + 12 if ip is IPVersion.V4 else 40 + 20 + 12
    return mtu - headers


def payload_share(link: LinkType, ip: IPVersion) -> Fraction:
    """The share of the line rate that full-size TCP packets carry as payload."""
    if link is LinkType.ETHERNET:
        return Fraction(tcp_payload(1500, ip), 1500 + 14 + 4 + 8 + 12)
    if link is LinkType.VDSL2:
        return Fraction(tcp_payload(1492, ip), 1492 + 34) * Fraction(64, 65)
    cells = -(-(1492 + 40) // ATM_PAYLOAD)
    return Fraction(tcp_payload(1492, ip), cells * ATM_CELL)


def achievable_kbps(sync_kbps: int, link: LinkType, ip: IPVersion = IPVersion.V4) -> int:
    """The most TCP payload a line or card of `sync_kbps` can deliver (rounded down)."""
    return int(sync_kbps * payload_share(link, ip))


def percent(share: Fraction) -> str:
    """A share as people read it, one decimal: `92.9`."""
    return f"{float(share) * 100:.1f}"


def guess_link(downstream_sync_kbps: int) -> LinkType:
    """VDSL2 above what ADSL2+ can sync (about 25 Mbit/s), otherwise ADSL."""
    return LinkType.VDSL2 if downstream_sync_kbps > ADSL2PLUS_MAX_SYNC_KBPS else LinkType.ADSL
