"""Words of the customer pages (login, my bonus, my contacts, before you call), German
and English. Kept apart from the routes so a translator reads and changes them in one
place; every `{placeholder}` is filled by the page modules."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "login_title": "Anmelden",
        "login_why": "Ihre Bonusseiten zeigen Ihre persönlichen Daten. Deshalb öffnen Sie sie "
        "mit dem Anmeldelink, den Sie von uns bekommen haben – per Brief, E-Mail oder im "
        "Kundenportal.",
        "login_how": "Öffnen Sie den Link und bestätigen Sie die Anmeldung mit der Schaltfläche. "
        "Statt des Links können Sie auch den Zugangscode einfügen, der darin steht (er beginnt "
        "mit „sct_“).",
        "login_no_link": "Sie haben keinen Link? Ohne Anmeldung können Sie trotzdem prüfen, ob "
        "ein Anruf bei der Hotline zählen würde:",
        "login_check": "Vor dem Anruf prüfen",
        "token": "Zugangscode",
        "login": "Anmelden",
        "login_failed": "Dieser Zugangscode ist unbekannt oder abgelaufen. Bitte prüfen Sie ihn "
        "oder fragen Sie nach einem neuen.",
        "login_empty": "Bitte den Zugangscode einfügen.",
        "login_link": "Sie haben Ihren Anmeldelink geöffnet. Bitte bestätigen Sie die Anmeldung.",
        "login_csrf": "Die Anmeldung ist abgelaufen. Bitte versuchen Sie es noch einmal.",
        "cookie_note": "Nach der Anmeldung merkt sich dieser Browser Sie mit einem Cookie, bis "
        "Sie sich abmelden oder der Zugangscode abläuft.",
    },
    "en": {
        "login_title": "Log in",
        "login_why": "Your bonus pages show your personal data. That is why you open them with "
        "the login link we sent you – by letter, by e-mail or in the customer portal.",
        "login_how": "Open the link and confirm the login with the button. Instead of the link "
        "you can also paste the access code it contains (it starts with 'sct_').",
        "login_no_link": "No link? Without logging in you can still check whether a call to the "
        "hotline would count:",
        "login_check": "Check before you call",
        "token": "Access code",
        "login": "Log in",
        "login_failed": "This access code is unknown or has expired. Please check it or ask "
        "for a new one.",
        "login_empty": "Please paste your access code.",
        "login_link": "You opened your login link. Please confirm the login.",
        "login_csrf": "This form has expired. Please try again.",
        "cookie_note": "After logging in, this browser remembers you with a cookie until you "
        "log out or the access code expires.",
    },
}
