"""The fast lexicon reads exactly what the plain one reads, on any text and any categories.

`lexicon.read` folds text through a translation table and skips every pattern whose
literal pieces are absent from the text; `lexicon_reference.read_reference` folds
character by character and runs every pattern. Any difference between them is a bug in
the fast path.
"""

from __future__ import annotations

import csv
import functools
import re
import string
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
# The literal pieces the prefilter looks for, per built-in topic: texts made of them are the
# texts where skipping a pattern or running it decides the reading.
TOPIC_PIECES = {
    name: sorted({piece for p in topic.patterns for piece in required_pieces(p.regex) or ()})
    for name, topic in BUILTIN_TOPICS.items()
}
NEGATIONS = ["nicht", "kein", "keine", "keinen", "nie", "ohne", "no", "not", "never", "don't"]
JOINERS = ["und", "aber", "oder", "weil", "and", "but", "because", "kann", "can", "will ich"]
NORMALISED = string.ascii_lowercase + string.digits + " "
_SPELLINGS = {"ae": "ä", "oe": "ö", "ue": "ü", "ss": "ß"}


@st.composite
def spoken(draw: st.DrawFn, piece: str) -> str:
    """A lexicon piece as a customer writes it: inflected, capitalised, with umlauts."""
    word = draw(st.sampled_from(["", "", "ge", "Vertrags", "re"])) + piece
    word += draw(st.sampled_from(["", "", "en", "ung", "t", "s", "ed", "-Anfrage"]))
    for folded, written in _SPELLINGS.items():
        if draw(st.booleans()):
            word = word.replace(folded, written)
    return draw(st.sampled_from([word, word.capitalize(), word.upper()]))


@functools.cache  # one strategy per pattern: building it parses the regex
def _a_match(regex: str) -> st.SearchStrategy[str]:
    """Words one of the lexicon's patterns matches, as normalised text."""
    return st.from_regex(regex, fullmatch=True, alphabet=st.sampled_from(NORMALISED))


@st.composite
def lexicon_texts(draw: st.DrawFn) -> str:
    """Texts built from the lexicon's own pieces of one to three topics, with negations,
    joiners and customers' words between them."""
    topics = draw(st.lists(st.sampled_from(sorted(TOPIC_PIECES)), min_size=1, max_size=3))
    pieces = st.sampled_from([piece for topic in topics for piece in TOPIC_PIECES[topic]])
    patterns = st.sampled_from(
        [p.regex for topic in topics for p in BUILTIN_TOPICS[topic].patterns]
    )
    mention = pieces.flatmap(spoken) | patterns.flatmap(_a_match)
    word = st.one_of(
        mention,
        st.tuples(st.sampled_from(NEGATIONS), mention).map(" ".join),
        st.sampled_from(JOINERS),
        st.sampled_from(TOKENS),
    )
    parts = draw(st.lists(st.tuples(word, SEPARATORS), min_size=1, max_size=14))
    return "".join(w + sep for w, sep in parts)


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


@given(lexicon_texts(), category_sets)
@settings(max_examples=300)
def test_the_fast_reading_equals_the_reference_reading_on_texts_of_the_lexicons_words(
    text: str, categories: tuple[CallCategory, ...]
) -> None:
    assert read(text, categories) == read_reference(text, categories)


@given(customer_texts, category_sets)
@settings(max_examples=100)
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


# A literal every match must contain, between arbitrary regexes: the analysis must find it.
_needed = st.sampled_from(["a", "b", "c", "ab", "bc", "[ab]", "(?:ab|c)", "a{2}", "(?:c|ba)+"])
regexes_with_pieces = st.tuples(regexes, _needed, regexes).map(
    lambda parts: f"(?:{parts[0]}){parts[1]}(?:{parts[2]})"
)


@given(regexes_with_pieces, st.data())
@settings(max_examples=300)
def test_every_match_of_a_pattern_contains_one_of_its_pieces(
    regex: str, data: st.DataObject
) -> None:
    pieces = required_pieces(regex)
    assert pieces is not None, regex
    text = data.draw(st.from_regex(regex, alphabet=st.sampled_from("abcAB -")), label="text")
    matches = [m.group() for m in re.finditer(regex, text)]
    assert any(matches), (regex, text)
    for match in matches:
        assert any(piece in match for piece in pieces), (match, pieces)


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
