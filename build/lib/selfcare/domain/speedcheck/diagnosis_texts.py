"""The diagnosis in plain German and English: what was seen, and what to do about it."""

from __future__ import annotations

from selfcare.domain.speedcheck.models import SpeedTier, Text, format_mbit


def _mb(kbps: int, lang: str) -> str:
    return f"{format_mbit(kbps, lang)} Mbit/s"


def line_by_sync(achievable: int, download: SpeedTier) -> Text:
    return Text(
        de=f"Engpass Leitung: Nach der Synchronisation der Box kommen höchstens "
        f"{_mb(achievable, 'de')} an – weniger als die normalerweise verfügbare "
        f"Geschwindigkeit von {_mb(download.normal_kbps, 'de')} laut Vertrag.",
        en=f"Bottleneck line: from the box's sync rate at most {_mb(achievable, 'en')} can "
        f"arrive – less than the normally available {_mb(download.normal_kbps, 'en')} of the "
        "contract.",
    )


def line_by_cable(lan: int, download: SpeedTier) -> Text:
    return Text(
        de=f"Engpass Anschluss: Selbst per LAN-Kabel messen Sie typischerweise nur "
        f"{_mb(lan, 'de')}, weniger als die normalerweise verfügbaren "
        f"{_mb(download.normal_kbps, 'de')}.",
        en=f"Bottleneck connection: even by LAN cable you typically measure only "
        f"{_mb(lan, 'en')}, less than the normally available {_mb(download.normal_kbps, 'en')}.",
    )


def line_ok(lan: int, achievable: int, sync: int) -> Text:
    return Text(
        de=f"Die Leitung ist in Ordnung: Die Box synchronisiert mit {_mb(sync, 'de')}, davon "
        f"sind höchstens {_mb(achievable, 'de')} Nutzdaten möglich, und per Kabel kommen "
        f"typischerweise {_mb(lan, 'de')} an. Der Anzeige der Box können Sie trauen.",
        en=f"The line is fine: the box syncs at {_mb(sync, 'en')}, at most "
        f"{_mb(achievable, 'en')} of it can be payload, and by cable typically "
        f"{_mb(lan, 'en')} arrives. The box's display can be trusted.",
    )


def fast_ethernet(best: int) -> Text:
    return Text(
        de=f"Engpass Gerät: Per Kabel kommen nie mehr als {_mb(best, 'de')} an – genau die "
        "Grenze einer 100-Mbit/s-Netzwerkkarte (höchstens etwa 94 Mbit/s Nutzdaten). Die "
        "Netzwerkkarte, das Kabel oder der Switch-Anschluss bremst, nicht die Leitung.",
        en=f"Bottleneck device: by cable never more than {_mb(best, 'en')} arrives – exactly "
        "the limit of a 100 Mbit/s network card (at most about 94 Mbit/s of payload). The "
        "network card, the cable or the switch port slows you down, not the line.",
    )


def network(lan: int, achievable: int) -> Text:
    return Text(
        de=f"Die Leitung könnte {_mb(achievable, 'de')} tragen, per Kabel kommen aber "
        f"typischerweise nur {_mb(lan, 'de')} an. Das liegt am Computer (alt, ausgelastet, "
        "Virenscanner) oder am Netz des Anbieters hinter der Leitung.",
        en=f"The line could carry {_mb(achievable, 'en')}, but by cable typically only "
        f"{_mb(lan, 'en')} arrives. The computer (old, busy, antivirus) or the provider's "
        "network behind the line is the limit.",
    )


def wlan(wlan_kbps: int, reference: int, lan: int | None) -> Text:
    against_de = "per Kabel" if lan is not None else "laut Synchronisation möglich"
    against_en = "by cable" if lan is not None else "possible by the sync rate"
    return Text(
        de=f"Engpass WLAN: Über WLAN kommen typischerweise {_mb(wlan_kbps, 'de')} an, "
        f"{against_de} {_mb(reference, 'de')}. Das WLAN misst die Funkstrecke, nicht die "
        "Leitung.",
        en=f"Bottleneck WLAN: over WLAN typically {_mb(wlan_kbps, 'en')} arrives, "
        f"{against_en} {_mb(reference, 'en')}. A WLAN test measures the radio link, not the "
        "line.",
    )


