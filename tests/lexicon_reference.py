"""The lexicon read the plain way: the yardstick the fast `lexicon.read` is held to.

`lexicon.read` folds text through a translation table and skips patterns whose literal
pieces are absent; this module folds character by character and runs every pattern, as the
lexicon did first. Both must give the same `Reading` for every text (a property test checks
it on arbitrary text), and `bench/classify.py` measures the two side by side.
"""

from __future__ import annotations

import unicodedata

from selfcare.domain.lexicon.normalise import APOSTROPHES, DASHES, SPELLING, Normalised
from selfcare.domain.lexicon.reading import (
    Mention,
    Reading,
    _carry_negation,
    _patterns_for,
    _ranking,
    _words,
    is_negated,
)
from selfcare.domain.program import CallCategory


def normalise_reference(text: str) -> Normalised:
    """`lexicon.normalise`, one character at a time."""
    source = unicodedata.normalize("NFC", text)
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(source):
        for out in _fold(char, source, index):
            chars.append(out)
            origin.append(index)
    return Normalised("".join(chars), tuple(origin))


def _fold(char: str, source: str, index: int) -> str:
    if char in SPELLING or char.lower() in SPELLING:
        return SPELLING.get(char, SPELLING.get(char.lower(), char))
    if char in APOSTROPHES:
        return ""
    if char in DASHES and _between_letters(source, index):
        return ""
    folded = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _between_letters(source: str, index: int) -> bool:
    return (
        0 < index < len(source) - 1 and source[index - 1].isalnum() and source[index + 1].isalnum()
    )


def read_reference(text: str, categories: tuple[CallCategory, ...]) -> Reading:
    """`lexicon.read` with every pattern of every category run over the text."""
    norm = normalise_reference(text)
    found = [m for c in categories for m in _mentions_reference(norm.text, c)]
    mentions = _carry_negation(norm.text, found)
    present = [m for m in mentions if not m.negated]
    negated = tuple(_words(text, norm, [m for m in mentions if m.negated]))
    if not present:
        return Reading(None, (), negated)
    rank = _ranking(categories)
    chosen = min({m.category for m in present}, key=rank.__getitem__)
    words = tuple(_words(text, norm, [m for m in present if m.category == chosen]))
    return Reading(chosen, words, negated)


def _mentions_reference(text: str, category: CallCategory) -> list[Mention]:
    patterns, blockers = _patterns_for(category)
    blocked = [m.span() for b in blockers for m in b.finditer(text)]
    found: list[Mention] = []
    for pattern, compiled, unless in patterns:
        if unless is not None and unless.search(text):
            continue
        for match in compiled.finditer(text):
            start, end = match.span()
            if start == end or any(s < end and start < e for s, e in blocked):
                continue
            negated = not pattern.lack and is_negated(text, start, end)
            found.append(Mention(category.name, start, end, negated))
    return found
