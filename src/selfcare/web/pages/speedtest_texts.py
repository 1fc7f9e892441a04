"""Words of the speed check's customer pages (login, overview), German and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "login_title": "Anmelden zur Geschwindigkeitsmessung",
        "login_intro": "Bitte fügen Sie den Zugangscode ein, den Sie von uns bekommen haben "
        "(er beginnt mit „sct_“). Haben Sie einen Link bekommen, genügt es, ihn zu öffnen.",
        "token": "Zugangscode",
        "login": "Anmelden",
        "login_failed": "Dieser Zugangscode ist unbekannt oder abgelaufen. Bitte prüfen Sie ihn "
        "oder fragen Sie nach einem neuen.",
        "login_empty": "Bitte den Zugangscode einfügen.",
        "login_link_used": "Dieser Anmeldelink wurde schon benutzt; er gilt nur für eine "
        "Anmeldung. Bitte fragen Sie nach einem neuen Link.",
        "login_link_expired": "Dieser Anmeldelink ist abgelaufen. Bitte fragen Sie nach einem "
        "neuen Link.",
        "login_link": "Sie haben Ihren Anmeldelink geöffnet. Bitte bestätigen Sie die Anmeldung.",
        "login_csrf": "Die Anmeldung ist abgelaufen. Bitte versuchen Sie es noch einmal.",
        "cookie_note": "Nach der Anmeldung merkt sich dieser Browser Sie mit einem Cookie, bis "
        "Sie sich abmelden oder der Zugangscode abläuft.",
        "overview_title": "Ihre Messreihe",
        "customer": "Kundennummer",
        "series": "Stand der Messreihe",
        "measure": "Jetzt messen",
        "evidence": "Nachweis ansehen und drucken",
        "logout": "Abmelden",
        "other_language": "English",
        "contract": "Ihr Vertrag",
        "no_contract": "Ihre Vertragswerte liegen uns noch nicht vor. Ihre Messungen werden "
        "trotzdem gespeichert und bewertet, sobald die Werte da sind.",
        "no_result": "Noch kein Ergebnis: Es wird berechnet, sobald Ihre Messreihe eine "
        "Messung per LAN-Kabel enthält.",
        "no_result_without_contract": "Noch kein Ergebnis: Dafür fehlen uns Ihre Vertragswerte "
        "(siehe „Ihr Vertrag“).",
        "verdict": "Ergebnis",
        "protocol_ok": "Das Messprotokoll ist eingehalten.",
        "protocol_problems": "Was am Messprotokoll noch fehlt oder nicht stimmt",
        "pass": "Weil Ihre Messreihe eine Abweichung zeigt, zählt ein Anruf bei der Hotline "
        "dazu in den nächsten {days} Tagen nicht gegen Ihren Bonus. Das ist eine Regel unseres "
        "Programms; gegenüber dem Anbieter zählt nur die Desktop-App der Bundesnetzagentur.",
        "measurements": "Messungen dieser Messreihe",
        "none": "Noch keine Messung in dieser Messreihe.",
        "others": "Weitere Messungen (WLAN oder außerhalb der Messreihe)",
        "no": "Nr.",
        "date": "Datum",
        "time": "Uhrzeit",
        "ping": "Antwortzeit",
        "connection": "Verbindung",
        "lan": "LAN-Kabel",
        "wlan": "WLAN",
        "unknown": "nicht vermerkt",
        "direction": "Richtung",
        "maximum": "Höchstens",
        "normal": "Normalerweise",
        "minimum": "Mindestens",
    },
    "en": {
        "login_title": "Log in to measure your speed",
        "login_intro": "Please paste the access code you received from us (it starts with "
        "'sct_'). If you received a link, opening it is enough.",
        "token": "Access code",
        "login": "Log in",
        "login_failed": "This access code is unknown or has expired. Please check it or ask "
        "for a new one.",
        "login_empty": "Please paste your access code.",
        "login_link_used": "This login link was already used; it works for one login only. "
        "Please ask for a new link.",
        "login_link_expired": "This login link has expired. Please ask for a new link.",
        "login_link": "You opened your login link. Please confirm the login.",
        "login_csrf": "This form has expired. Please try again.",
        "cookie_note": "After logging in, this browser remembers you with a cookie until you "
        "log out or the access code expires.",
        "overview_title": "Your series of measurements",
        "customer": "Customer number",
        "series": "Where your series stands",
        "measure": "Measure now",
        "evidence": "View and print the evidence",
        "logout": "Log out",
        "other_language": "Deutsch",
        "contract": "Your contract",
        "no_contract": "We do not have your contract figures yet. Your measurements are stored "
        "all the same and judged as soon as the figures are here.",
        "no_result": "No result yet: it is calculated as soon as your series holds a "
        "measurement by LAN cable.",
        "no_result_without_contract": "No result yet: we do not have your contract figures "
        "(see “Your contract”).",
        "verdict": "Result",
        "protocol_ok": "The measurement protocol is followed.",
        "protocol_problems": "What is still missing or wrong in the measurement protocol",
        "pass": "Because your series shows a deviation, a call to the hotline about it within "
        "the next {days} days does not count against your bonus. That is our programme's rule; "
        "towards the provider only the Bundesnetzagentur's Desktop App counts.",
        "measurements": "Measurements of this series",
        "none": "No measurement in this series yet.",
        "others": "Other measurements (WLAN or outside the series)",
        "no": "No.",
        "date": "Date",
        "time": "Time",
        "ping": "Response time",
        "connection": "Connection",
        "lan": "LAN cable",
        "wlan": "WLAN",
        "unknown": "not recorded",
        "direction": "Direction",
        "maximum": "Maximum",
        "normal": "Normally available",
        "minimum": "Minimum",
    },
}
