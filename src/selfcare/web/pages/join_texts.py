"""The sign-up page (`/join`) in German and English; the outcome messages themselves are
the acceptance service's (`pilot/invitations.py`), so the page and the service never
disagree about what a code turned out to be."""

from __future__ import annotations

JOIN_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Teilnehmen",
        "intro": "Sie haben eine Einladung zum Programm „{program}“ erhalten? Geben Sie hier "
        "den Einladungscode aus Ihrem Brief oder Ihrer Nachricht ein.",
        "label": "Einladungscode",
        "hint": "14 Zeichen, zum Beispiel 7K3Q-M2XA-9FHD-RT. Groß- oder Kleinschreibung, "
        "Leerzeichen und Bindestriche spielen keine Rolle.",
        "submit": "Einladung annehmen",
        "login_first": "Bitte melden Sie sich zuerst mit dem Anmeldelink aus Ihrem "
        "Kundenkonto an; der Code gilt nur für Ihr eigenes Konto.",
        "login": "Zur Anmeldung",
        "closed": "Die Anmeldung zum Programm ist derzeit nicht geöffnet.",
        "next": "Weiter zu „Mein Bonus“",
        "error_prefix": "Fehler:",
    },
    "en": {
        "title": "Join",
        "intro": "Have you been invited to the program “{program}”? Enter the invitation "
        "code from your letter or message here.",
        "label": "Invitation code",
        "hint": "14 characters, for example 7K3Q-M2XA-9FHD-RT. Upper or lower case, spaces "
        "and dashes do not matter.",
        "submit": "Accept the invitation",
        "login_first": "Please log in first with the login link from your customer account; "
        "the code is valid for your own account only.",
        "login": "Go to login",
        "closed": "Sign-up for the program is not open at the moment.",
        "next": "On to “My bonus”",
        "error_prefix": "Error:",
    },
}
