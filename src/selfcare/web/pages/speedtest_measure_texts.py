"""Words of the browser speed test page, in German and English (plain, for non-experts)."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "de": {
        "title": "Geschwindigkeit messen",
        "intro": "Dieser Test misst, was Ihr Anschluss an diesem Computer wirklich liefert. Er "
        "läuft auch in älteren Browsern wie dem Internet Explorer 11 und dauert etwa eine halbe "
        "Minute.",
        "why_cable": "Dieser Browser-Test ist ein Hinweis, kein Nachweis. Als Nachweis gegenüber "
        "dem Anbieter zählt nur eine Messkampagne mit der Desktop-App der Bundesnetzagentur: "
        "30 Messungen an 3 Tagen, der Computer per LAN-Kabel direkt an der Box (WLAN am "
        "Computer aus). Messen Sie auch hier möglichst per Kabel; eine WLAN-Messung zeigt, wie "
        "gut das WLAN ist, nicht die Leitung – sie hilft bei der Fehlersuche.",
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
        "payload": "Angezeigt werden Nutzdaten (TCP) ohne Aufschlag. Die Desktop-App der "
        "Bundesnetzagentur misst anders (sie zählt die TLS-Verschlüsselung mit und misst 10 s "
        "nach 3 s Anlauf); die Werte sind vergleichbar, aber nicht gleich.",
        "evidence": "Nachweis ansehen und drucken",
        "noscript": "Bitte JavaScript einschalten, um zu messen.",
        "js_chooseConnection": "Bitte zuerst wählen: LAN-Kabel oder WLAN.",
        "js_ping": "Antwortzeit wird gemessen …",
        "js_download": "Download wird gemessen …",
        "js_upload": "Upload wird gemessen …",
        "js_saving": "Ergebnis wird gespeichert …",
        "js_failed": "Das Ergebnis konnte nicht gespeichert werden",
        "js_browser": "Ihr Browser maß",
    },
    "en": {
        "title": "Measure your speed",
        "intro": "This test measures what your connection really delivers to this computer. It "
        "also runs in older browsers such as Internet Explorer 11 and takes about half a minute.",
        "why_cable": "This browser test is a hint, not evidence. Only a measurement campaign "
        "with the Bundesnetzagentur's Desktop App counts as evidence towards the provider: 30 "
        "measurements on 3 days, the computer connected directly to the box by LAN cable (its "
        "WLAN switched off). Measure by cable here too if you can; a WLAN measurement shows how "
        "good the WLAN is, not the line – it helps finding the bottleneck.",
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
        "payload": "Figures are TCP payload, no mark-up. The Bundesnetzagentur's Desktop App "
        "measures differently (it counts TLS framing and measures 10 s after a 3 s start-up); "
        "the figures are comparable, not the same.",
        "evidence": "View and print the evidence",
        "noscript": "Please switch on JavaScript to measure.",
        "js_chooseConnection": "Please choose first: LAN cable or WLAN.",
        "js_ping": "Measuring the response time …",
        "js_download": "Measuring the download …",
        "js_upload": "Measuring the upload …",
        "js_saving": "Saving the result …",
        "js_failed": "The result could not be saved",
        "js_browser": "your browser measured",
    },
}


def script_texts(lang: str) -> dict[str, str]:
    """The messages the page's script shows, keyed without the `js_` prefix."""
    return {key[3:]: value for key, value in PAGE[lang].items() if key.startswith("js_")}
