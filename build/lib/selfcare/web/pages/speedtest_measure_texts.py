"""Words of the browser speed test page, in German and English (plain, for non-experts)."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "de": {
        "title": "Geschwindigkeit messen",
        "intro": "Dieser Test misst, was Ihr Anschluss an diesem Computer wirklich liefert. Er "
        "läuft auch in älteren Browsern wie dem Internet Explorer 11 und dauert etwa eine halbe "
        "Minute.",
        "why_cable": "Für einen Nachweis gegenüber dem Anbieter zählen nur Messungen mit einem "
        "LAN-Kabel direkt an der Box. Eine WLAN-Messung zeigt, wie gut das WLAN ist, nicht die "
        "Leitung – sie hilft bei der Fehlersuche.",
        "connection": "Wie ist dieser Computer verbunden?",
        "lan": "Mit LAN-Kabel",
        "wlan": "Über WLAN",
        "new_series": "Eine neue Messreihe beginnen",
        "start": "Messung starten",
        "ping": "Antwortzeit",
        "download": "Download",
        "upload": "Upload",
        "ip": "Ihre IP-Adresse",
        "next": "Messreihe",
        "payload": "Angezeigt werden Nutzdaten (TCP), wie beim Messwerkzeug der "
        "Bundesnetzagentur – ohne Aufschlag.",
        "evidence": "Nachweis ansehen und drucken",
        "noscript": "Bitte JavaScript einschalten, um zu messen.",
        "js_chooseConnection": "Bitte zuerst wählen: LAN-Kabel oder WLAN.",
        "js_ping": "Antwortzeit wird gemessen …",
        "js_download": "Download wird gemessen …",
        "js_upload": "Upload wird gemessen …",
        "js_saving": "Ergebnis wird gespeichert …",
        "js_failed": "Das Ergebnis konnte nicht gespeichert werden",
    },
    "en": {
        "title": "Measure your speed",
        "intro": "This test measures what your connection really delivers to this computer. It "
        "also runs in older browsers such as Internet Explorer 11 and takes about half a minute.",
        "why_cable": "Only measurements with a LAN cable directly at the box count as evidence "
        "towards the provider. A WLAN measurement shows how good the WLAN is, not the line – it "
        "helps finding the bottleneck.",
        "connection": "How is this computer connected?",
        "lan": "By LAN cable",
        "wlan": "Over WLAN",
        "new_series": "Start a new series",
        "start": "Start measurement",
        "ping": "Response time",
        "download": "Download",
        "upload": "Upload",
        "ip": "Your IP address",
        "next": "Series",
        "payload": "Figures are TCP payload, like the regulator's own measuring tool – no mark-up.",
        "evidence": "View and print the evidence",
        "noscript": "Please switch on JavaScript to measure.",
        "js_chooseConnection": "Please choose first: LAN cable or WLAN.",
        "js_ping": "Measuring the response time …",
        "js_download": "Measuring the download …",
        "js_upload": "Measuring the upload …",
        "js_saving": "Saving the result …",
        "js_failed": "The result could not be saved",
    },
}


def script_texts(lang: str) -> dict[str, str]:
    """The messages the page's script shows, keyed without the `js_` prefix."""
    return {key[3:]: value for key, value in PAGE[lang].items() if key.startswith("js_")}
