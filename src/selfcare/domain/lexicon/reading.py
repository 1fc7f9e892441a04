"""Which exempt topic a customer's own words name: German and English, negation-aware.

Customers, IVR transcripts and agents write "Kündigung", "kuendigen", "gekündigt", "KÜNDIGUNG";
the text is normalised first (case, umlaut spellings, accents, hyphens, apostrophes) and then
matched against word stems (`words`) and the program's own keywords. A topic only
counts as *present* when it is not negated: "keine Mahnung bekommen" or "I don't want to
cancel" name a topic the customer does not have. Not being *able* to do something is not a
negation ("Ich kann online nicht kündigen" is a cancellation). When several exempt topics are
present, the fixed order in `words.PRIORITY` decides, then the program's order.
Only patterns whose literal pieces occur in the text are run (`prefilter`); the plain way,
every pattern on every text, is kept in `tests/lexicon_reference.py` as this module's
yardstick.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from selfcare.domain.lexicon.normalise import (
    DASHES,
    Normalised,
    between_letters,
    fold_text,
    normalise,
    origin_of,
)
from selfcare.domain.lexicon.prefilter import PatternIndex, PieceScan, index_patterns
from selfcare.domain.lexicon.words import BUILTIN_TOPICS, PRIORITY, Pattern
from selfcare.domain.program import BUILTIN_CATEGORIES, CallCategory

__all__ = [
    "Mention",
    "Normalised",
    "Reading",
    "is_negated",
    "keyword_pattern",
    "match_lexicon",
    "normalise",
    "read",
]

_BOUNDARY = re.compile(
    r"[.!?;:\n()\[\]\"]|,(?!\s*(?:dass|das|that)\b)|\s[-–—]+\s"
    r"|\b(?:aber|sondern|jedoch|allerdings|trotzdem|dennoch|und|weil|denn|obwohl"
    r"|but|however|although|though|and|because|so|while|whereas|yet)\b"
)
_NEGATOR_WIDE = (  # phrases first: the regex takes the first alternative that matches
    r"not\s+(?:calling|ringing|writing|here|contacting\s+you)\s+(?:about|regarding|because\s+of|for)"
    r"|no\s+(?:intention|plans?|need)\s+to|keine?n?\s+(?:absicht|lust|plaene|grund)"
    r"|instead\s+of|rather\s+than|nicht|nich|nie|niemals|ohne|statt|anstatt|weder|not|never"
    r"|without|neither|nor|dont|didnt|doesnt|havent|hasnt|hadnt|wont|isnt|arent|wasnt|werent"
    r"|wouldnt|shouldnt"
)
_NEGATOR_NEAR = r"kein|keine|keinen|keinem|keiner|keines|keene|no|nix"
_NEGATORS = re.compile(rf"\b(?:(?P<wide>{_NEGATOR_WIDE})|(?P<near>{_NEGATOR_NEAR}))\b")
_ABILITY_BEFORE = re.compile(
    r"\b(?:kann|kannst|koennen|konnte|konnten|klappt|funktioniert|laesst\s+sich|can|could"
    r"|able\s+to)\s+(?:\w+\s+){0,3}$"
)
_ABILITY_BETWEEN = re.compile(r"\b(?:let|lets|allow\w*|lassen|laesst|moeglich|possible)\b")
_NOT_RECEIVED = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:nicht|nie|niemals|keine?|not|never)\W+(?:\w+\W+)?"
    r"(?:bekommen|erhalten|gekriegt|bekommt|angekommen|zugestellt|gesehen|gehabt"
    r"|received|got|arrived|came|had)\b"
)
_NOT_WANTED = re.compile(  # "Kündigen will ich nicht", "Verlängern möchte ich keinesfalls"
    r"^\W*(?:will|moechte|mochte|wollte|werde|muss|brauche)\s+(?:ich|wir)\s+(?:\w+\s+)?"
    r"(?:nicht|keine?s?falls|nie|niemals)\b"
)
_COORDINATED = re.compile(r"\w*\s*,?\s*(?:or|oder|noch|nor)\s+(?:\w+\s+){0,2}")
WIDE_WINDOW = 3  # "nicht" and "not" reach over a few words: "not calling about the reminder"
NEAR_WINDOW = 1  # "kein"/"no" only reach their own noun phrase: "keine neue Mahnung"


@dataclass(frozen=True)
class Mention:
    """One place where the text names a topic, and whether the customer negated it."""

    category: str
    start: int
    end: int
    negated: bool


@dataclass(frozen=True)
class Reading:
    """What the lexicon read: the topic it decided on, and every mention it saw."""

    category: str | None
    matched: tuple[str, ...]
    negated: tuple[str, ...]


def match_lexicon(
    text: str, categories: tuple[CallCategory, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """The topic the text really names among `categories`, with its words from the text."""
    reading = read(text, categories)
    if reading.category is None:
        return None
    return reading.category, reading.matched


def read(text: str, categories: tuple[CallCategory, ...]) -> Reading:
    """Every mention of the given categories, and the one topic chosen from them."""
    plan = _plan_for(categories)
    source, folded = fold_text(text)
    pieces = plan.scan.present(folded)
    found = [m for name, topic in plan.topics for m in _mentions(folded, name, topic, pieces)]
    if not found:
        return Reading(None, (), ())
    norm = Normalised(folded, origin_of(source, folded))
    mentions = _carry_negation(norm.text, found)
    present = [m for m in mentions if not m.negated]
    negated = tuple(_words(text, norm, [m for m in mentions if m.negated]))
    if not present:
        return Reading(None, (), negated)
    rank = _ranking(categories)
    chosen = min({m.category for m in present}, key=rank.__getitem__)
    words = tuple(_words(text, norm, [m for m in present if m.category == chosen]))
    return Reading(chosen, words, negated)


def _carry_negation(text: str, mentions: list[Mention]) -> list[Mention]:
    """A negation carries over "or" and "noch": "weder Mahnung noch Kündigung"."""
    result: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, m.end)):
        previous = next((m for m in reversed(result) if m.end <= mention.start), None)
        if (
            not mention.negated
            and previous is not None
            and previous.negated
            and _COORDINATED.fullmatch(text[previous.end : mention.start])
        ):
            mention = Mention(mention.category, mention.start, mention.end, negated=True)
        result.append(mention)
    return result


def _ranking(categories: tuple[CallCategory, ...]) -> dict[str, tuple[bool, int]]:
    """Exempt before counting (an exempt concern really present frees the call), then PRIORITY."""
    order = {name: i for i, name in enumerate(PRIORITY)}
    return {
        c.name: (c.counts, order.get(c.name, len(PRIORITY) + i)) for i, c in enumerate(categories)
    }


def _mentions(text: str, name: str, topic: _Filtered, pieces: set[str]) -> list[Mention]:
    """The category's mentions, running only the patterns whose literal pieces occur
    (`prefilter`): the same mentions, in the same order, as running them all."""
    if not topic.index.always and pieces.isdisjoint(topic.pieces):
        return []  # no pattern of the category can match: most texts, most categories
    blocked: list[tuple[int, int]] | None = None
    found: list[Mention] = []
    for index in topic.index.candidates(pieces):
        pattern, compiled, unless = topic.patterns[index]
        if unless is not None and unless.search(text):
            continue
        for match in compiled.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            if blocked is None:
                blocked = [m.span() for b in topic.blockers for m in b.finditer(text)]
            if any(s < end and start < e for s, e in blocked):
                continue
            negated = not pattern.lack and is_negated(text, start, end)
            found.append(Mention(name, start, end, negated))
    return found


_Compiled = tuple[Pattern, re.Pattern[str], re.Pattern[str] | None]


@dataclass(frozen=True)
class _Filtered:
    """A category's compiled patterns and blockers, and which patterns each piece calls for."""

    patterns: tuple[_Compiled, ...]
    blockers: tuple[re.Pattern[str], ...]
    index: PatternIndex
    pieces: frozenset[str]  # every piece some pattern needs


