"""Features of a call text: its words, word pairs and the character n-grams inside words.

Character n-grams carry inflection and compounds ("Internetausfall", "gekündigt",
"Vertragsverlaengerung") that whole words miss; every feature remembers the word(s) it came
from, so a verdict can name the words that weighed most. Training (bench/train_calls_model)
and classification share this one function, so they can never disagree about a feature.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selfcare.domain.lexicon.normalise import fold_text

_WORD = re.compile(r"[a-z0-9]+")
GRAMS = (3, 4, 5)


def words(text: str) -> list[str]:
    """The normalised words (lower case, umlauts folded, in-word hyphens joined)."""
    return _WORD.findall(fold_text(text)[1])


@lru_cache(maxsize=65_536)
def word_features(word: str) -> tuple[str, ...]:
    """The word's own feature and its character n-grams, in order (words recur across
    texts far more than texts do, so each word is cut into n-grams once)."""
    padded = "<" + word + ">"
    grams = [
        "c:" + padded[start : start + size]
        for size in GRAMS
        for start in range(len(padded) - size + 1)
    ]
    return ("w:" + word, *grams)


def features(text: str) -> dict[str, tuple[int, ...]]:
    """Each feature of the text with the indexes (into `words(text)`) of its words."""
    return features_of(words(text))


def features_of(tokens: list[str]) -> dict[str, tuple[int, ...]]:
    """`features` of already split words (the model splits a text once for both uses).

    Indexes are appended in increasing order, so keeping each one once in order is the
    sorted set, without sorting.
    """
    found: dict[str, list[int]] = {}
    add = found.setdefault
    for i, word in enumerate(tokens):
        for name in word_features(word):
            add(name, []).append(i)
    for i in range(len(tokens) - 1):
        add("b:" + tokens[i] + " " + tokens[i + 1], []).extend((i, i + 1))
    return {name: tuple(dict.fromkeys(at)) for name, at in found.items()}
