"""The built-in German and English words for the four exempt call topics.

Every pattern is a regular expression over *normalised* text (see `lexicon.normalise`):
lower case, ä/ö/ü/ß written as ae/oe/ue/ss, other accents dropped, apostrophes removed
("don't" -> "dont") and hyphens inside words removed ("Netz-Störung" -> "netzstoerung").
Patterns are stems, so one pattern covers the inflected forms ("kuendig" finds Kündigung,
kündigen, gekündigt).

A pattern whose words *are* a negation ("kein Netz", "no signal") is `lack`: the customer
reports the absence of something, and the usual negation check must not cancel it.
`unless` names text that, anywhere in the utterance, shows the words mean something else
(slow internet because the data volume is used up is throttling, not a network problem).
A category's `blockers` are phrases that look like the topic but are not
("Verlängerungskabel", "Zahlungsfrist verlängern", "Wohnung gekündigt").

Decisions about meaning (the labelled set in tests/unit/data follows them):
- Slow, dropping or absent mobile data, internet or signal is a `reception_problem`: it is a
  network fault the customer cannot fix online, which is what the exemption is for. Slow
  internet *because the data volume is used up* is throttling, a tariff question: `other`.
- A payment difficulty (instalments, more time to pay, cannot pay, barred for non-payment,
  returned direct debit) is `dunning`; a question about a bill or paying it is `other`.
- Cancelling a contract, a line or an option, withdrawing, asking about the notice period or
  leaving for another provider is `cancellation`; a flat, a job, an appointment or an order
  being cancelled is not. Porting a number *to us* is `other`.
- The end of a contract term ("Vertrag läuft aus", "out of contract", "due an upgrade") is a
  `contract_extension`: it is the occasion for the renewal offer.
- Several exempt topics really present: the one with the bigger consequence for the
  customer relationship names the call (PRIORITY, below); an exempt topic always outranks
  a program topic that counts, so an exempt concern really present frees the call.
"""

from __future__ import annotations

from dataclasses import dataclass

# Up to N words in between, lazily: `{W}` is one word plus the space after it.
_W = r"(?:\w+\s+)"


@dataclass(frozen=True)
class Pattern:
    """One way customers phrase a topic."""

    regex: str
    lack: bool = False
    unless: str | None = None


@dataclass(frozen=True)
class Topic:
    """A built-in topic: its patterns and the look-alikes that must not match."""

    patterns: tuple[Pattern, ...]
    blockers: tuple[str, ...] = ()


def _p(*regexes: str, lack: bool = False, unless: str | None = None) -> tuple[Pattern, ...]:
    return tuple(Pattern(r, lack=lack, unless=unless) for r in regexes)


CONTRACT_EXTENSION = Topic(
    patterns=_p(
        r"\b\w*verl(?:ae|a)nger\w*",  # verlängern, Verlängerung, Vertragsverlängerung
        r"\bvvl",  # also "VVL-Anfrage", which normalises to "vvlanfrage"
        rf"\b\w*vertrag\w*\s+{_W}{{0,3}}?(?:laeuft|lauft)\s+{_W}{{0,3}}?(?:aus|ab)\b",
        rf"\b\w*vertrag\w*\s+{_W}{{0,3}}?endet\b",
        r"\b(?:vertragsende|vertragsablauf|restlaufzeit|anschlussvertrag)\b",
        rf"\b(?:mindest)?laufzeit\s+{_W}{{0,2}}?(?:endet|ende|ab|aus|vorbei)\b",
        rf"\b\w*vertrag\w*\s+{_W}{{0,3}}?erneuer\w*",
        r"\brenew\w*",
        rf"\b(?:extend\w*|extension)\s+{_W}{{0,2}}?(?:contract|plan|subscription|agreement|term)\b",
        r"\b(?:contract|plan)\s+extension\b",
        r"\bre\s?contract\w*",
        rf"\bcontract\s+{_W}{{0,2}}?(?:ends|ending|expires|expiring|runs\s+out|running\s+out|is\s+up|finishes)\b",
        r"\bend\s+of\s+(?:my|the)\s+(?:\w+\s+)?(?:contract|minimum\s+term)\b",
        r"\bout\s+of\s+contract\b",
        r"\b(?:due|eligible)\s+(?:for\s+)?(?:an\s+)?upgrade\b",
        rf"\b(?:term|contract|plan)\s+{_W}{{0,1}}?is\s+(?:nearly\s+|almost\s+|soon\s+)?(?:over|ending|finishing)\b",
        r"\bsign\w*\s+(?:up\s+)?again\b|\bre\s?sign\w*",
        r"\bstay\s+with\s+(?:you|your\s+network)\b",
    ),
    blockers=(
        rf"\b(?:zahlungs|zahl|abgabe)?(?:frist|ziel)\w*\s+{_W}{{0,2}}?verl(?:ae|a)nger\w*",
        r"\b\w*fristverl(?:ae|a)nger\w*",
        r"\bverl(?:ae|a)ngerungs(?:kabel|schnur|stueck|adapter)\w*",
        rf"\b(?:datenpass|pass|option|tagesflat|reisepass|ausweis|personalausweis)\w*\s+{_W}{{0,2}}?verl(?:ae|a)nger\w*",
        rf"\bverl(?:ae|a)nger\w*\s+{_W}{{0,2}}?(?:datenpass|pass|option|tagesflat|reisepass|ausweis|personalausweis|frist|zahlungsfrist)\b",
        rf"\brenew\w*\s+{_W}{{0,2}}?(?:password|passport|id|licen[cs]e|card|sim|prescription)\b",
    ),
)

