"""The lexicon's Python regexes and text normalisation, restated for SQL engines (RE2).

DuckDB and Spark match with RE2-style engines: no lookarounds, no back-references, ASCII `\\w`,
`\\s` and `\\b`. Two facts make a faithful translation possible:

- *Whether* a regex built only from literals, classes, alternation, repetition and `\\b`
  matches a text is a property of the language it describes, not of the engine; the SQL side
  only ever asks whether a pattern matches, never where. So a pattern is re-emitted from the
  parse tree of Python's own regex parser (`re._parser`), and a construct outside that set
  makes the pattern *untranslatable* (it is reported, and texts it could decide go to Python).
- The text is made to mean the same to both engines: only texts whose every character is in
  `SAFE` are read in SQL. Each safe character folds (`normalise._fold_char`) to ASCII, or to
  a character that is neither a word nor a space character for Python, which RE2 treats the
  same way. Every other text is classified in Python, counted as a fallback.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from selfcare.domain.lexicon.normalise import APOSTROPHES, DASHES, _fold_char

_PARSER: Any = importlib.import_module("re._parser")
_C: Any = importlib.import_module("re._constants")

# Characters looked at for the safe set: ASCII, Latin-1 and Latin Extended-A/B, the general
# punctuation, currency and symbol blocks and the emoji; anything else sends a text to Python.
_CANDIDATE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x2010, 0x205E),
    (0x20A0, 0x20C0),
    (0x2190, 0x21FF),
    (0x2600, 0x27BF),
    (0x1F300, 0x1FAFF),
)
_ASCII_SAFE = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\t", "\n", "\r"}


class Untranslatable(ValueError):
    """A regex construct that has no faithful RE2 form (lookaround, back-reference, flags)."""


@dataclass(frozen=True)
class Folding:
    """How to normalise a safe text in SQL, in the order Python does it."""

    safe_class: str  # RE2 class of the safe characters
    alnum_class: str  # RE2 class of the safe characters that are letters or digits
    space_class: str  # RE2 class of the safe characters Python's str.strip() removes
    one_to_one: tuple[str, str]  # translate(from, to): to is shorter, the rest are deleted
    many: tuple[tuple[str, str], ...]  # replace(char, spelling) for folds longer than one


def _candidates() -> list[str]:
    chars = sorted(_ASCII_SAFE)
    for low, high in _CANDIDATE_RANGES[1:]:
        chars.extend(chr(c) for c in range(low, high + 1))
    return sorted(set(chars) | set(APOSTROPHES) | set(DASHES))


def _neutral(char: str) -> bool:
    """A non-ASCII character both engines read as neither word nor space."""
    return re.match(r"[\w\s]", char) is None and not unicodedata.category(char).startswith("M")


def _is_safe(char: str) -> bool:
    if char in _ASCII_SAFE:
        return True
    category = unicodedata.category(char)
    if category.startswith(("M", "C")) and category != "Cf":
        return False
    if unicodedata.normalize("NFC", char) != char or unicodedata.combining(char):
        return False
    return all(f in _ASCII_SAFE or (f > "\x7f" and _neutral(f)) for f in _fold_char(char))


@lru_cache(maxsize=1)
def folding() -> Folding:
    """The safe characters and their folds (worked out once from the Python fold itself)."""
    safe = [c for c in _candidates() if _is_safe(c)]
    single_from, single_to, deleted, many = [], [], [], []
    for char in safe:
        folded = _fold_char(char)
        if folded == char:
            continue
        if folded == "":
            deleted.append(char)
        elif len(folded) == 1:
            single_from.append(char)
            single_to.append(folded)
        else:
            many.append((char, folded))
    multi = {c for c, _ in many}
    if multi & set(single_to):
        raise Untranslatable("a one-to-one fold produces a character folded again")
    return Folding(
        safe_class=char_class(safe),
        alnum_class=char_class([c for c in safe if c.isalnum()]),
        space_class=char_class([c for c in safe if c.isspace()]),
        one_to_one=("".join(single_from + deleted), "".join(single_to)),
        many=tuple(many),
    )


def char_class(chars: list[str]) -> str:
    """An RE2 character class naming exactly `chars` (consecutive code points as ranges)."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -2]:
        if code == previous + 1:
            previous = code
            continue
        low, high = _class_char(chr(start)), _class_char(chr(previous))
        parts.append(low if start == previous else f"{low}-{high}")
        start = previous = code
    return "[" + "".join(parts) + "]"


def _class_char(char: str) -> str:
    if char.isalnum() and char.isascii():
        return char
    if char in "\t\n\r":
        return {"\t": r"\t", "\n": r"\n", "\r": r"\r"}[char]
    if char.isascii():
        return "\\" + char if not char.isalnum() else char
    return char


def in_word_dash() -> str:
    """Python's `(?<=[^\\W_])[-‐‑–—](?=[^\\W_])` without lookarounds: a dash between two
    letters, both captured and put back (applied twice, which removes every such dash)."""
    alnum = folding().alnum_class
    return f"({alnum})[{re.escape(DASHES)}]({alnum})"


def to_re2(regex: str) -> str:
    """The same language as the Python `regex`, written for RE2; `Untranslatable` if not."""
    try:
        parsed = _PARSER.parse(regex)
    except re.error as exc:
        raise Untranslatable(f"{regex!r}: {exc}") from None
    if parsed.state.flags & ~(re.UNICODE | re.ASCII):
        raise Untranslatable(f"{regex!r}: inline flags")
    return _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> str:
    return "".join(_node(op, av) for op, av in items)


def _node(op: Any, av: Any) -> str:  # noqa: PLR0911  (one answer per regex construct)
    if op is _C.LITERAL:
        return _literal(chr(av))
    if op is _C.AT and av is _C.AT_BOUNDARY:
        return r"\b"
    if op is _C.IN:
        return _in(av)
    if op is _C.BRANCH:
        return "(?:" + "|".join(_sequence(list(b)) for b in av[1]) + ")"
    if op is _C.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            raise Untranslatable("group with flags")
        return "(?:" + _sequence(list(body)) + ")"
    if op is _C.CATEGORY:
        return _category(av)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        low, high, body = av
        upper = "" if high is _C.MAXREPEAT else str(high)
        lazy = "?" if op is _C.MIN_REPEAT else ""
        return "(?:" + _sequence(list(body)) + "){" + f"{low},{upper}" + "}" + lazy
    raise Untranslatable(f"construct {op}")


def _literal(char: str) -> str:
    if char.isascii() and not char.isalnum() and char != " ":
        return "\\" + char if char not in "\t\n\r" else _class_char(char)
    return char


def _category(category: Any) -> str:
    names = {_C.CATEGORY_WORD: r"\w", _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_DIGIT: "[0-9]"}
    if category not in names:
        raise Untranslatable(f"category {category}")
    return names[category]


def _in(items: list[tuple[Any, Any]]) -> str:
    parts: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            parts.append(_class_char(chr(av)))
        elif op is _C.RANGE:
            parts.append(f"{_class_char(chr(av[0]))}-{_class_char(chr(av[1]))}")
        elif op is _C.CATEGORY:
            parts.append(_category(av))
        else:  # NEGATE and the like
            raise Untranslatable(f"class item {op}")
    return "[" + "".join(parts) + "]"
