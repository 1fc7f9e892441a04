"""Features of a call text: its words, word pairs and the character n-grams inside words.

Character n-grams carry inflection and compounds ("Internetausfall", "gekündigt",
"Vertragsverlaengerung") that whole words miss; every feature remembers the word(s) it came
from, so a verdict can name the words that weighed most. Training (bench/train_calls_model)
and classification share this one function, so they can never disagree about a feature.
"""

from __future__ import annotations

import re

from selfcare.domain.lexicon.normalise import normalise

_WORD = re.compile(r"[a-z0-9]+")
GRAMS = (3, 4, 5)


def words(text: str) -> list[str]:
    """The normalised words (lower case, umlauts folded, in-word hyphens joined)."""
    return _WORD.findall(normalise(text).text)


def features(text: str) -> dict[str, tuple[int, ...]]:
    """Each feature of the text with the indexes (into `words(text)`) of its words."""
    found: dict[str, list[int]] = {}
    tokens = words(text)
    for i, word in enumerate(tokens):
        found.setdefault(f"w:{word}", []).append(i)
        padded = f"<{word}>"
        for size in GRAMS:
            for start in range(len(padded) - size + 1):
                found.setdefault(f"c:{padded[start : start + size]}", []).append(i)
    for i in range(len(tokens) - 1):
        found.setdefault(f"b:{tokens[i]} {tokens[i + 1]}", []).extend((i, i + 1))
    return {name: tuple(sorted(set(at))) for name, at in found.items()}
