"""Classifying one call: reason code first, then the words, then `other`, always with a why."""

from __future__ import annotations

from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallCategory, CallRules
from selfcare.program.load import bundled_example

RULES = bundled_example().calls


def test_the_agents_reason_code_decides_before_the_words() -> None:
    verdict = classify_text("Ich will kündigen", reason_code="mahnung", rules=RULES)
    assert verdict.category == "dunning"
    assert verdict.counts is False
    assert verdict.rule == "reason_code"
    assert verdict.matched == ("mahnung",)
    assert "reason code 'mahnung'" in verdict.explanation


def test_an_unknown_reason_code_falls_through_to_the_words() -> None:
    verdict = classify_text("Vertrag verlängern", reason_code="TARIF", rules=RULES)
    assert (verdict.category, verdict.rule) == ("contract_extension", "lexicon")


def test_the_issue_example_is_a_contract_extension_that_does_not_count() -> None:
    verdict = classify_text("Ich möchte meinen Vertrag verlängern", rules=RULES)
    assert verdict.category == "contract_extension"
    assert verdict.counts is False
    assert verdict.matched == ("verlängern",)
    assert "'verlängern'" in verdict.explanation


def test_a_call_without_an_exempt_topic_counts_as_other() -> None:
    verdict = classify_text("Warum ist meine Rechnung so hoch?", rules=RULES)
    assert (verdict.category, verdict.counts, verdict.rule) == ("other", True, "fallback")
    assert verdict.matched == ()


def test_the_fallback_explanation_names_the_words_read_as_negated() -> None:
    verdict = classify_text("Ich habe keine Mahnung bekommen", rules=RULES)
    assert verdict.category == "other"
    assert verdict.counts is True
    assert "'Mahnung'" in verdict.explanation
    assert "negated" in verdict.explanation


def test_a_call_without_text_or_code_counts() -> None:
    assert classify_text(None, rules=RULES).category == "other"


def test_without_configured_categories_the_four_builtin_ones_are_exempt() -> None:
    verdict = classify_text("kein Empfang im Keller", rules=CallRules())
    assert (verdict.category, verdict.counts) == ("reception_problem", False)


def test_a_program_topic_that_counts_is_named_but_still_counts() -> None:
    rules = CallRules(
        categories=(
            CallCategory(name="dunning"),
            CallCategory(name="roaming", counts=True, keywords=("Roaming",)),
        )
    )
    verdict = classify_text("Frage zu Roaming-Gebühren", rules=rules)
    assert (verdict.category, verdict.counts, verdict.rule) == ("roaming", True, "lexicon")
    assert verdict.matched == ("Roaming-Gebühren",)
