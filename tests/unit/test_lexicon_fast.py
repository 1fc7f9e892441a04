"""The fast lexicon reads exactly what the plain one reads, on any text and any categories.

`lexicon.read` folds text through a translation table and skips every pattern whose
literal pieces are absent from the text; `lexicon_reference.read_reference` folds
character by character and runs every pattern. Any difference between them is a bug in
the fast path.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.domain.lexicon.prefilter import PieceScan, required_pieces
from selfcare.domain.lexicon.reading import normalise, read
from selfcare.domain.lexicon.words import BUILTIN_TOPICS
from selfcare.domain.program import BUILTIN_CATEGORIES, CallCategory
from selfcare.program.load import bundled_example
from tests.lexicon_reference import normalise_reference, read_reference

DATA = Path(__file__).parent / "data"
BUILTIN = tuple(CallCategory(name=name) for name in BUILTIN_CATEGORIES)


def labelled_texts() -> list[str]:
    texts: list[str] = []
    for name in ("utterances.csv", "utterances_holdout.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    return texts


LABELLED = labelled_texts()
# Words customers use, plus the characters normalising treats specially.
SPECIAL = [
    *("-", "–", "—", "‑", "'", "’", "´", "`", "Ä", "Ö", "ü", "ß", "ẞ", "é", "ﬁ", "İ", "\u0301"),
    *(",", ".", "!", "(", ")", "\n", "nicht", "kein", "no", "not", "oder", "noch", "und"),
]
TOKENS = [*sorted({word for text in LABELLED for word in text.split()}), *SPECIAL]
SEPARATORS = st.sampled_from([" ", " ", " ", "", "-", ", ", ". "])
customer_texts = st.one_of(
    st.text(max_size=120),
    st.lists(st.tuples(st.sampled_from(TOKENS) | st.text(max_size=3), SEPARATORS), max_size=25).map(
        lambda parts: "".join(word + sep for word, sep in parts)
    ),
)
own_keywords = st.lists(
    st.sampled_from(["Roaming", "kein Strom", "Auslandsgebühr", "Netz-Ausfall", "don't"])
    | st.text(min_size=1, max_size=12),
    min_size=1,
    max_size=3,
)
category_sets = st.one_of(
    st.just(BUILTIN),
    st.just(bundled_example().calls.categories),
    own_keywords.map(lambda kw: (CallCategory(name="custom", counts=True, keywords=tuple(kw)),)),
    own_keywords.map(
        lambda kw: (
            CallCategory(name="cancellation", builtin_lexicon=False, keywords=tuple(kw)),
            *BUILTIN[:2],
        )
    ),
    own_keywords.map(
        lambda kw: (CallCategory(name="billing", counts=True, keywords=tuple(kw)), *BUILTIN)
    ),
)


@given(customer_texts, category_sets)
@settings(max_examples=300)
def test_the_fast_reading_equals_the_reference_reading_on_any_text(
    text: str, categories: tuple[CallCategory, ...]
) -> None:
    assert read(text, categories) == read_reference(text, categories)


@given(customer_texts)
def test_the_fast_normalising_equals_the_reference_on_any_text(text: str) -> None:
    assert normalise(text) == normalise_reference(text)


def test_every_labelled_utterance_is_read_exactly_as_the_reference_reads_it() -> None:
    categories = bundled_example().calls.categories
    for text in LABELLED:
        assert read(text, categories) == read_reference(text, categories), text


def test_normalising_keeps_where_each_character_came_from_through_umlauts_and_hyphens() -> None:
    norm = normalise("Ä-b 'x - y")  # only the first hyphen stands between two letters
    assert norm.text == "aeb x - y"
    assert norm.origin == (0, 0, 2, 3, 5, 6, 7, 8, 9)
    norm = normalise("Netz-Störung")
    assert norm.text == "netzstoerung"
    assert norm.origin == (0, 1, 2, 3, 5, 6, 7, 7, 8, 9, 10, 11)


@pytest.mark.parametrize(
    ("regex", "pieces"),
    [
        (r"\b(?:ge)?kuendige\b", {"kuendige"}),
        (r"\bcancel\w*", {"cancel"}),
        (r"\b[345]g\b", {"3g", "4g", "5g"}),
        (r"\b\w*verl(?:ae|a)nger\w*", {"verlaenger", "verlanger"}),
        (r"\bsign\w*\s+(?:up\s+)?again\b|\bre\s?sign\w*", {"again", "sign"}),
        (r"(?:ab)*c", {"c"}),
        (r"x(?i:abc)", {"x"}),
    ],
)
def test_the_pieces_a_pattern_needs_are_read_from_the_regex(regex: str, pieces: set[str]) -> None:
    assert required_pieces(regex) == frozenset(pieces)


@pytest.mark.parametrize("regex", [r"\w+\s+\w+", "a?", r"x|\w", "(?i)abc", "(?:ab)*", "[^a]b?"])
def test_a_pattern_that_needs_no_known_piece_always_runs(regex: str) -> None:
    assert required_pieces(regex) is None


def test_every_builtin_pattern_needs_known_pieces_so_absent_topics_are_skipped() -> None:
    for topic in BUILTIN_TOPICS.values():
        for pattern in topic.patterns:
            assert required_pieces(pattern.regex), pattern.regex


_atoms = st.sampled_from(
    ["a", "b", "c", "ab", "[ab]", "[a-c]", r"\w", r"\s", ".", r"\b", "[^a]", " "]
)
regexes = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map("".join),
        st.lists(inner, min_size=2, max_size=3).map("|".join),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
        st.tuples(inner, st.sampled_from(["?", "*", "+", "{0,2}", "{1,3}", "{2}", "??", "+?"])).map(
            lambda t: f"(?:{t[0]}){t[1]}"
        ),
        inner.map(lambda x: f"({x})"),
        inner.map(lambda x: f"(?={x})"),
        inner.map(lambda x: f"(?!{x})"),
        inner.map(lambda x: f"(?i:{x})"),
    ),
    max_leaves=12,
)


@given(regexes, st.text(alphabet="abcAB -", max_size=30))
@settings(max_examples=500)
def test_every_match_of_a_pattern_contains_one_of_its_pieces(regex: str, text: str) -> None:
    pieces = required_pieces(regex)
    if pieces is None:
        return
    for match in re.finditer(regex, text):
        assert any(piece in match.group() for piece in pieces), (match.group(), pieces)


@given(st.lists(st.text(alphabet="abcä", min_size=1, max_size=4), max_size=8), st.text("abcä "))
def test_one_scan_finds_exactly_the_pieces_that_occur(pieces: list[str], text: str) -> None:
    assert PieceScan(pieces).present(text) == {p for p in pieces if p in text}


def test_the_scan_finds_pieces_inside_and_overlapping_other_pieces() -> None:
    scan = PieceScan(["vertrag", "vertragsende", "ende", "kein", "keine", "neu"])
    assert scan.present("vertragsende keineu") == {
        "vertrag",
        "vertragsende",
        "ende",
        "kein",
        "keine",
        "neu",
    }
    assert scan.present("vertrag") == {"vertrag"}
