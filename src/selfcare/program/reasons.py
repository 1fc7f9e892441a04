"""The evaluator's explanations in the customer's language.

The domain writes every explanation (a call's verdict, a streak, a pending grant, the next
milestone) as English sentences: they are part of the API's documents and of the stored
progress, and an engine that is property-tested against others should not carry a
language. A German page or report must not show them in English, though, so this module
holds each sentence the domain writes beside its German wording, reads an explanation back
sentence by sentence and writes it again in German, with the values it names (topics,
event types, periods, megabytes, quoted words) in German too.

Each English sentence is written here once as a template (`{name}` marks a value, `(s)` an
optional plural s); the tests walk generated histories and fail on any explanation the
catalogue cannot read, so a sentence added to the domain without its German wording is
caught there. An unknown sentence is shown as written (English) rather than lost.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from selfcare.domain.program import Program, TaskReward
from selfcare.program.explain import category_title, count, megabytes
from selfcare.program.explain_texts import CHANNELS

# What each kind of value looks like in an English explanation; ids and words are
# Python reprs ('x' or "x").
_QUOTED = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_VALUES = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "clock": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
    "id": _QUOTED,
    "words": f"{_QUOTED}(?:, {_QUOTED})*",
    "weighed": f"the text as a whole|{_QUOTED}(?:, {_QUOTED})*",
    "category": r"[^\s;,()]+",
    "type": r"[a-z_]+",
    "zone": r"[A-Za-z0-9_/+\-]+",
    "n": r"\d+",
    "pct": r"\d+%",
    "version": r"[^\s;()]+",
    "limits": r"\d+ MB per [a-z]+(?:, \d+ MB per [a-z]+)*",
    "title": r"[^.]+",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence the domain writes, in English (as written) and in German."""

    en: str
    de: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.en)


def _kind(name: str) -> str:
    """A placeholder's kind: its name without a trailing digit (`day2` is a day)."""
    return name.rstrip("0123456789")


@cache
def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z0-9]+\}|\(s\))", template)
    regex = []
    for part in parts:
        if part == "(s)":
            regex.append("s?")
        elif part.startswith("{"):
            name = part[1:-1]
            regex.append(f"(?P<{name}>{_VALUES[_kind(name)]})")
        else:
            regex.append(re.escape(part))
    return re.compile("".join(regex) + r"(?=\s|\Z)")


