"""The call lexicon: spelling-robust, inflection-robust, negation-aware, deterministic."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfcare.domain.lexicon.reading import is_negated, match_lexicon, normalise, read
from selfcare.domain.program import BUILTIN_CATEGORIES, CallCategory

BUILTIN = tuple(CallCategory(name=name) for name in BUILTIN_CATEGORIES)


def topic(text: str, categories: tuple[CallCategory, ...] = BUILTIN) -> str | None:
    hit = match_lexicon(text, categories)
    return hit[0] if hit else None


def test_normalising_folds_case_umlauts_sharp_s_accents_and_in_word_hyphens() -> None:
    assert normalise("KÜNDIGUNG Straße Netz-Störung café don’t").text == (
        "kuendigung strasse netzstoerung cafe dont"
    )


def test_every_normalised_character_remembers_where_it_came_from() -> None:
    norm = normalise("Kü")
    assert norm.text == "kue"
    assert norm.origin == (0, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kündigung", "cancellation"),
        ("kuendigen", "cancellation"),
        ("gekündigt", "cancellation"),
        ("KUNDIGEN", "cancellation"),
        ("Sonderkündigungsrecht", "cancellation"),
        ("Please cancel my contract", "cancellation"),
        ("Vertrag verlängern", "contract_extension"),
        ("Verlängerung", "contract_extension"),
        ("vertragsverlaengerung", "contract_extension"),
        ("I want to renew", "contract_extension"),
        ("Mahnung", "dunning"),
        ("Mahngebühren", "dunning"),
        ("Zahlungserinnerung", "dunning"),
        ("reminder letter", "dunning"),
        ("debt collection", "dunning"),
        ("kein Netz", "reception_problem"),
        ("kein Empfang", "reception_problem"),
        ("Funkloch", "reception_problem"),
        ("Netzstörung", "reception_problem"),
        ("Netz-Stoerung", "reception_problem"),
        ("no signal", "reception_problem"),
    ],
)
def test_the_words_customers_use_find_their_topic(text: str, expected: str) -> None:
    assert topic(text) == expected


def test_the_matched_words_are_quoted_from_the_original_text() -> None:
    assert match_lexicon("Ich will den VERTRAG kündigen!", BUILTIN) == (
        "cancellation",
        ("kündigen",),
    )
    assert match_lexicon("Seit Montag: Netz-Störung", BUILTIN) == (
        "reception_problem",
        ("Netz-Störung",),
    )


@pytest.mark.parametrize(
    "text",
    [
        "nicht kündigen",
        "Ich will auf keinen Fall kündigen",
        "Ich habe keine Mahnung bekommen",
        "Die Mahnung habe ich nie erhalten",
        "Kündigen will ich nicht",
        "I don't want to cancel",
        "I have no intention to cancel",
        "I haven't received any payment reminder",
        "Ich will weder kündigen noch verlängern",
        "I do not want to renew or cancel",
        "Kann ich den Tarif wechseln, ohne den Vertrag zu verlängern?",
    ],
)
def test_a_negated_concern_is_no_concern(text: str) -> None:
    reading = read(text, BUILTIN)
    assert reading.category is None
    assert reading.negated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich kann online nicht kündigen", "cancellation"),
        ("Why can't I renew online?", "contract_extension"),
        ("It won't let me cancel in the app", "cancellation"),
        ("Ich kann die Rechnung nicht bezahlen", "dunning"),
    ],
)
def test_not_being_able_to_do_something_is_not_a_negation(text: str, expected: str) -> None:
    assert topic(text) == expected


def test_the_negation_only_reaches_its_own_clause() -> None:
    reading = read("keine Mahnung bekommen, aber mein Internet ist langsam", BUILTIN)
    assert reading.category == "reception_problem"
    assert reading.matched == ("Internet ist langsam",)
    assert reading.negated == ("Mahnung",)


def test_kein_negates_only_its_own_noun_phrase() -> None:
    assert topic("Ich habe gerade kein Geld für die Mahnung") == "dunning"


def test_is_negated_looks_at_the_words_before_and_after_a_mention() -> None:
    text = normalise("die mahnung habe ich nicht bekommen").text
    start = text.index("mahnung")
    assert is_negated(text, start, start + len("mahnung"))
    text = "die mahnung habe ich bezahlt"
    assert not is_negated(text, 4, 11)


def test_several_exempt_topics_resolve_by_the_documented_priority() -> None:
    # cancellation > contract_extension > dunning > reception_problem, whatever the order
    assert topic("Seit Wochen kein Netz, ich habe eine Mahnung und will kündigen") == (
        "cancellation"
    )
    assert topic("Mahnung bekommen und ich will verlängern") == "contract_extension"
    assert topic("Kein Netz und eine Mahnung") == "dunning"


def test_an_exempt_topic_outranks_a_counting_program_topic() -> None:
    billing = CallCategory(name="billing", counts=True, keywords=("Rechnung",))
    categories = (billing, *BUILTIN)
    assert topic("Rechnung falsch und Mahnung bekommen", categories) == "dunning"
    assert topic("Rechnung falsch", categories) == "billing"


@pytest.mark.parametrize(
    "text",
    [
        "Brauche ich ein Verlängerungskabel?",
        "Meine Wohnung wurde gekündigt",
        "Entschuldigen Sie die Störung, Frage zur Rechnung",
        "Störung im Kundenportal",
        "My technician appointment was cancelled",
        "I renewed my passport",
        "Die App ist total langsam",
        "My data allowance ran out, internet is slow now",
        "Netflix geht nicht",
        "Ich bin sachkundig",
        "How do I turn off the payment reminder emails?",
    ],
)
def test_words_that_merely_sound_like_a_topic_match_nothing(text: str) -> None:
    assert topic(text) is None


def test_a_payment_deadline_extension_is_dunning_not_a_contract_extension() -> None:
    assert topic("Kann ich die Zahlungsfrist verlängern?") == "dunning"


def test_only_the_categories_passed_in_can_be_matched() -> None:
    only_dunning = (CallCategory(name="dunning"),)
    assert topic("Ich will kündigen", only_dunning) is None
    assert topic("Mahnung", only_dunning) == "dunning"


def test_the_builtin_words_can_be_switched_off_per_category() -> None:
    own_words = (CallCategory(name="cancellation", builtin_lexicon=False, keywords=("austreten",)),)
    assert topic("Ich will kündigen", own_words) is None
    assert topic("Ich will austreten", own_words) == "cancellation"


def test_a_custom_category_never_gets_builtin_words() -> None:
    roaming = (CallCategory(name="roaming", keywords=("Roaming",)),)
    assert topic("Ich will kündigen", roaming) is None


def test_program_keywords_are_normalised_stems() -> None:
    roaming = (CallCategory(name="roaming", keywords=("Auslandsgebühr",)),)
    assert match_lexicon("AUSLANDSGEBUEHREN zu hoch", roaming) == (
        "roaming",
        ("AUSLANDSGEBUEHREN",),
    )


def test_program_keywords_are_negation_aware_unless_they_name_a_lack() -> None:
    roaming = (CallCategory(name="roaming", keywords=("Roaming",)),)
    assert topic("Keine Roaming-Frage, nur Adresse", roaming) is None
    outage = (CallCategory(name="outage", keywords=("kein Strom",)),)
    assert topic("Seit heute kein Strom am Router", outage) == "outage"


def test_text_without_any_topic_matches_nothing() -> None:
    assert match_lexicon("", BUILTIN) is None
    assert match_lexicon("Warum ist meine Rechnung so hoch?", BUILTIN) is None


@given(st.text(max_size=200))
def test_any_text_is_read_without_error_and_words_come_from_it(text: str) -> None:
    reading = read(text + " Kündigung", BUILTIN)
    source = unicodedata.normalize("NFC", text + " Kündigung")
    assert reading.category is not None or reading.negated
    assert all(word in source for word in reading.matched + reading.negated)
