"""What a lexicon pattern cannot match without: a cheap test before its regex runs.

A call usually names one topic or none, yet the lexicon holds about a hundred patterns, and
running every one over every text was most of the time ingest spent on a call. Each pattern
needs at least one of a few literal pieces in the text ("kuendig", "mahn", "netz"): when
none occurs, the pattern cannot match and is skipped. The pieces are read from the regex
itself, so they stay right when the words change. A construct the analysis does not know
leaves the pattern without pieces, and it always runs: slower, never wrong. One scan of the
text (`PieceScan`) finds which pieces of all categories occur; `PatternIndex` turns them
into the patterns worth running.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The stdlib's own regex parser (the same one `re.compile` uses); private, so any failure
# to read a pattern only means "no pieces" for it.
_PARSER: Any = importlib.import_module("re._parser")
_C: Any = importlib.import_module("re._constants")
_LIMIT = 64  # strings in a finite set before the analysis stops expanding it
_RANGE_LIMIT = 16  # characters of a class range spelled out ("[345]" yes, "[a-z]" no)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What is known about the text a part of a regex matches.

    `exact`: every string it can match, when there are few; `needs`: pieces of which every
    match contains at least one (None: nothing known).
    """

    exact: frozenset[str] | None = None
    needs: frozenset[str] | None = None


_UNKNOWN = _Shape()
_EMPTY = _Shape(exact=frozenset({""}))


def required_pieces(regex: str) -> frozenset[str] | None:
    """Literal pieces of which every match of `regex` contains one; None when not known."""
    try:
        parsed = _PARSER.parse(regex)
    except (re.error, RecursionError, ValueError, TypeError, AttributeError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    try:
        return _minimal(_needs_of(_sequence(parsed)))
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None


def _needs_of(shape: _Shape) -> frozenset[str] | None:
    if shape.exact is not None and "" not in shape.exact:
        return shape.exact
    return shape.needs


def _minimal(pieces: frozenset[str] | None) -> frozenset[str] | None:
    """Drop pieces that contain another piece: whenever they occur, so does the shorter."""
    if not pieces or "" in pieces:
        return None
    return frozenset(p for p in pieces if not any(q != p and q in p for q in pieces))


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Shape:
    """Consecutive parts: exact neighbours multiply out ("(?:ge)?" + "kuendig"); the most
    selective piece set of any stretch is what the whole sequence needs."""
    run: frozenset[str] = frozenset({""})
    whole = True
    candidates: list[frozenset[str]] = []
    for op, av in items:
        shape = _node(op, av)
        if shape.exact is not None:
            product = _cross(run, shape.exact)
            if product is None:
                candidates.append(run)
                run, whole = shape.exact, False
            else:
                run = product
            continue
        candidates.append(run)
        run, whole = frozenset({""}), False
        if shape.needs is not None:
            candidates.append(shape.needs)
    candidates.append(run)
    usable = [c for c in candidates if c and "" not in c]
    needs = max(usable, key=lambda c: (min(map(len, c)), -len(c))) if usable else None
    return _Shape(exact=run if whole else None, needs=needs)


def _cross(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _LIMIT:
        return None
    return frozenset(a + b for a in left for b in right)


def _node(op: Any, av: Any) -> _Shape:  # noqa: PLR0911  (one answer per regex construct)
    if op is _C.LITERAL:
        return _Shape(exact=frozenset({chr(av)}))
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return _EMPTY  # zero width: the match itself is unchanged
    if op is _C.IN:
        return _charset(av)
    if op is _C.BRANCH:
        return _branch([_sequence(branch) for branch in av[1]])
    if op is _C.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return _UNKNOWN if add_flags & re.IGNORECASE else _sequence(body)
    if op is _C.ATOMIC_GROUP:
        return _sequence(av)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        return _repeat(*av)
    return _UNKNOWN


def _charset(items: list[tuple[Any, Any]]) -> _Shape:
    chars: set[str] = set()
    for op, av in items:
        if op is _C.LITERAL:
            chars.add(chr(av))
        elif op is _C.RANGE and av[1] - av[0] < _RANGE_LIMIT:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return _UNKNOWN  # negated, a category (\w, \s) or a wide range
    return _Shape(exact=frozenset(chars)) if 0 < len(chars) <= _LIMIT else _UNKNOWN


def _branch(shapes: list[_Shape]) -> _Shape:
    exact: set[str] = set()
    for shape in shapes:
        if shape.exact is None:
            break
        exact |= shape.exact
    else:
        if len(exact) <= _LIMIT:
            return _Shape(exact=frozenset(exact))
    needs: set[str] = set()
    for shape in shapes:
        branch_needs = _needs_of(shape)
        if branch_needs is None:
            return _UNKNOWN  # one alternative needs nothing known, so neither does the whole
        needs |= branch_needs
    return _Shape(needs=frozenset(needs))


def _repeat(low: int, high: int, body: Any) -> _Shape:
    shape = _sequence(body)
    if low == high == 1:
        return shape
    if low == 0:
        if high == 1 and shape.exact is not None:
            return _Shape(exact=shape.exact | {""})
        return _UNKNOWN
    return _Shape(needs=_needs_of(shape))


@dataclass(frozen=True, slots=True)
class PatternIndex:
    """Which patterns may match, by the pieces present: the patterns needing each piece, and
    those without known pieces (they always run)."""

    by_piece: dict[str, tuple[int, ...]]
    always: tuple[int, ...]

    def candidates(self, present: Iterable[str]) -> list[int]:
        """The patterns worth running on a text holding `present`, in pattern order."""
        chosen = set(self.always)
        for piece in present:
            chosen.update(self.by_piece.get(piece, ()))
        return sorted(chosen)


def index_patterns(regexes: Iterable[str]) -> PatternIndex:
    users: dict[str, list[int]] = {}
    always: list[int] = []
    for index, regex in enumerate(regexes):
        pieces = required_pieces(regex)
        if pieces is None:
            always.append(index)
        for piece in sorted(pieces or ()):
            users.setdefault(piece, []).append(index)
    return PatternIndex({p: tuple(i) for p, i in users.items()}, tuple(always))


class PieceScan:
    """Every piece of a fixed set that occurs in a text, in one pass of one regex.

    At each position the regex (a trie of the pieces) takes the longest piece starting
    there; every piece inside a found one occurs too. That finds them all: a piece starting
    at a position is a prefix of the longest one starting there.
    """

    def __init__(self, pieces: Iterable[str]) -> None:
        words = sorted(set(pieces))
        self._regex = re.compile(f"(?=({_trie(words)}))") if words else None
        self._inside = {p: frozenset(q for q in words if q in p) for p in words}

    def present(self, text: str) -> set[str]:
        if self._regex is None:
            return set()
        found: set[str] = set()
        for match in self._regex.finditer(text):
            found |= self._inside[match.group(1)]
        return found


def _trie(words: list[str]) -> str:
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a piece ends here
    return _alternatives(root)


def _alternatives(node: dict[str, Any]) -> str:
    """Greedy: the longer way through the trie is tried first, stopping early only after."""
    branches = [
        re.escape(char) + _alternatives(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