DUNNING = Topic(
    patterns=_p(
        r"\b(?:erst|zweit|dritt|letzt|ge|an|zahlungs)?mahn(?:ung|ungen|t|en|gebuehr|bescheid|stufe"
        r"|schreiben|kosten|verfahren|brief|lauf)?\w*",
        r"\b\w*zahlungs?erinn?erung\w*",  # also the common "Zahlungserinerung"
        rf"\berinnerung\w*\s+{_W}{{0,2}}?(?:zahlung|offene\w*)\b",
        r"\b\w*inkasso\w*",
        r"\b(?:zahlungsaufforderung|zahlungsverzug|nichtzahlung|zahlungsaufschub|stundung)\w*",
        r"\b\w*(?:zahlungs)?rueckst(?:ae|a)nd\w*",
        r"\b\w*ruecklastschrift\w*",
        r"\b(?:ratenzahlung\w*|in\s+raten)\b",
        r"\bschufa\b",
        rf"\b(?:zahlungs|zahl)?(?:frist|ziel)\w*\s+{_W}{{0,2}}?verl(?:ae|a)nger\w*",
        r"\b\w*fristverl(?:ae|a)nger\w*",
        r"\bspaeter\s+(?:\w+\s+)?(?:be)?zahlen\b",
        r"\boffene\w*\s+(?:\w+\s+)?(?:rechnung|betrag|betraege|forderung|posten|summe)\w*",
        rf"\brechnung\w*\s+{_W}{{0,2}}?offen\b",
        rf"\b(?:rechnung|betrag)\w*\s+{_W}{{0,3}}?nicht\s+(?:be)?zahlt\b",
        r"\bdunning\b",
        r"\b(?:payment|final|overdue|second|last)\s+reminder\w*",
        r"\breminder\s+(?:letter|notice|about\s+(?:\w+\s+)?(?:payment|unpaid|overdue)"
        r"|for\s+(?:\w+\s+)?(?:payment|unpaid|overdue))",
        r"\bfinal\s+notice\b",
        r"\bdebt\w*(?:\s+collect\w*)?",
        r"\bcollections?\s+(?:agency|agencies|team|letter|department|call\w*)\b",
        r"\b(?:overdue|arrears)\b",
        r"\b(?:unpaid|outstanding)\s+(?:\w+\s+)?(?:bill|invoice|balance|amount|debt)\w*",
        r"\b(?:pay\w*\s+(?:\w+\s+)?in\s+)?instal+ments?\b",
        r"\blate\s+(?:payment|fee)\w*",
        r"\bmissed\s+(?:a\s+|my\s+)?payment\w*",
        r"\bpayment\s+(?:plan|arrangement|extension|deferral)\w*",
        r"\bmore\s+time\s+to\s+pay\b",
        r"\bnon\s?payment\b",
        r"\b(?:direct\s+debit|payment)\s+(?:\w+\s+)?(?:bounced|failed|returned|was\s+returned)\b",
        r"\b(?:bounced|returned|failed)\s+(?:direct\s+debit|payment)\b",
    )
    + _p(
        rf"\b(?:kann|kannst|koennen|konnte)\s+{_W}{{0,4}}?nicht\s+(?:mehr\s+)?(?:be)?zahlen\b",
        r"\b(?:cant|cannot|can\s+not|unable\s+to)\s+(?:afford\s+to\s+)?pay\b",
        lack=True,
    ),
    blockers=(
        # reminder e-mails and app notifications are a setting, not a dunning letter
        r"\b(?:\w+\s+)?reminder\w*\s+(?:e?mails?|sms|texts?|notifications?|push\w*|alerts?)\b",
    ),
)

_KUENDIG = r"(?:ge|sonder|vertrags|handyvertrags|teil)?k(?:ue|u)ndi?g(?:ung|en|t|st|te|ten|bar)\w*"

