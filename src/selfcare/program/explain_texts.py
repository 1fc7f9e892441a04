"""The sentences of `program explain` and the call checker, in German and English.

Kept apart from the logic so a translator can read and change them in one place; every
`{placeholder}` is filled by `explain.py`.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "calendar": "Alle Fristen in Kalendermonaten, Zeitzone {tz}.",
        "rewards": "Boni",
        "once": "einmalig",
        "monthly": "einmal je Kalendermonat",
        "rolling": "wiederkehrend (nach jedem erreichten Zeitraum beginnt der nächste)",
        "task": "{title}: {mb}, {rec}. Nachweis: {event}{prior}.",
        "prior": ", auch wenn es schon vor dem Programmbeitritt geschah",
        "after": ", nach Ihrem Programmbeitritt",
        "streak": (
            "{title}: {mb}, {rec}. Voraussetzung: {months} ohne gezählten "
            "Hotline-Anruf, gerechnet ab dem Programmbeitritt. Beginnt der Zeitraum an einem "
            "Tag, den ein späterer Monat nicht hat (z. B. am 31.), endet er am letzten Tag "
            "dieses Monats; die Zeitumstellung verschiebt keinen Tag."
        ),
        "restart": "Ein gezählter Anruf unterbricht den Zeitraum; ein neuer beginnt am Tag danach.",
        "forfeit": "Ein gezählter Anruf lässt diesen Bonus verfallen.",
        "grace": (
            "Gutschrift {days} nach Ablauf des Zeitraums (Abrechnungsfrist): ein Anruf im "
            "Zeitraum, der erst spät gemeldet wird, zählt bis dahin noch; ein gutgeschriebener "
            "Bonus wird danach nicht zurückgenommen."
        ),
        "caps": "Obergrenzen",
        "budget": "Budget",
        "budget_total": "Für das ganze Programm höchstens {mb}.",
        "budget_monthly": "Je Kalendermonat höchstens {mb}.",
        "budget_none": "Die Programmdatei setzt kein Budget; der Betreiber kann eines festlegen.",
        "budget_rule": (
            "Gezählt wird alles, was das Programm gutgeschrieben hat, auch vor dem Festlegen "
            "des Budgets; was nicht mehr passt, wird zurückgehalten und der Reihe nach "
            "gutgeschrieben, sobald das Budget erhöht wird."
        ),
        "cap": "Höchstens {mb} je {period} und Kunde. {rest}",
        "carry": "Was darüber hinausgeht, wird zurückgehalten und später gutgeschrieben.",
        "no_carry": (
            "Was darüber hinausgeht, wird nicht gutgeschrieben (als zurückgehalten ausgewiesen)."
        ),
        "month": "Kalendermonat",
        "year": "Kalenderjahr",
        "program": "Programmlaufzeit",
        "calls": "Welche Anrufe zählen?",
        "counted": "Es zählen eingehende Kontakte über: {channels}.",
        "not_counted": "Nicht gezählt werden:",
        "outbound": "Anrufe, die wir begonnen haben (ausgehend, Rückruf).",
        "unanswered": (
            "Anrufe, die nie einen Mitarbeiter erreicht haben (in Warteschleife oder Sprachmenü "
            "beendet)."
        ),
        "unanswered_count": "Auch Anrufe, die keinen Mitarbeiter erreicht haben, zählen.",
        "topics": "Anrufe zu diesen Themen: {topics}.",
        "codes": "Grundcodes {codes}",
        "words": "erkannt an Ihren Worten",
        "keywords": "Stichwörter {words}",
        "pass": (
            "Anrufe bis {days} nach einer bestätigten Selbstdiagnose "
            "(Speedtest-Abweichung oder bekannte Netzstörung), bis zur selben Uhrzeit: der "
            "Hotline-Pass; eine Zeitumstellung dazwischen verschiebt ihn um keine Stunde."
        ),
        "still_counting": "Diese Themen zählen trotzdem: {topics}.",
        "others": (
            "Alle anderen Anliegen zählen, z. B. Fragen zur Rechnung, Tarifwechsel oder "
            "Roaming-Preise."
        ),
        "how": (
            "So wird entschieden: zuerst der Grundcode des Mitarbeiters, dann die Worte des "
            "Anrufs (Deutsch und Englisch; Verneinungen wie „keine Mahnung“ zählen nicht als "
            "Thema), sonst zählt der Anruf."
        ),
        "no_count": "Dieser Anruf zählt nicht: Thema {topic} ({why}).",
        "does_count": (
            "Dieser Anruf zählt: kein ausgenommenes Thema erkannt. Nicht gezählt würden "
            "Anrufe zu: {topics}."
        ),
        "counts_topic": "Dieser Anruf zählt: Thema {topic} ({why}).",
        "by_code": "Grundcode {code} des Mitarbeiters",
        "by_words": "erkannt an: {words}",
        "by_model": "vom gelernten Modell erkannt, am stärksten wogen: {words}",
        "doubt": "wahrscheinlich dieses Thema, nicht sicher, daher zu Ihren Gunsten gewertet; "
        "am stärksten wogen: {words}",
        "assumed": (
            "Angenommen: ein eingehender Anruf, der einen Mitarbeiter erreicht, ohne Hotline-Pass."
        ),
        "quote": "„{}“",
        "links": "Selbsthilfe statt Anruf (vom Anruf-Check angeboten)",
        "link": "{title}: {url} – {when}",
        "link_topics": "beim Thema {topics}",
        "link_words": "bei Anliegen mit den Wörtern {words}",
        "link_or": " oder ",
    },
    "en": {
        "calendar": "All periods are calendar months in the time zone {tz}.",
        "rewards": "Rewards",
        "once": "one-off",
        "monthly": "once per calendar month",
        "rolling": "rolling (each completed period starts the next)",
        "task": "{title}: {mb}, {rec}. Proof: {event}{prior}.",
        "prior": ", even if it happened before you joined the program",
        "after": ", after you joined the program",
        "streak": (
            "{title}: {mb}, {rec}. Condition: {months} without a counted "
            "hotline call, starting when you join. A period starting on a day a later month "
            "lacks (such as the 31st) ends on that month's last day; daylight saving time never "
            "shifts a day."
        ),
        "restart": "A counted call breaks the period; a new one starts the day after.",
        "forfeit": "A counted call forfeits this reward.",
        "grace": (
            "Granted {days} after the period ends (settlement grace): a call inside the "
            "period that is reported late still counts until then; after that a granted reward "
            "is never taken back."
        ),
        "caps": "Caps",
        "budget": "Budget",
        "budget_total": "At most {mb} for the whole program.",
        "budget_monthly": "At most {mb} per calendar month.",
        "budget_none": "The program file sets no budget; the operator may set one.",
        "budget_rule": (
            "Everything the program granted counts, also before the budget was set; what "
            "no longer fits is held and granted in order once the budget is raised."
        ),
        "cap": "At most {mb} per {period} and customer. {rest}",
        "carry": "Anything above waits and is granted later.",
        "no_carry": "Anything above is not granted (shown as held back).",
        "month": "calendar month",
        "year": "calendar year",
        "program": "program",
        "calls": "Which calls count?",
        "counted": "Inbound contacts count on: {channels}.",
        "not_counted": "Not counted:",
        "outbound": "Calls we started (outbound, callbacks).",
        "unanswered": "Calls that never reached an agent (ended in the queue or the voice menu).",
        "unanswered_count": "Calls that never reached an agent count too.",
        "topics": "Calls about these topics: {topics}.",
        "codes": "reason codes {codes}",
        "words": "recognised by your words",
        "keywords": "keywords {words}",
        "pass": (
            "Calls up to {days} after a verified self-service diagnosis (speed "
            "check deviation or known network outage), until the same clock time: the hotline "
            "pass; a DST change in between moves it by no hour."
        ),
        "still_counting": "These topics count nevertheless: {topics}.",
        "others": (
            "Every other concern counts, e.g. bill questions, tariff changes or roaming prices."
        ),
        "how": (
            "How it is decided: first the agent's reason code, then the words of the call "
            "(German and English; negations like “no reminder letter” name no topic), "
            "otherwise the call counts."
        ),
        "no_count": "This call does not count: topic {topic} ({why}).",
        "does_count": (
            "This call counts: no exempt topic recognised. Calls about these do not count: "
            "{topics}."
        ),
        "counts_topic": "This call counts: topic {topic} ({why}).",
        "by_code": "the agent's reason code {code}",
        "by_words": "recognised by: {words}",
        "by_model": "recognised by the trained model, the words that weighed most: {words}",
        "doubt": "probably this topic, not certain, so counted in your favour; "
        "the words that weighed most: {words}",
        "assumed": "Assumed: an inbound call that reaches an agent, without a hotline pass.",
        "quote": "“{}”",
        "links": "Self-service instead of a call (offered by the call checker)",
        "link": "{title}: {url} – {when}",
        "link_topics": "for the topic {topics}",
        "link_words": "for concerns with the words {words}",
        "link_or": " or ",
    },
}
CHANNELS = {
    "de": {"hotline_call": "Hotline-Anruf", "chat_contact": "Chat"},
    "en": {"hotline_call": "hotline phone", "chat_contact": "chat"},
}
EVENTS = {
    "de": {
        "portal_registered": "Registrierung im Kundenportal",
        "app_first_login": "erste Anmeldung in der App",
        "bill_video_completed": "Erklärvideo zur Online-Rechnung bis zum Ende angesehen",
        "invitation_accepted": "Einladung angenommen",
    },
    "en": {
        "portal_registered": "registration in the customer portal",
        "app_first_login": "first login in the app",
        "bill_video_completed": "online bill video watched to the end",
        "invitation_accepted": "invitation accepted",
    },
}
BUILTIN_TITLES = {
    "de": ("Vertragsverlängerung", "Mahnung", "Kündigung", "Empfangsprobleme"),
    "en": ("Contract extension", "Dunning", "Cancellation", "Reception problems"),
}
