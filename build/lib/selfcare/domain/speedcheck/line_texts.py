"""What selfcare tells a customer about their router, in German and English.

One message per pitfall (TR-064 off, user name needed since FRITZ!OS 7.24, error 606,
two-factor 866–868, no DSL on cable/fibre boxes, zeros behind an external modem) and the
explanation of sync rate versus achievable throughput.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selfcare.domain.speedcheck.models import SpeedTier, Text, format_mbit
from selfcare.domain.speedcheck.overhead import (
    IPVersion,
    LinkType,
    achievable_kbps,
    payload_share,
    percent,
)

if TYPE_CHECKING:
    from selfcare.domain.speedcheck.models import LineRates

TR064 = Text(
    de="Die FRITZ!Box erlaubt keinen Zugriff für Anwendungen (TR-064 ist aus). Einschalten unter "
    "Heimnetz › Netzwerk › Netzwerkeinstellungen › „Zugriff für Anwendungen zulassen“.",
    en="The FRITZ!Box does not allow access for applications (TR-064 is off). Switch it on under "
    "Home Network › Network › Network Settings › 'Allow access for applications'.",
)
USER_NAME = Text(
    de="Die FRITZ!Box lehnt die Anmeldung ab. Seit FRITZ!OS 7.24 ist ein Benutzername nötig: "
    "geben Sie ihn mit --user oder SELFCARE_FRITZ_USER an (zu finden unter System › "
    "FRITZ!Box-Benutzer).",
    en="The FRITZ!Box refused the login. Since FRITZ!OS 7.24 a user name is required: pass it "
    "with --user or SELFCARE_FRITZ_USER (see System › FRITZ!Box Users).",
)
CREDENTIALS = Text(
    de="Die FRITZ!Box lehnt Benutzername oder Kennwort ab. Prüfen Sie beides unter System › "
    "FRITZ!Box-Benutzer (nach mehreren Fehlversuchen sperrt die Box kurz).",
    en="The FRITZ!Box refused the user name or password. Check both under System › FRITZ!Box "
    "Users (after several failed tries the box blocks logins for a while).",
)
RIGHT_606 = Text(
    de="Fehler 606: Dieser FRITZ!Box-Benutzer hat nicht das Recht „FRITZ!Box Einstellungen“. "
    "Geben Sie es ihm unter System › FRITZ!Box-Benutzer oder nutzen Sie einen anderen Benutzer.",
    en="Error 606: this FRITZ!Box user lacks the right 'FRITZ!Box settings'. Grant it under "
    "System › FRITZ!Box Users or use another user.",
)
UNREACHABLE = Text(
    de="Die FRITZ!Box antwortet nicht. Prüfen Sie die Adresse (--address oder "
    "SELFCARE_FRITZ_ADDRESS, meist 192.168.178.1) und ob der Computer im Heimnetz ist.",
    en="The FRITZ!Box does not answer. Check the address (--address or SELFCARE_FRITZ_ADDRESS, "
    "usually 192.168.178.1) and that this computer is in the home network.",
)


def two_factor(code: str | None) -> Text:
    return Text(
        de=f"Fehler {code}: Die FRITZ!Box verlangt eine Bestätigung (Taste an der Box oder "
        "Telefon, Zwei-Faktor-Authentisierung). Bestätigen Sie an der Box und versuchen Sie es "
        "erneut, oder lesen Sie die Werte in der Oberfläche unter Internet › DSL-Informationen.",
        en=f"Error {code}: the FRITZ!Box asks for a confirmation (a button on the box or a phone, "
        "two-factor authentication). Confirm on the box and try again, or read the figures in "
        "its web interface under Internet › DSL Information.",
    )


def no_dsl(access_type: str | None) -> Text:
    kind = f" ({access_type})" if access_type else ""
    return Text(
        de=f"Diese FRITZ!Box hat keinen DSL-Anschluss{kind}: Kabel- und Glasfaser-Boxen haben "
        "keine DSL-Synchronisation. Vergleichen Sie dort direkt eine Messung per LAN-Kabel mit "
        "dem Vertrag.",
        en=f"This FRITZ!Box has no DSL line{kind}: cable and fibre boxes have no DSL sync rate. "
        "Compare a measurement over a LAN cable directly with the contract instead.",
    )


def zeros(status: str | None, access_type: str | None) -> Text:
    via = f" (Zugang: {access_type})" if access_type else ""
    via_en = f" (access: {access_type})" if access_type else ""
    state = f" DSL-Status: {status}." if status else ""
    state_en = f" DSL status: {status}." if status else ""
    return Text(
        de=f"Die FRITZ!Box meldet 0 kbit/s{via}.{state} Sie hängt vermutlich hinter einem "
        "externen Modem oder einer Glasfaser-Box (oder die Leitung ist gerade getrennt); die "
        "Synchronisation zeigt dann nur das Modem selbst.",
        en=f"The FRITZ!Box reports 0 kbit/s{via_en}.{state_en} It is probably behind an "
        "external modem or fibre box (or the line is down right now); only that modem shows "
        "the sync rate then.",
    )


def other(message: str) -> Text:
    short = " ".join(message.split())[:200]
    return Text(
        de=f"Die FRITZ!Box meldet einen Fehler: {short}",
        en=f"The FRITZ!Box reported an error: {short}",
    )


def explain_line(rates: LineRates, link: LinkType, download: SpeedTier | None = None) -> list[Text]:
    """Sync rate versus what a speed test over this line can show, and against the contract."""
    v4, v6 = (achievable_kbps(rates.downstream_kbps, link, ip) for ip in IPVersion)
    share4, share6 = (percent(payload_share(link, ip)) for ip in IPVersion)
    name = {LinkType.VDSL2: "VDSL2", LinkType.ADSL: "ADSL", LinkType.ETHERNET: "Ethernet"}[link]
    lines = [
        Text(
            de=f"Die Box synchronisiert mit {_mb(rates.downstream_kbps, 'de')} im Download und "
            f"{_mb(rates.upstream_kbps, 'de')} im Upload. Das ist die Bitrate der Leitung, keine "
            f"Messung: über {name} kommen davon als Nutzdaten höchstens etwa "
            f"{share4.replace('.', ',')} % (IPv4) bzw. {share6.replace('.', ',')} % (IPv6) an, "
            f"also {_mb(v4, 'de')} bzw. {_mb(v6, 'de')}.",
            en=f"The box syncs at {_mb(rates.downstream_kbps, 'en')} down and "
            f"{_mb(rates.upstream_kbps, 'en')} up. That is the line's bit rate, not a "
            f"measurement: over {name} at most about {share4} % (IPv4) or {share6} % (IPv6) of "
            f"it arrives as payload, i.e. {_mb(v4, 'en')} or {_mb(v6, 'en')}.",
        )
    ]
    if rates.downstream_max_kbps > rates.downstream_kbps:
        lines.append(
            Text(
                de=f"Die Leitung könnte bis {_mb(rates.downstream_max_kbps, 'de')} "
                "synchronisieren; das Profil des Anbieters begrenzt sie.",
                en=f"The line could sync at up to {_mb(rates.downstream_max_kbps, 'en')}; the "
                "provider's profile caps it.",
            )
        )
    if download is not None:
        lines.append(_against_contract(v4, download))
    return lines


def _against_contract(achievable: int, download: SpeedTier) -> Text:
    if achievable < download.normal_kbps:
        return Text(
            de=f"Selbst im besten Fall ({_mb(achievable, 'de')}) erreicht die Leitung die "
            f"normalerweise verfügbare Geschwindigkeit von {_mb(download.normal_kbps, 'de')} "
            "nicht: die Leitung liegt unter dem Vertrag.",
            en=f"Even at best ({_mb(achievable, 'en')}) the line cannot reach the normally "
            f"available speed of {_mb(download.normal_kbps, 'en')}: the line is below the "
            "contract.",
        )
    return Text(
        de=f"Die Leitung kann die normalerweise verfügbare Geschwindigkeit von "
        f"{_mb(download.normal_kbps, 'de')} tragen; langsamere Messungen liegen am WLAN, am "
        "Gerät oder am Netz dahinter.",
        en=f"The line can carry the normally available speed of "
        f"{_mb(download.normal_kbps, 'en')}; slower measurements come from the WLAN, the "
        "device or the network behind the line.",
    )


def _mb(kbps: int, lang: str) -> str:
    return f"{format_mbit(kbps, lang)} Mbit/s"