CANCELLATION = Topic(
    patterns=_p(
        rf"\b{_KUENDIG}",
        r"\b(?:ge)?kuendige\b",
        r"\b\w*widerruf\w*",
        r"\bruecktritt\w*",
        r"\bzuruecktreten\b|\bzurueck\s+zu\s+treten\b",
        rf"\b\w*vertrag\w*\s+{_W}{{0,3}}?(?:beenden|aufloesen|aufheben|loswerden|stornieren)\b",
        rf"\braus\s+aus\s+{_W}?vertrag\w*",
        rf"\b(?:want|get|getting|way)\s+out\s+of\s+(?:my|the|this)\s+{_W}?(?:contract|plan)\b",
        r"\b(?:zu|zum)\s+(?:einem\s+)?(?:anderen|neuen)\s+anbieter\b",
        r"\bcancel\w*",
        r"\bterminat\w*",
        rf"\b(?:end|exit|quit|close|leave|leaving|disconnect)\s+(?:my|the|this|our)\s+{_W}?"
        r"(?:contract|plan|account|subscription|line|service)\b",
        r"\bleav\w*\s+(?:for\s+|to\s+)?(?:another|a\s+different|your)\s+(?:network|provider|operator|carrier)\b",
        r"\bswitch\w*\s+(?:to\s+)?(?:another|a\s+different)\s+(?:network|provider|operator|carrier)\b",
        r"\b(?:pac|stac)\s+code\b",
        r"\bport\w*\s+(?:my\s+)?number\s+(?:out|away)\b",
        r"\bwithdraw\w*\s+from\s+(?:the\s+|my\s+)?(?:contract|agreement)\b",
        r"\bcooling\s?off\b",
    ),
    blockers=(
        rf"\b(?:job|arbeit\w*|arbeitsplatz|wohnung|mietvertrag|miete|vermieter\w*)\s+{_W}{{0,3}}?(?:ge)?k(?:ue|u)ndigt\b",
        rf"\b(?:ge)?k(?:ue|u)ndigt\s+{_W}{{0,3}}?(?:job|arbeit\w*|arbeitsplatz|wohnung|mietvertrag)\b",
        rf"\b(?:appointment|technician|engineer|visit|delivery|order|flight)\w*\s+{_W}{{0,3}}?cancel\w*",
        rf"\bcancel\w*\s+{_W}{{0,2}}?(?:appointment|technician|engineer|visit|delivery|order|flight)\w*",
    ),
)

_NET = (
    r"(?:netz|handynetz|mobilfunknetz|empfang|netzempfang|signal|verbindung|datenverbindung"
    r"|dienst|lte|[345]g|edge|balken)"  # "Kein Dienst" is what German phones show
)
_NET_THING = (
    r"(?:netz|handynetz|empfang|internet|mobile\s+internet|mobiles\s+internet|lte|[345]g"
    r"|mobilfunk\w*|datenverbindung|mobile\s+daten|verbindung|surfen|telefonie)"
)
_SPEED_THING = (
    r"(?:internet|daten\w*|netz|lte|[345]g|surfen|verbindung|download|upload|geschwindigkeit"
    r"|mobile\s+data|data|speed|speeds|connection)"
)
THROTTLED = (
    rf"\b(?:datenvolumen|volumen|highspeed\w*|inklusivvolumen|datenpaket|daten)\w*\s+{_W}{{0,3}}?"
    r"(?:aufgebraucht|verbraucht|leer|alle|weg)\b|\bgedrosselt\b|\bdrosselung\b|\bthrottl\w*"
    rf"|\b(?:data|allowance|data\s+allowance)\s+{_W}{{0,2}}?(?:used\s+up|ran\s+out|run\s+out|is\s+gone)\b"
)