# The order matters only where one sentence begins another; none does.
SENTENCES: tuple[Sentence, ...] = (
    # calls (domain/calls.py)
    Sentence(
        "No exempt topic recognised (reason code or words), so the call counts.",
        "Kein ausgenommenes Thema erkannt (weder am Grundcode noch an den Worten), daher "
        "zählt der Anruf.",
    ),
    Sentence(
        "The words {words} were read as negated (the customer does not have that concern).",
        "Die Worte {words} wurden als verneint gelesen (dieses Anliegen besteht nicht).",
    ),
    Sentence(
        "Classified as {category} by the agent's reason code {id}; this topic does not count.",
        "Thema {category}, erkannt am Grundcode {id} des Mitarbeiters; dieses Thema zählt nicht.",
    ),
    Sentence(
        "Classified as {category} by the agent's reason code {id}; this topic counts.",
        "Thema {category}, erkannt am Grundcode {id} des Mitarbeiters; dieses Thema zählt.",
    ),
    Sentence(
        "Classified as {category} by the words {words}; this topic does not count.",
        "Thema {category}, erkannt an den Worten {words}; dieses Thema zählt nicht.",
    ),
    Sentence(
        "Classified as {category} by the words {words}; this topic counts.",
        "Thema {category}, erkannt an den Worten {words}; dieses Thema zählt.",
    ),
    Sentence(
        "Classified as {category} by the trained model {version} ({pct}); the words that "
        "weighed most: {weighed}; this topic does not count.",
        "Thema {category}, erkannt vom gelernten Modell {version} ({pct}); am stärksten "
        "wogen: {weighed}; dieses Thema zählt nicht.",
    ),
    Sentence(
        "Probably about {category} ({pct} by the trained model {version}; the words that "
        "weighed most: {weighed}); not certain, so counted in your favour: the call does not "
        "count.",
        "Wahrscheinlich Thema {category} ({pct} laut gelerntem Modell {version}; am stärksten "
        "wogen: {weighed}); nicht sicher, daher zu Ihren Gunsten gewertet: Der Anruf zählt "
        "nicht.",
    ),
    # contacts (domain/contacts.py)
    Sentence(
        "The operator started this contact (outbound), so it does not count.",
        "Diesen Kontakt hat der Anbieter begonnen (ausgehend), daher zählt er nicht.",
    ),
    Sentence(
        "The call never reached an agent, so it does not count.",
        "Der Anruf hat nie einen Mitarbeiter erreicht, daher zählt er nicht.",
    ),
    Sentence("Contacts by {type} do not count.", "Kontakte über {type} zählen nicht."),
    Sentence("(Topic: {category}.)", "(Thema: {category}.)"),
    Sentence(
        "Hotline pass: {type} {id} on {clock} covers calls until {clock2} ({zone} time, {n} "
        "calendar day(s) later), so this call does not count.",
        "Hotline-Pass: {type} {id} am {clock} deckt Anrufe bis {clock2} ab (Zeit {zone}, "
        "{n:Kalendertag} später), daher zählt dieser Anruf nicht.",
    ),
    # evaluator (domain/evaluator.py)
    Sentence(
        "Not enrolled: the invitation was not accepted.",
        "Nicht angemeldet: Die Einladung wurde nicht angenommen.",
    ),
    Sentence(
        "Not enrolled in the program at the time, so it does not count.",
        "Zu der Zeit noch nicht im Programm angemeldet, daher zählt der Anruf nicht.",
    ),
    # streaks (domain/streak.py)
    Sentence(
        "Recorded only after the streak bonus was settled on {day}: the bonus stands; "
        "reconciliation reports this call.",
        "Erst erfasst, nachdem der Bonus am {day} gutgeschrieben war: Der Bonus bleibt; der "
        "Abgleich meldet diesen Anruf.",
    ),
    Sentence(
        "Counted call {id} broke the window; this bonus is forfeited.",
        "Der gezählte Anruf {id} hat den Zeitraum unterbrochen; dieser Bonus verfällt.",
    ),
    Sentence(
        "Completed {n} month(s) without a counted call on {day}; paid after {n2} day(s) of "
        "settlement on {day2}.",
        "{n:Kalendermonat} ohne gezählten Anruf erreicht am {day}; gutgeschrieben am {day2} "
        "(Abrechnungsfrist {n2:Tag}).",
    ),
    Sentence(  # the wording before 0.1.0's plural fix, still in stored progress documents
        "Completed {n} months without a counted call on {day}; paid after {n2} days' "
        "settlement on {day2}.",
        "{n:Kalendermonat} ohne gezählten Anruf erreicht am {day}; gutgeschrieben am {day2} "
        "(Abrechnungsfrist {n2:Tag}).",
    ),
    Sentence(
        "Window running; completes on {day} if no counted call.",
        "Der Zeitraum läuft; er ist am {day} erreicht, wenn kein gezählter Anruf dazwischenkommt.",
    ),
    Sentence(
        "Window running (restarted after counted call {id}); completes on {day} if no counted "
        "call.",
        "Der Zeitraum läuft (neu begonnen nach dem gezählten Anruf {id}); er ist am {day} "
        "erreicht, wenn kein gezählter Anruf dazwischenkommt.",
    ),
    Sentence(
        "Counted call {id} broke the window; a new one starts on {day} and completes on {day2}.",
        "Der gezählte Anruf {id} hat den Zeitraum unterbrochen; ein neuer beginnt am {day} und "
        "ist am {day2} erreicht.",
    ),
    Sentence(
        "The contract ended before the window completed; this bonus is forfeited.",
        "Der Vertrag endete, bevor der Zeitraum erreicht war; dieser Bonus verfällt.",
    ),
    # pending grants (domain/caps.py)
    Sentence(
        "Held back by the cap on data per period; paid on {day} when the next period has room.",
        "Wegen der Obergrenze je Zeitraum zurückgehalten; gutgeschrieben am {day}, wenn der "
        "nächste Zeitraum Platz hat.",
    ),
    Sentence(
        "Earned; paid on {day} after the settlement period.",
        "Erworben; gutgeschrieben am {day} nach der Abrechnungsfrist.",
    ),
    Sentence(
        "Held back by the cap ({limits}) and not carried over.",
        "Wegen der Obergrenze ({limits}) zurückgehalten und nicht übertragen.",
    ),
    # the next milestone (domain/milestone.py)
    Sentence(
        "{n} MB when the no-hotline window completes on {day} without a counted call.",
        "{n:MB}, wenn der Zeitraum ohne gezählten Anruf am {day} erreicht ist.",
    ),
    Sentence("{n} MB for: {title}.", "{n:MB} für: {title}."),
    # a rejected top-up (customers/queries.py)
    Sentence(
        "The charging system refused this top-up, so it has not reached you; the operator can "
        "send it again.",
        "Das Abrechnungssystem hat diese Aufladung abgelehnt, sie hat Sie also nicht erreicht; "
        "der Anbieter kann sie erneut senden.",
    ),
)

# Values the sentences name, in German.
EVENT_TYPES_DE = {
    **CHANNELS["de"],
    "speedcheck_deviation": "Speedtest-Abweichung",
    "network_outage": "Netzstörung",
}
_CAP_PERIODS_DE = {"month": "Kalendermonat", "year": "Kalenderjahr", "program": "Programmlaufzeit"}
STATUS = {
    "en": {
        "running": "running",
        "completed": "completed",
        "broken": "broken",
        "forfeited": "forfeited",
        "not_enrolled": "not enrolled",
    },
    "de": {
        "running": "läuft",
        "completed": "erreicht",
        "broken": "unterbrochen",
        "forfeited": "verfallen",
        "not_enrolled": "nicht angemeldet",
    },
}
PENDING_REASONS = {
    "en": {
        "settlement_pending": "settlement pending",
        "cap_exceeded": "cap exceeded",
        "budget_exhausted": "budget exhausted",
    },
    "de": {
        "settlement_pending": "Abrechnungsfrist läuft",
        "cap_exceeded": "Obergrenze erreicht",
        "budget_exhausted": "Budget ausgeschöpft",
    },
}
PERIOD_ONCE = {"en": "once", "de": "einmalig"}


