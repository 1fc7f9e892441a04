"""Verdicts are remembered per (text, reason code, rules): a remembered verdict must never
answer for other rules or another reason code."""

from __future__ import annotations

from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallCategory, CallRules
from selfcare.program.load import bundled_example

RULES = bundled_example().calls


def test_the_same_words_under_other_rules_get_those_rules_verdict() -> None:
    exempt = classify_text("Ich habe eine Mahnung bekommen", rules=RULES)
    counting = CallRules(categories=(CallCategory(name="dunning", counts=True),))
    again = classify_text("Ich habe eine Mahnung bekommen", rules=counting)
    assert (exempt.category, exempt.counts) == ("dunning", False)
    assert (again.category, again.counts) == ("dunning", True)


def test_the_same_words_with_a_reason_code_are_decided_by_the_code() -> None:
    by_words = classify_text("Vertrag verlängern", rules=RULES)
    by_code = classify_text("Vertrag verlängern", reason_code="MAHNUNG", rules=RULES)
    assert (by_words.category, by_words.rule) == ("contract_extension", "lexicon")
    assert (by_code.category, by_code.rule) == ("dunning", "reason_code")


def test_asking_again_gives_an_equal_verdict() -> None:
    first = classify_text("kein Netz im Keller", rules=RULES)
    second = classify_text("kein Netz im Keller", rules=RULES)
    assert first == second
    assert (second.category, second.matched) == ("reception_problem", ("kein Netz",))