RECEPTION_PROBLEM = Topic(
    patterns=_p(
        rf"\bkein\w*\s+(?:\w+\s+)?{_NET}\b",
        r"\bnicht\s+(?:mehr\s+)?(?:telefonieren|surfen|ins\s+internet)\b",
        r"\b(?:no|zero|without)\s+(?:mobile\s+|phone\s+|cell\s+|network\s+)?(?:signal|reception|coverage|bars|network)\b",
        r"\bno\s+service\b",
        rf"\b(?:not|dont|doesnt|isnt|havent|cant|cannot|can\s+not)\s+{_W}{{0,2}}?any\s+(?:\w+\s+)?(?:signal|reception|coverage|network|bars)\b",
        r"\b(?:cant|cannot|can\s+not|unable\s+to)\s+connect\s+to\s+(?:the\s+)?(?:network|[345]g|lte|mobile\s+data|internet)\b",
        rf"\b{_NET_THING}\s+{_W}{{0,3}}?(?:geht|funktioniert|klappt)\s+{_W}{{0,3}}?nicht\b",
        lack=True,
    )
    + _p(
        r"\b\w*funkl(?:oe|o)ch\w*",
        r"\b(?:netz|internet|mobilfunk|empfangs|handy|lte|dsl|grossstoerung)\w*stoerung\w*",
        r"\bstoerung\w*",
        r"\b(?:netz|internet|mobilfunk|empfangs|verbindungs)\w*(?:ausfall|ausfaelle|problem\w*|abbruch|abbrueche)\b",
        rf"\b(?:schlecht|schwach|mies|miserabel)\w*\s+(?:\w+\s+)?{_NET}\w*",
        rf"\b{_NET_THING}\w*\s+{_W}{{0,3}}?(?:schlecht|schwach|mies|miserabel|weg|ausgefallen|gestoert|tot)\b",
        rf"\b(?:gespraech|anruf|telefonat|verbindung|internet|netz)\w*\s+{_W}{{0,3}}?(?:brech\w*|bricht|abgebrochen)\b",
        r"\bnur\s+(?:noch\s+)?(?:sos|notruf\w*|edge|e|gprs)\b",
        rf"\bproblem\w*\s+(?:mit\s+)?(?:dem\s+|meinem\s+)?{_NET_THING}\b",
        r"\b(?:mangelnde|schlechte|keine)\s+netzabdeckung\b",
        r"\bdead\s+(?:zone|spot)s?\b",
        r"\b(?:network|mast)\s+(?:outage|down|fault|failure|problem\w*|issue\w*)\b",
        r"\boutage\b",
        r"\b(?:poor|bad|weak|terrible|patchy|spotty)\s+(?:\w+\s+)?(?:signal|reception|coverage|network|connection)\b",
        rf"\b(?:signal|reception|coverage)\s+{_W}{{0,2}}?(?:is\s+|keeps\s+)?(?:bad|poor|weak|terrible|gone|dropping|awful)\b",
        rf"\bcalls?\s+{_W}{{0,2}}?(?:drop\w*|cut\w*\s+out|cut\w*\s+off|keep\s+dropping)\b",
        r"\bdropped\s+calls?\b",
        rf"\b(?:data|internet|connection)\s+{_W}{{0,3}}?(?:cuts?|cutting|drops?|dropping)\s+out\b",
        r"\b(?:one|1|no)\s+bars?\b",
        r"\b(?:los(?:e|es|ing)|lost)\s+(?:the\s+|my\s+)?(?:signal|reception|network|connection)\b",
        r"\b(?:problem|issue)s?\s+with\s+(?:the\s+|my\s+)?(?:signal|reception|network|coverage)\b",
    )
    + _p(
        rf"\b{_SPEED_THING}\w*\s+{_W}{{0,5}}?(?:langsam|lahm|schnecke|kriecht|slow|sluggish)\w*",
        r"\b(?:langsam|lahm|slow)\w*\s+(?:\w+\s+)?(?:internet|netz|verbindung|datenverbindung|data|connection)\b",
        unless=THROTTLED,
    ),
    blockers=(
        r"\b(?:app|portal|kundenportal|login|webseiten|website|zahlungs|rechnungs)\w*stoerung\w*",
        rf"\bstoerung\w*\s+{_W}{{0,3}}?(?:app|portal|kundenportal|login|webseite|website|online\w*|rechnung\w*)\b",
        rf"\b(?:app|portal|kundenportal|webseite|website)\s+{_W}{{0,3}}?(?:langsam|lahm|slow)\w*",
        rf"\bverbindung\w*\s+(?:zu[mr]?\s+|mit\s+)?{_W}{{0,1}}?(?:hotline|portal|kundenportal|app"
        r"|kundenservice|website|webseite|server|bank)\b",
        r"\binternet(?:seite|auftritt|adresse|banking|browser)\w*",
        # "Entschuldigen Sie die Störung" is politeness, not a fault report
        rf"\b(?:entschuldig\w*|sorry|verzeih\w*|pardon)\s+{_W}{{0,3}}?stoerung\w*|\bruhestoerung\w*",
    ),
)

BUILTIN_TOPICS: dict[str, Topic] = {
    "contract_extension": CONTRACT_EXTENSION,
    "dunning": DUNNING,
    "cancellation": CANCELLATION,
    "reception_problem": RECEPTION_PROBLEM,
}

# When several exempt topics are really present, the one with the bigger consequence for the
# customer relationship names the call: ending it, renewing it, money owed, then the network.
PRIORITY = ("cancellation", "contract_extension", "dunning", "reception_problem")