@dataclass(frozen=True)
class _Plan:
    """How to read for a tuple of categories: each one's patterns, and one scan for the
    literal pieces of all of them."""

    topics: tuple[tuple[str, _Filtered], ...]
    scan: PieceScan


_LAST_PLAN: list[tuple[tuple[CallCategory, ...], _Plan]] = []


def _plan_for(categories: tuple[CallCategory, ...]) -> _Plan:
    """The plan, looked up by identity when the categories are those read for last: the same
    tuple comes back text after text, and hashing it (frozen pydantic models, field by
    field) costs more than the rest of the lookup. One pair, replaced whole (thread-safe)."""
    if _LAST_PLAN:
        last, plan = _LAST_PLAN[0]
        if last is categories:
            return plan
    plan = _plan(categories)
    _LAST_PLAN[:] = [(categories, plan)]
    return plan


@lru_cache(maxsize=64)
def _plan(categories: tuple[CallCategory, ...]) -> _Plan:
    topics = tuple((c.name, _filtered_topic(*_topic_key(c))) for c in categories)
    pieces = {piece for _, topic in topics for piece in topic.index.by_piece}
    return _Plan(topics, PieceScan(pieces))


@lru_cache(maxsize=256)
def _filtered_topic(topic_name: str | None, keywords: tuple[str, ...]) -> _Filtered:
    patterns, blockers = _compiled_topic(topic_name, keywords)
    index = index_patterns(c.pattern for _, c, _ in patterns)
    return _Filtered(patterns, blockers, index, frozenset(index.by_piece))


