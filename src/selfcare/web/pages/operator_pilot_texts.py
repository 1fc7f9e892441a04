"""The console's pilot page in German and English."""

from __future__ import annotations

PILOT_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Pilot",
        "not_set_up": "Der Pilot ist noch nicht eingerichtet.",
        "how_to_set_up": "Zuteilen und einladen mit „selfcare pilot assign --database-url …“ "
        "und „selfcare pilot invite --database-url …“; auswerten mit „selfcare pilot analyze "
        "--database-url …“.",
        "pilot": "Pilot {id}",
        "arms": "Gruppen",
        "arm": "Gruppe",
        "customers": "Kunden",
        "control": "Kontrollgruppe",
        "treatment": "Eingeladene Gruppe",
        "invitations": "Einladungen",
        "sent": "verschickt",
        "accepted": "angenommen",
        "take_up": "Annahmequote",
        "srm": "Stichprobenverhältnis (SRM)",
        "srm_ok": "Keine Auffälligkeit: das Verhältnis der Gruppen passt zum Plan.",
        "srm_alarm": "ALARM: Das Verhältnis der Gruppen weicht vom Plan ab. Zuteilung prüfen, "
        "bevor Ergebnisse gelesen werden.",
        "srm_figures": "Anteil eingeladen {observed} (geplant {planned}), p = {p}",
        "analysis": "Letzte Auswertung",
        "analysed_at": "Ausgewertet am {at} für den Zeitraum {start} bis {end} (ausschließlich).",
        "no_analysis": "Noch keine Auswertung gespeichert: „selfcare pilot analyze "
        "--database-url …“ speichert sie hier.",
        "effect": "Wirkung der Einladung",
        "over_time": "Wirkung über die Zeit, mit den Grenzen für einen frühen Abbruch",
        "guardrails": "Schutzkriterien",
        "full_report": "Vollständiger Bericht zu Pilot {id}",
        "plot_effect": "Diagramm: Veränderung der gezählten Anrufe mit 95-%-Intervall",
        "plot_time": "Diagramm: kumulierte Wirkung je Monat mit den Abbruchgrenzen",
    },
    "en": {
        "title": "Pilot",
        "not_set_up": "The pilot is not set up yet.",
        "how_to_set_up": "Assign and invite with 'selfcare pilot assign --database-url …' and "
        "'selfcare pilot invite --database-url …'; analyse with 'selfcare pilot analyze "
        "--database-url …'.",
        "pilot": "Pilot {id}",
        "arms": "Arms",
        "arm": "Arm",
        "customers": "Customers",
        "control": "Control",
        "treatment": "Invited (treatment)",
        "invitations": "Invitations",
        "sent": "sent",
        "accepted": "accepted",
        "take_up": "take-up",
        "srm": "Sample ratio (SRM)",
        "srm_ok": "No mismatch: the arms' ratio fits the plan.",
        "srm_alarm": "ALARM: the arms' ratio differs from the plan. Check the assignment before "
        "reading any result.",
        "srm_figures": "Share invited {observed} (planned {planned}), p = {p}",
        "analysis": "Latest analysis",
        "analysed_at": "Analysed on {at} for {start} to {end} (exclusive).",
        "no_analysis": "No analysis stored yet: 'selfcare pilot analyze --database-url …' "
        "keeps it here.",
        "effect": "Effect of the invitation",
        "over_time": "Effect over time, with the boundaries for stopping early",
        "guardrails": "Guardrails",
        "full_report": "Full report of pilot {id}",
        "plot_effect": "Chart: change in counted calls with its 95 % interval",
        "plot_time": "Chart: cumulative effect per month with the stopping boundaries",
    },
}
