"""The report's words in German and English, for readers without statistics training."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "de": "Pilot „Online statt Hotline“: Ergebnis",
        "en": "Pilot “Online instead of hotline”: result",
    },
    "verdict": {"de": "Ergebnis in einem Absatz", "en": "The result in one paragraph"},
    "effect_sentence": {
        "de": "Die Einladung hat die zählenden Hotline-Anrufe um {rel} verändert "
        "({low} bis {high}; mit 95 % Sicherheit liegt die wahre Veränderung in diesem Bereich). "
        "Das sind {abs} Anrufe pro Kunde und Monat.",
        "en": "The invitation changed counted hotline calls by {rel} ({low} to {high}; with "
        "95 % confidence the true change lies in this range). That is {abs} calls per "
        "customer and month.",
    },
    "cace_sentence": {
        "de": "{take_up} der Eingeladenen haben angenommen; bei ihnen beträgt die Veränderung "
        "etwa {rel} ({abs} Anrufe pro Monat).",
        "en": "{take_up} of those invited accepted; among them the change is about {rel} "
        "({abs} calls per month).",
    },
    "money_sentence": {
        "de": "Geld: {net} Nettonutzen ({low} bis {high}); ein vermiedener Anruf kostet "
        "{per_call}.",
        "en": "Money: net benefit {net} ({low} to {high}); one avoided call costs {per_call}.",
    },
    "roll_out": {
        "de": "Entscheidung: ausrollen. Weniger Anrufe sind belegt, und keine Schutzgröße "
        "hat sich nachweislich verschlechtert.",
        "en": "Decision: roll out. Fewer calls are shown, and every guardrail is shown not to "
        "have got worse.",
    },
    "blocked_by_guardrail": {
        "de": "Entscheidung: noch nicht ausrollen. Für {names} ist nicht belegt, dass sie "
        "sich höchstens um die vereinbarte Toleranz verschlechtert haben.",
        "en": "Decision: do not roll out yet. For {names} it is not shown that they got worse "
        "by no more than the agreed tolerance.",
    },
    "do_not_roll_out": {
        "de": "Entscheidung: nicht ausrollen. Die Einladung hat die Anrufe erhöht.",
        "en": "Decision: do not roll out. The invitation increased calls.",
    },
    "inconclusive": {
        "de": "Entscheidung: offen. Der Pilot kann eine Veränderung weder belegen noch "
        "ausschließen; er braucht mehr Kunden oder mehr Zeit.",
        "en": "Decision: open. The pilot can neither show nor rule out a change; it needs more "
        "customers or more time.",
    },
    "srm_alarm": {
        "de": "Warnung: Die Gruppen sind nicht im geplanten Verhältnis besetzt (SRM); "
        "die Zuteilung muss geprüft werden, bevor man den Zahlen traut.",
        "en": "Warning: the arms are not in the planned proportion (SRM); check the assignment "
        "before trusting these figures.",
    },
    "effect": {"de": "Wirkung auf zählende Anrufe", "en": "Effect on counted calls"},
    "effect_note": {
        "de": "Balken: 95-%-Bereich. Links der Null heißt weniger Anrufe. „Alle Eingeladenen“ "
        "ist der faire Vergleich (Zufall entschied); „Angenommene“ rechnet auf die um, "
        "die angenommen haben. Vorperiode berücksichtigt: Streuung um {vr} kleiner.",
        "en": "Bars: 95 % range. Left of zero means fewer calls. “All invited” is the fair "
        "comparison (chance decided); “Accepters” scales it to those who accepted. Pre-period "
        "taken into account: {vr} less noise.",
    },
    "all_invited": {"de": "Alle Eingeladenen", "en": "All invited"},
    "accepters": {"de": "Angenommene", "en": "Accepters"},
    "over_time": {"de": "Wirkung im Zeitverlauf", "en": "Effect over time"},
    "over_time_note": {
        "de": "Monatliche Zwischenauswertungen. Erst außerhalb der grauen Grenzen darf man "
        "vorzeitig stoppen, sonst würde man zu oft Zufall für Wirkung halten.",
        "en": "Monthly looks. Only outside the grey boundaries may the pilot stop early; "
        "otherwise chance would too often pass for an effect.",
    },
    "month": {"de": "Monat", "en": "Month"},
    "calls_change": {
        "de": "Anrufe pro Kunde und Monat (Differenz)",
        "en": "Calls per customer-month (difference)",
    },
    "funnel": {"de": "Vom Einladen zum Selbstbedienen", "en": "From invitation to self-service"},
    "customers": {"de": "Kunden", "en": "Customers"},
    "invited": {"de": "Eingeladen", "en": "Invited"},
    "accepted": {"de": "Angenommen", "en": "Accepted"},
    "guardrails": {"de": "Schutzgrößen", "en": "Guardrails"},
    "guardrails_note": {
        "de": "Vorab vereinbart: Eine Schutzgröße ist in Ordnung, wenn belegt ist, dass sie sich "
        "höchstens um die Toleranz verschlechtert hat (einseitiger Test, 2,5 %).",
        "en": "Agreed in advance: a guardrail is fine when it is shown to have got worse by no "
        "more than the tolerance (one-sided test, 2.5 %).",
    },
    "repeat_reception_7d": {
        "de": "Wiederholte Kontakte wegen Empfangsproblemen (7 Tage)",
        "en": "Repeat contacts about reception problems (7 days)",
    },
    "churn": {"de": "Kündigungen (Vertragsende)", "en": "Churn (contract ended)"},
    "complaints": {"de": "Beschwerden", "en": "Complaints"},
    "col_name": {"de": "Schutzgröße", "en": "Guardrail"},
    "col_change": {"de": "Veränderung", "en": "Change"},
    "col_worst": {"de": "schlimmstenfalls", "en": "at worst"},
    "col_margin": {"de": "Toleranz", "en": "Tolerance"},
    "col_status": {"de": "Status", "en": "Status"},
    "ok": {"de": "in Ordnung", "en": "fine"},
    "blocks": {"de": "blockiert Rollout", "en": "blocks rollout"},
    "money": {"de": "Geld", "en": "Money"},
    "volume_cost": {"de": "Datenvolumen", "en": "Data volume"},
    "invitation_cost": {"de": "Einladungen", "en": "Invitations"},
    "savings": {"de": "Ersparte Anrufe", "en": "Calls saved"},
    "net_benefit": {"de": "Netto", "en": "Net"},
    "break_even": {
        "de": "Ab einer Annahmequote von {value} trägt sich das Programm.",
        "en": "The program pays for itself from a take-up of {value}.",
    },
    "no_break_even": {
        "de": "Bei dieser Wirkung trägt sich das Programm bei keiner Annahmequote.",
        "en": "At this effect the program pays for itself at no take-up.",
    },
    "unbounded": {"de": "unbegrenzt", "en": "unbounded"},
    "details": {"de": "Zahlen für Fachleute", "en": "Figures for specialists"},
}


def text(key: str, lang: str, **values: object) -> str:
    """The text in the language asked for, with its values filled in."""
    return TEXTS[key][lang].format(**values)