def wlan_only(wlan_kbps: int, download: SpeedTier) -> Text:
    return Text(
        de=f"Über WLAN messen Sie typischerweise {_mb(wlan_kbps, 'de')}, weniger als die "
        f"vereinbarten {_mb(download.normal_kbps, 'de')}. Ob Leitung oder WLAN bremst, zeigt "
        "erst eine Messung per LAN-Kabel.",
        en=f"Over WLAN you typically measure {_mb(wlan_kbps, 'en')}, less than the contracted "
        f"{_mb(download.normal_kbps, 'en')}. Only a measurement by LAN cable shows whether the "
        "line or the WLAN is the limit.",
    )


def untagged(count: int) -> Text:
    return Text(
        de=f"Bei {count} Messung(en) ist nicht vermerkt, ob per Kabel oder WLAN gemessen wurde; "
        "sie fließen nicht in die Diagnose ein.",
        en=f"{count} measurement(s) do not say whether they ran by cable or WLAN; the diagnosis "
        "leaves them out.",
    )


def no_measurements() -> Text:
    return Text(
        de="Es liegen keine Messungen mit Verbindungsart vor. Messen Sie einmal per LAN-Kabel "
        "direkt an der Box.",
        en="There are no measurements with a connection type. Measure once by LAN cable "
        "directly at the box.",
    )


def wlan_fine(download: SpeedTier) -> Text:
    return Text(
        de=f"Schon über WLAN erreichen Sie die normalerweise verfügbaren "
        f"{_mb(download.normal_kbps, 'de')}; kein Engpass erkennbar.",
        en=f"Even over WLAN you reach the normally available {_mb(download.normal_kbps, 'en')}; "
        "no bottleneck visible.",
    )


def all_fine(lan: int, download: SpeedTier) -> Text:
    return Text(
        de=f"Kein Engpass: per Kabel kommen typischerweise {_mb(lan, 'de')} an, die "
        f"normalerweise verfügbare Geschwindigkeit ist {_mb(download.normal_kbps, 'de')}.",
        en=f"No bottleneck: by cable typically {_mb(lan, 'en')} arrives; the normally available "
        f"speed is {_mb(download.normal_kbps, 'en')}.",
    )


ACTIONS = {
    "measure_by_cable": Text(
        de="Messen Sie mit dem Computer per LAN-Kabel direkt an der Box (nur das zählt als "
        "Nachweis).",
        en="Measure with the computer connected by LAN cable directly to the box (only that "
        "counts as evidence).",
    ),
    "move_or_add_access_point": Text(
        de="Stellen Sie die Box freier oder näher auf, oder ergänzen Sie einen WLAN-Repeater, "
        "Mesh-Zugangspunkt oder Powerline-Adapter im Stockwerk.",
        en="Put the box in a more open or closer spot, or add a WLAN repeater, mesh access "
        "point or powerline adapter on that floor.",
    ),
    "use_gigabit_port": Text(
        de="Nutzen Sie eine Gigabit-Netzwerkkarte (notfalls einen USB-Gigabit-Adapter), ein "
        "Kabel ab Cat 5e und einen Gigabit-Anschluss der Box.",
        en="Use a gigabit network card (a USB gigabit adapter will do), a cable of at least "
        "Cat 5e and a gigabit port of the box.",
    ),
    "try_another_computer": Text(
        de="Messen Sie mit einem anderen Computer und zu anderen Tageszeiten; schließen Sie "
        "andere Downloads.",
        en="Measure with another computer and at other times of day; stop other downloads.",
    ),
    "run_protocol": Text(
        de="Starten Sie die Messreihe nach den Regeln der Bundesnetzagentur (30 Messungen an 3 "
        "Tagen, per LAN-Kabel).",
        en="Start the measurement series by the regulator's rules (30 measurements on 3 days, "
        "by LAN cable).",
    ),
    "claim_reduction": Text(
        de="Zeigt die Messreihe eine Abweichung, können Sie die Zahlung mindern oder kündigen; "
        "der Nachweis von selfcare hilft dabei.",
        en="If the series shows a deviation you may reduce your payment or cancel; selfcare's "
        "evidence page helps with that.",
    ),
}
