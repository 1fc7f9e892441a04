"""Words of the customer layout (header, navigation, footer), German and English."""

from __future__ import annotations

LAYOUT: dict[str, dict[str, str]] = {
    "de": {
        "skip": "Zum Inhalt springen",
        "nav_label": "Hauptnavigation",
        "nav_bonus": "Mein Bonus",
        "nav_contacts": "Meine Kontakte",
        "nav_check": "Vor dem Anruf",
        "nav_speed": "Speed-Check",
        "other_language": "English",
        "other_language_label": "Switch to English",
        "logout": "Abmelden",
        "login": "Anmelden",
        "logged_in": "Sie sind angemeldet.",
        "logged_out": "Sie sind nicht angemeldet.",
        "footer": "Fragen zum Bonus beantworten diese Seiten; ein Anruf bei der Hotline zu "
        "einem ausgenommenen Thema kostet Sie nichts.",
        "form_expired": "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und "
        "versuchen Sie es noch einmal.",
        "error_title": "Das hat nicht geklappt",
        "table_region": "Tabelle (auf schmalen Bildschirmen seitlich verschiebbar)",
    },
    "en": {
        "skip": "Skip to content",
        "nav_label": "Main navigation",
        "nav_bonus": "My bonus",
        "nav_contacts": "My contacts",
        "nav_check": "Before you call",
        "nav_speed": "Speed check",
        "other_language": "Deutsch",
        "other_language_label": "Auf Deutsch wechseln",
        "logout": "Log out",
        "login": "Log in",
        "logged_in": "You are logged in.",
        "logged_out": "You are not logged in.",
        "footer": "These pages answer questions about the bonus; a call to the hotline about "
        "an exempt topic costs you nothing.",
        "form_expired": "This form has expired. Please reload the page and try again.",
        "error_title": "That did not work",
        "table_region": "Table (scrolls sideways on narrow screens)",
    },
}
