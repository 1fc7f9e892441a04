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
        "login_how": "Öffnen Sie den Link und bestätigen Sie die Anmeldung mit der Schaltfläche; "
        "ein Anmeldelink gilt für eine Anmeldung. Statt des Links können Sie auch Ihren "
        "Zugangscode einfügen (er beginnt mit „sct_“).",
        "login_no_link": "Sie haben keinen Link? Ohne Anmeldung können Sie trotzdem prüfen, ob "
        "ein Anruf bei der Hotline zählen würde:",
        "login_check": "Vor dem Anruf prüfen",
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
        "customer": "Kundennummer",
        "as_of": "Stand: {date}",
        "me_title": "Mein Bonus",
        "no_data": "Zu Ihrer Kundennummer liegen uns noch keine Ereignisse vor. Sobald Sie dem "
        "Programm beitreten, sehen Sie hier Ihren Bonus.",
        "rewards_heading": "Ihre Boni",
        "state_earned": "Erhalten",
        "state_pending": "Verdient, kommt noch",
        "state_open": "Noch nicht",
        "state_rejected": "Nicht angekommen",
        "state_running": "Läuft",
        "state_forfeited": "Verfallen",
        "task_once": "Einmalig: Sie bekommen diesen Bonus ein Mal.",
        "task_monthly": "Monatlich: Sie können diesen Bonus in jedem Kalendermonat neu bekommen.",
        "streak_once": "Einmalig: nach {months} ohne gezählten Hotline-Anruf.",
        "streak_rolling": "Wiederkehrend: jeweils nach {months} ohne gezählten Hotline-Anruf; "
        "danach beginnt der nächste Zeitraum.",
        "how_task": "So bekommen Sie ihn: {event}.",
        "earned_on": "Erhalten am {date}",
        "for_period": "für {period}",
        "from_day": "ab {date}",
        "credit_confirmed": "bei Ihnen angekommen",
        "credit_pending": "wird gerade gutgeschrieben",
        "credit_held": "wartet auf das Budget des Programms",
        "credit_rejected": "abgelehnt, nicht angekommen",
        "pending_settlement": "Verdient; Gutschrift am {date} nach der Abrechnungsfrist.",
        "pending_cap": "Verdient, aber wegen der Obergrenze ({cap}) zurückgehalten; Gutschrift am "
        "{date}, wenn wieder Platz ist.",
        "pending_cap_forever": "Verdient, aber wegen der Obergrenze ({cap}) zurückgehalten; "
        "wird nicht übertragen.",
        "pending_other": "Verdient; noch nicht gutgeschrieben.",
        "not_yet": "Noch nicht erhalten.",
        "this_month_open": "In diesem Monat noch nicht erhalten.",
        "window_heading": "Ihr Zeitraum ohne Hotline-Anruf",
        "window_done": "{done} von {months} Monaten geschafft ({pct} %).",
        "window_running": "Der Zeitraum läuft seit dem {start} und ist am {end} vollständig, "
        "wenn bis dahin kein gezählter Anruf dazwischenkommt.",
        "window_grant": "Gutgeschrieben wird der Bonus {days} danach, am {date}.",
        "window_restarted": "Neu gestartet nach Ihrem Anruf vom {date}.",
        "window_broken": "Ihr Anruf vom {date} hat den Zeitraum unterbrochen. Ein neuer beginnt "
        "am {start} und ist am {end} vollständig.",
        "window_completed": "Geschafft: {months} ohne gezählten Anruf, vollständig am {end}.",
        "window_forfeited_call": "Dieser Bonus ist verfallen: Ihr Anruf vom {date} hat gezählt.",
        "window_forfeited_contract": "Dieser Bonus ist verfallen: Ihr Vertrag endete vor Ablauf "
        "des Zeitraums.",
        "window_not_enrolled": "Der Zeitraum beginnt, sobald Sie dem Programm beitreten.",
        "window_bar": "Fortschritt des Zeitraums",
        "restart_heading": "Was den Zeitraum neu starten würde",
        "forfeit_heading": "Was diesen Bonus verfallen ließe",
        "restart_intro": "Ein gezählter Anruf: ein Anruf von Ihnen bei der Hotline, der einen "
        "Mitarbeiter erreicht, zu einem Anliegen, das zählt.",
        "restart_check": "Unsicher, ob Ihr Anliegen zählt? Prüfen Sie es vor dem Anruf",
        "volume_heading": "Datenvolumen bisher erhalten",
        "volume_total": "{mb} sind bei Ihnen angekommen.",
        "volume_on_way": "{mb} sind unterwegs.",
        "volume_none": "Bisher ist noch kein Datenvolumen bei Ihnen angekommen.",
        "volume_rejected": "{mb} hat das Abrechnungssystem abgelehnt; sie sind nicht bei Ihnen "
        "angekommen. Wir senden sie erneut.",
        "col_date": "Datum",
        "col_reward": "Bonus",
        "col_amount": "Menge",
        "col_status": "Stand",
        "contacts_title": "Meine Kontakte",
        "contacts_intro": "Jeder Ihrer Kontakte mit uns, und ob er für Ihren Bonus gezählt hat – "
        "mit dem Grund.",
        "contacts_none": "Bisher hatten Sie keinen Kontakt mit der Hotline oder dem Chat.",
        "counted": "Hat gezählt",
        "not_counted": "Hat nicht gezählt",
        "verdict_counted": "Zählte",
        "verdict_not_counted": "Zählte nicht",
        "outbound_channel": "Anruf von uns",
        "broke_window": "Dieser Anruf hat Ihren Zeitraum ohne Hotline-Anruf neu gestartet.",
        "forfeited_by": "Dieser Anruf hat Ihren Bonus für den Zeitraum ohne Hotline-Anruf "
        "verfallen lassen.",
        "why_code": "{verdict}: {topic}, erkannt am Grundcode {code} des Mitarbeiters.",
        "why_words": "{verdict}: {topic}, erkannt an Ihren Worten {words}.",
        "why_model": "{verdict}: {topic}, vom gelernten Modell erkannt (am stärksten wogen "
        "{words}).",
        "why_doubt": "{verdict}: wahrscheinlich {topic}; nicht sicher, daher zu Ihren Gunsten "
        "gewertet (am stärksten wogen {words}).",
        "why_fallback": "{verdict}: kein ausgenommenes Thema erkannt (weder am Grundcode noch an "
        "den Worten).",
        "why_pass": "{verdict}: Hotline-Pass nach {diagnosis} am {start}; der Pass galt bis {end}.",
        "why_outbound": "{verdict}: Wir haben Sie angerufen (ausgehender Anruf).",
        "why_unanswered": "{verdict}: Der Anruf hat keinen Mitarbeiter erreicht.",
        "why_channel": "{verdict}: Kontakte über {channel} zählen in diesem Programm nicht.",
        "why_before": "{verdict}: Sie waren zu der Zeit noch nicht im Programm.",
        "why_late": "Erst nach der Gutschrift Ihres Bonus gemeldet: Der Bonus bleibt.",
        "speedcheck_deviation": "Ihrem Speed-Check mit Abweichung",
        "network_outage": "einer bekannten Netzstörung",
        "at_time": "{date} um {time} Uhr",
        "topic_other": "ein anderes Anliegen",
        "check_title": "Vor dem Anruf: Würde er zählen?",
        "check_intro": "Beschreiben Sie Ihr Anliegen in eigenen Worten. Wir sagen Ihnen, ob ein "
        "Anruf bei der Hotline dazu für Ihren Bonus zählen würde – und wo Sie es online "
        "erledigen können.",
        "concern": "Ihr Anliegen",
        "concern_hint": "Zum Beispiel: „Ich möchte meinen Vertrag verlängern“ oder „Meine "
        "Rechnung ist zu hoch“.",
        "check_submit": "Prüfen",
        "check_empty": "Bitte beschreiben Sie Ihr Anliegen.",
        "check_privacy": "Wir speichern Ihren Text nicht; nur Ihr Browser behält ihn zehn "
        "Minuten lang für die Anzeige des Ergebnisses.",
        "result_heading": "Ergebnis",
        "you_asked": "Ihr Anliegen",
        "would_count": "Ein Anruf dazu würde zählen.",
        "would_not_count": "Ein Anruf dazu würde nicht zählen.",
        "would_restart": "Er würde Ihren Zeitraum ohne Hotline-Anruf neu starten (bisher {done} "
        "von {months} Monaten geschafft).",
        "links_counts": "Erledigen Sie es lieber online – dann bleibt Ihr Bonus:",
        "links_free": "Das geht auch online, ganz ohne Warteschleife:",
        "speed_heading": "Empfang oder Geschwindigkeit?",
        "speed_text": "Machen Sie zuerst den Speed-Check. Zeigt Ihre Messreihe eine Abweichung, "
        "bekommen Sie einen Hotline-Pass: Anrufe in den {days} Tagen danach zählen nicht gegen "
        "Ihren Bonus, egal zu welchem Thema.",
        "speed_link": "Zum Speed-Check",
        "rules_yours": "Geprüft nach den Regeln Ihres Programms „{name}“.",
        "rules_default": "Geprüft nach den Regeln des Programms „{name}“. Wenn Sie angemeldet "
        "sind, prüfen wir nach Ihrem eigenen Programm.",
        "rules_heading": "Welche Anrufe zählen?",
        "pass_active": "Sie haben gerade einen Hotline-Pass bis {end}: Ein Anruf bis dahin "
        "zählt nicht gegen Ihren Bonus, egal zu welchem Thema.",
    },
    "en": {
        "login_title": "Log in",
        "login_why": "Your bonus pages show your personal data. That is why you open them with "
        "the login link we sent you – by letter, by e-mail or in the customer portal.",
        "login_how": "Open the link and confirm the login with the button; a login link works "
        "for one login. Instead of the link you can also paste your access code (it starts "
        "with 'sct_').",
        "login_no_link": "No link? Without logging in you can still check whether a call to the "
        "hotline would count:",
        "login_check": "Check before you call",
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
        "customer": "Customer number",
        "as_of": "As of {date}",
        "me_title": "My bonus",
        "no_data": "We have no events for your customer number yet. Once you join the "
        "programme, you will see your bonus here.",
        "rewards_heading": "Your rewards",
        "state_earned": "Earned",
        "state_pending": "Earned, on its way",
        "state_open": "Not yet",
        "state_rejected": "Did not arrive",
        "state_running": "Running",
        "state_forfeited": "Forfeited",
        "task_once": "One-off: you get this bonus once.",
        "task_monthly": "Monthly: you can get this bonus again in every calendar month.",
        "streak_once": "One-off: after {months} without a counted hotline call.",
        "streak_rolling": "Recurring: after every {months} without a counted hotline call; "
        "then the next period starts.",
        "how_task": "How to get it: {event}.",
        "earned_on": "Earned on {date}",
        "for_period": "for {period}",
        "from_day": "from {date}",
        "credit_confirmed": "has reached you",
        "credit_pending": "being credited",
        "credit_held": "waiting for the programme's budget",
        "credit_rejected": "refused, did not arrive",
        "pending_settlement": "Earned; credited on {date} after the settlement period.",
        "pending_cap": "Earned, but held back by the cap ({cap}); credited on {date} when "
        "there is room.",
        "pending_cap_forever": "Earned, but held back by the cap ({cap}); not carried over.",
        "pending_other": "Earned; not credited yet.",
        "not_yet": "Not earned yet.",
        "this_month_open": "Not earned this month yet.",
        "window_heading": "Your period without a hotline call",
        "window_done": "{done} of {months} months done ({pct} %).",
        "window_running": "The period has been running since {start} and completes on {end} "
        "if no counted call comes in between.",
        "window_grant": "The bonus is credited {days} later, on {date}.",
        "window_restarted": "Restarted after your call of {date}.",
        "window_broken": "Your call of {date} interrupted the period. A new one starts on "
        "{start} and completes on {end}.",
        "window_completed": "Done: {months} without a counted call, completed on {end}.",
        "window_forfeited_call": "This bonus is forfeited: your call of {date} counted.",
        "window_forfeited_contract": "This bonus is forfeited: your contract ended before the "
        "period completed.",
        "window_not_enrolled": "The period starts once you join the programme.",
        "window_bar": "Progress of the period",
        "restart_heading": "What would restart it",
        "forfeit_heading": "What would forfeit this bonus",
        "restart_intro": "A counted call: a call from you to the hotline that reaches an agent, "
        "about a concern that counts.",
        "restart_check": "Not sure whether your concern counts? Check before you call",
        "volume_heading": "Data volume received so far",
        "volume_total": "{mb} have reached you.",
        "volume_on_way": "{mb} are on their way.",
        "volume_none": "No data volume has reached you yet.",
        "volume_rejected": "{mb} were refused by the charging system; they have not reached "
        "you. We will send them again.",
        "col_date": "Date",
        "col_reward": "Reward",
        "col_amount": "Amount",
        "col_status": "Status",
        "contacts_title": "My contacts",
        "contacts_intro": "Every contact you had with us, and whether it counted for your bonus "
        "– with the reason.",
        "contacts_none": "You have had no contact with the hotline or the chat so far.",
        "counted": "Counted",
        "not_counted": "Did not count",
        "verdict_counted": "Counted",
        "verdict_not_counted": "Did not count",
        "outbound_channel": "call from us",
        "broke_window": "This call restarted your period without a hotline call.",
        "forfeited_by": "This call forfeited your bonus for the period without a hotline call.",
        "why_code": "{verdict}: {topic}, recognised by the agent's code {code}.",
        "why_words": "{verdict}: {topic}, recognised by your words {words}.",
        "why_model": "{verdict}: {topic}, recognised by the trained model (the words that "
        "weighed most: {words}).",
        "why_doubt": "{verdict}: probably {topic}; not certain, so counted in your favour (the "
        "words that weighed most: {words}).",
        "why_fallback": "{verdict}: no exempt topic recognised (neither by the agent's code nor "
        "by the words).",
        "why_pass": "{verdict}: hotline pass after {diagnosis} on {start}; the pass lasted "
        "until {end}.",
        "why_outbound": "{verdict}: we called you (outbound call).",
        "why_unanswered": "{verdict}: the call never reached an agent.",
        "why_channel": "{verdict}: contacts by {channel} do not count in this programme.",
        "why_before": "{verdict}: you had not joined the programme yet at the time.",
        "why_late": "Reported only after your bonus was credited: the bonus stands.",
        "speedcheck_deviation": "your speed check showing a deviation",
        "network_outage": "a known network outage",
        "at_time": "{date} at {time}",
        "topic_other": "another concern",
        "check_title": "Before you call: would it count?",
        "check_intro": "Describe your concern in your own words. We tell you whether a call to "
        "the hotline about it would count for your bonus – and where you can settle it online.",
        "concern": "Your concern",
        "concern_hint": "For example: “I want to extend my contract” or “My bill is too high”.",
        "check_submit": "Check",
        "check_empty": "Please describe your concern.",
        "check_privacy": "We do not store your text; only your browser keeps it for ten minutes "
        "to show the result.",
        "result_heading": "Result",
        "you_asked": "Your concern",
        "would_count": "A call about this would count.",
        "would_not_count": "A call about this would not count.",
        "would_restart": "It would restart your period without a hotline call ({done} of "
        "{months} months done so far).",
        "links_counts": "Better do it online – then your bonus stays:",
        "links_free": "You can also do this online, without any queue:",
        "speed_heading": "Reception or speed?",
        "speed_text": "Do the speed check first. If your series shows a deviation, you get a "
        "hotline pass: calls within {days} days after it do not count against your bonus, "
        "whatever the topic.",
        "speed_link": "Go to the speed check",
        "rules_yours": "Checked by the rules of your programme “{name}”.",
        "rules_default": "Checked by the rules of the programme “{name}”. When you are logged "
        "in, we check by your own programme.",
        "rules_heading": "Which calls count?",
        "pass_active": "You have a hotline pass until {end}: a call until then does not count "
        "against your bonus, whatever the topic.",
    },
}