def _patterns_for(
    category: CallCategory,
) -> tuple[tuple[_Compiled, ...], tuple[re.Pattern[str], ...]]:
    return _compiled_topic(*_topic_key(category))


def _topic_key(category: CallCategory) -> tuple[str | None, tuple[str, ...]]:
    """The built-in topic a category uses (None: only its own keywords), and its keywords."""
    builtin = category.builtin_lexicon and category.name in BUILTIN_CATEGORIES
    return (category.name if builtin else None), category.keywords


@lru_cache(maxsize=256)
def _compiled_topic(
    topic_name: str | None, keywords: tuple[str, ...]
) -> tuple[tuple[_Compiled, ...], tuple[re.Pattern[str], ...]]:
    patterns = [keyword_pattern(k) for k in keywords if normalise(k).text.strip()]
    blockers: tuple[str, ...] = ()
    if topic_name is not None:
        topic = BUILTIN_TOPICS[topic_name]
        patterns.extend(topic.patterns)
        blockers = topic.blockers
    compiled = tuple(
        (p, re.compile(p.regex), re.compile(p.unless) if p.unless else None) for p in patterns
    )
    return compiled, tuple(re.compile(b) for b in blockers)


def keyword_pattern(keyword: str) -> Pattern:
    """A program keyword as a stem: it matches every word that starts with it.

    "Mahnung" finds "Mahnungen"; "kein Netz" finds "kein Netz" and is itself a lack, so a
    keyword that starts with a negation is not cancelled by it.
    """
    words = normalise(keyword).text.split()
    regex = r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\w*"
    lack = bool(_NEGATORS.fullmatch(words[0]))
    return Pattern(regex, lack=lack)


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether the words at [start, end) are negated within their clause.

    A negation word shortly before ("keine Mahnung", "not calling about the reminder") or a
    verb-final "nicht bekommen" after ("Die Mahnung habe ich nicht bekommen") negates; an
    inability ("kann nicht kündigen", "won't let me cancel") does not.
    """
    clause_start, clause_end = _clause(text, start, end)
    left = text[clause_start:start]
    for negator in _NEGATORS.finditer(left):
        between = left[negator.end() :]
        window = WIDE_WINDOW if negator.group("wide") else NEAR_WINDOW
        if negator.group() == "ohne" and not between.rstrip().endswith(" zu"):
            window = NEAR_WINDOW  # "ohne mein Wissen verlängert" negates the Wissen only
        if len(between.split()) > window or _ABILITY_BETWEEN.search(between):
            continue
        if _ABILITY_BEFORE.search(left[: negator.start()]):
            continue
        return True
    right = text[end:clause_end]
    return bool(_NOT_RECEIVED.search(right) or _NOT_WANTED.search(right))


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    clause_start, clause_end = 0, len(text)
    for boundary in _BOUNDARY.finditer(text):
        if boundary.end() <= start:
            clause_start = boundary.end()
        elif boundary.start() >= end:
            clause_end = boundary.start()
            break
    return clause_start, clause_end


def _words(original: str, norm: Normalised, mentions: list[Mention]) -> list[str]:
    """The original words covering each mention, in text order, each once."""
    source = unicodedata.normalize("NFC", original)
    seen: list[str] = []
    for start, end in _merged(mentions):
        first, last = norm.origin[start], norm.origin[end - 1]
        while first > 0 and _in_word(source, first - 1):
            first -= 1
        while last < len(source) - 1 and _in_word(source, last + 1):
            last += 1
        word = source[first : last + 1]
        if word not in seen:
            seen.append(word)
    return seen


def _merged(mentions: list[Mention]) -> list[tuple[int, int]]:
    """Overlapping mentions ("debt collection" and "collection letter") as one span."""
    spans: list[tuple[int, int]] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        if spans and mention.start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], mention.end))
        else:
            spans.append((mention.start, mention.end))
    return spans


def _in_word(source: str, index: int) -> bool:
    char = source[index]
    return char.isalnum() or (char in DASHES and between_letters(source, index))
