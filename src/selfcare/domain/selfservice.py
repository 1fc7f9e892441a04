"""Which self-service pages settle a concern instead of a call (the call checker's links).

Pure: from the program's `[[calls.links]]` and the concern as typed. A link is offered when
the concern's category is one of the link's categories, or a word of the concern starts
with one of its keywords, read the way the lexicon reads (lower case, umlauts as ae/oe/ue,
ß as ss), so "Rechnungen" finds the keyword "rechnung" and "Passwort" finds "passwort".
"""

from __future__ import annotations

import re

from selfcare.domain.lexicon.normalise import fold_text
from selfcare.domain.program import CallRules, SelfServiceLink

_WORD = re.compile(r"[^\W_]+")


def links_for(rules: CallRules, text: str, category: str) -> tuple[SelfServiceLink, ...]:
    """The program's links for this concern, in the file's order, each once."""
    words = _words(text)
    return tuple(
        link
        for link in rules.links
        if category in link.categories or any(_starts(words, k) for k in link.keywords)
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold_text(text)[1]))


def _starts(words: tuple[str, ...], keyword: str) -> bool:
    stem = fold_text(keyword)[1].strip()
    return bool(stem) and any(word.startswith(stem) for word in words)
