"""How customer text is normalised before the lexicon reads it.

Lower case, umlauts spelled ae/oe/ue/ss, accents dropped, apostrophes removed ("don't" ->
"dont") and hyphens between letters removed ("Netz-Störung" -> "netzstoerung"), so one
stem finds every spelling. Each normalised character remembers the original character it
came from, so the words a verdict quotes are the customer's own.

Every character but a hyphen folds on its own, so the text goes through one translation
table (each character worked out once) instead of being folded character by character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SPELLING = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"}
APOSTROPHES = "'’‘`´"
DASHES = "-‐‑–—"
_NOT_ONE = re.compile(r"[^\x00-\x7f]|['`]")  # may fold to more or fewer than one character
_IN_WORD_DASH = re.compile(rf"(?<=[^\W_])[{DASHES}](?=[^\W_])")  # [^\W_] is str.isalnum


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for every character, where it came from in the original."""

    text: str
    origin: tuple[int, ...]


def normalise(text: str) -> Normalised:
    """Lower case, umlauts as ae/oe/ue/ss, no accents, no apostrophes, no in-word hyphens."""
    source, folded = fold_text(text)
    return Normalised(folded, origin_of(source, folded))


def fold_text(text: str) -> tuple[str, str]:
    """The text in NFC and normalised: in-word hyphens out, then every character folded on
    its own through one translation table (`_fold_char`, worked out once per character)."""
    source = unicodedata.normalize("NFC", text)
    return source, _IN_WORD_DASH.sub("", source).translate(_FOLDS)


def origin_of(source: str, folded: str) -> tuple[int, ...]:
    """For every normalised character, the index of the source character it came from.

    Most characters fold to exactly one; only the others (outside ASCII, apostrophes,
    hyphens between letters) are looked at one by one.
    """
    if len(folded) == len(source) and source.isascii():
        return tuple(range(len(source)))  # ASCII folds to one character or none
    widths = {m.start(): len(_FOLDS[ord(m.group())]) for m in _NOT_ONE.finditer(source)}
    widths.update((dash.start(), 0) for dash in _IN_WORD_DASH.finditer(source))
    origin: list[int] = []
    done = 0
    for index in sorted(widths):
        origin.extend(range(done, index))
        origin.extend([index] * widths[index])
        done = index + 1
    origin.extend(range(done, len(source)))
    return tuple(origin)


def _fold_char(char: str) -> str:
    """One character's normalised spelling (hyphens between letters aside)."""
    if char in SPELLING or char.lower() in SPELLING:
        return SPELLING.get(char, SPELLING.get(char.lower(), char))
    if char in APOSTROPHES:
        return ""
    folded = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


class _FoldTable(dict[int, str]):
    """`str.translate` table that folds each character the first time it is asked for;
    kept for the scripts calls are written in, so rare characters cannot grow it much."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if code < _KEEP_FOLDS_BELOW:
            self[code] = folded
        return folded


_KEEP_FOLDS_BELOW = 0x3000
_FOLDS = _FoldTable()


def between_letters(source: str, index: int) -> bool:
    """Whether the character at `index` has a letter or digit on both sides."""
    return (
        0 < index < len(source) - 1 and source[index - 1].isalnum() and source[index + 1].isalnum()
    )