def status_word(status: str, lang: str) -> str:
    """A streak's status for people ("not enrolled", "nicht angemeldet")."""
    return STATUS[_lang(lang)].get(status, status)


def pending_reason(reason: str, lang: str) -> str:
    """Why a grant waits, for people."""
    return PENDING_REASONS[_lang(lang)].get(reason, reason)


def period_word(period: str, lang: str) -> str:
    """A grant's period: "once" in words, a month or a window's first day as it is."""
    return PERIOD_ONCE[_lang(lang)] if period == "once" else period


def _lang(lang: str) -> str:
    return "de" if lang == "de" else "en"


def explanation(text: str, lang: str, program: Program | None = None) -> str:
    """An explanation of the domain in `lang`; a sentence the catalogue does not know stays
    as written (English), so nothing is lost."""
    if _lang(lang) == "en" or not text:
        return text
    sentences = read_sentences(text)
    if sentences is None:
        return text
    return " ".join(_german(sentence, found, program) for sentence, found in sentences)


def read_sentences(text: str) -> list[tuple[Sentence, dict[str, str]]] | None:
    """The explanation as the catalogue's sentences with their values; None when a part of
    it is no sentence of the catalogue."""
    found: list[tuple[Sentence, dict[str, str]]] = []
    position = 0
    while position < len(text):
        match = _next(text, position)
        if match is None:
            return None
        sentence, hit = match
        found.append((sentence, hit.groupdict()))
        position = hit.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return found


def _next(text: str, position: int) -> tuple[Sentence, re.Match[str]] | None:
    for sentence in SENTENCES:
        hit = sentence.pattern.match(text, position)
        if hit is not None:
            return sentence, hit
    return None


def _german(sentence: Sentence, values: Mapping[str, str], program: Program | None) -> str:
    converted = {name: _value(name, value, program) for name, value in values.items()}
    return _GermanFormatter().format(sentence.de, **converted)


class _GermanFormatter(string.Formatter):
    """`{n:Tag}` writes "1 Tag" / "3 Tage", `{n:MB}` "1.800 MB"; other values as they are."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "MB":
            return megabytes(int(value), "de")
        if format_spec:
            return count(int(value), "de", format_spec, format_spec)
        return str(value)


def _value(name: str, value: str, program: Program | None) -> str:
    convert = _CONVERT.get(_kind(name))
    return convert(value, program) if convert else value


def _quoted(text: str) -> list[str]:
    return [str(word) for word in ast.literal_eval(f"[{text}]")]


def _words(value: str, _: Program | None) -> str:
    return ", ".join(f"„{word}“" for word in _quoted(value))


def _weighed(value: str, program: Program | None) -> str:
    return "der Text als Ganzes" if value == "the text as a whole" else _words(value, program)


def _category(value: str, program: Program | None) -> str:
    return topic(value, "de", program)


OTHER_TOPIC = {"de": "sonstiges Thema", "en": "other topic"}


def topic(name: str, lang: str, program: Program | None = None) -> str:
    """A call's topic for people: the program's title, the built-in one, "other topic"."""
    configured = program.calls.category(name) if program is not None else None
    if name == "other" and (configured is None or not configured.title.get(lang)):
        return OTHER_TOPIC[_lang(lang)]
    return category_title(configured, name, lang)


def reward_title(reward_id: str, lang: str, program: Program | None) -> str:
    """A reward's title in `lang` (its id when the program gives none)."""
    titles = {r.id: r.title.get(lang) for r in program.rewards} if program is not None else {}
    return titles.get(reward_id) or reward_id


def _limits(value: str, _: Program | None) -> str:
    parts = re.findall(r"(\d+) MB per ([a-z]+)", value)
    return ", ".join(
        f"{megabytes(int(mb), 'de')} je {_CAP_PERIODS_DE.get(period, period)}"
        for mb, period in parts
    )


def _title(value: str, program: Program | None) -> str:
    """A reward's title: the program's German one where its English one is this."""
    for reward in program.rewards if program is not None else ():
        event = reward.event.replace("_", " ") if isinstance(reward, TaskReward) else None
        if value in (reward.title.get("en"), event):
            return reward.title.get("de") or value
    return value


_CONVERT: dict[str, Callable[[str, Program | None], str]] = {
    "id": lambda value, _: _words(value, None),
    "words": _words,
    "weighed": _weighed,
    "category": _category,
    "type": lambda value, _: EVENT_TYPES_DE.get(value, value.replace("_", " ")),
    "pct": lambda value, _: value.replace("%", " %"),
    "limits": _limits,
    "title": _title,
}
