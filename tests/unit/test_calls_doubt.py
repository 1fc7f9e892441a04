"""The trained stage and benefit of the doubt (DOMAIN.md section 2, issue 9).

The mechanism is tested with a small hand-made model, so these tests do not move when the
shipped artefact is retrained; the shipped model is tested on new phrasings of faults.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from selfcare.domain import calls
from selfcare.domain.callmodel import model as callmodel
from selfcare.domain.callmodel.features import features
from selfcare.domain.program import BUILTIN_CATEGORIES, OTHER
from selfcare.program.explain import describe_verdict
from selfcare.program.load import bundled_example

RULES = bundled_example().calls
CLASSES = (*BUILTIN_CATEGORIES, OTHER)


def _model(weights: dict[str, dict[str, float]]) -> callmodel.Model:
    """A model that knows only the given words (each word's own feature)."""
    rows = {
        f"w:{word}": tuple(per_class.get(c, 0.0) for c in CLASSES)
        for word, per_class in weights.items()
    }
    return callmodel.Model(
        version="test",
        classes=CLASSES,
        bias=tuple(0.0 for _ in CLASSES),
        weights=rows,
        doubt_threshold=0.3,
        sure_threshold=0.6,
    )


@pytest.fixture
def hand_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    model = _model(
        {
            "wackelt": {"reception_problem": 3.0},  # sure: about 0.9
            "komisch": {"reception_problem": 1.0, "other": 0.6},  # suggested: about 0.3
            "kuendigen": {"cancellation": 3.0},
            "adresse": {"other": 3.0},
        }
    )
    monkeypatch.setattr(calls, "load_model", lambda: model)
    calls._classify.cache_clear()
    yield
    calls._classify.cache_clear()


@pytest.mark.usefixtures("hand_made")
def test_a_sure_model_verdict_frees_the_call_and_names_its_words() -> None:
    verdict = calls.classify_text("Bei mir wackelt alles", rules=RULES)
    assert (verdict.category, verdict.counts, verdict.rule) == ("reception_problem", False, "model")
    assert verdict.benefit_of_the_doubt is False
    assert verdict.matched == ("wackelt",)
    assert "'wackelt'" in verdict.explanation


@pytest.mark.usefixtures("hand_made")
def test_a_suggested_exempt_topic_is_counted_in_the_customers_favour() -> None:
    verdict = calls.classify_text("Das ist komisch", rules=RULES)
    assert (verdict.category, verdict.counts) == ("reception_problem", False)
    assert verdict.benefit_of_the_doubt is True
    assert verdict.explanation.startswith("Probably about reception_problem")
    assert "counted in your favour" in verdict.explanation
    assert "zu Ihren Gunsten" in describe_verdict(verdict, RULES, "de")


@pytest.mark.usefixtures("hand_made")
def test_an_unlikely_exempt_topic_leaves_the_call_counted() -> None:
    verdict = calls.classify_text("Neue Adresse", rules=RULES)
    assert (verdict.category, verdict.counts, verdict.rule) == (OTHER, True, "fallback")
    assert verdict.benefit_of_the_doubt is False


@pytest.mark.usefixtures("hand_made")
def test_the_model_does_not_read_back_a_topic_the_customer_denies() -> None:
    verdict = calls.classify_text("Ich will nicht kündigen, nur die Adresse", rules=RULES)
    assert (verdict.category, verdict.counts) == (OTHER, True)


@pytest.mark.usefixtures("hand_made")
def test_the_lexicon_still_decides_before_the_model() -> None:
    verdict = calls.classify_text("Mahnung bekommen, alles wackelt", rules=RULES)
    assert (verdict.category, verdict.rule) == ("dunning", "lexicon")


@pytest.mark.usefixtures("hand_made")
def test_a_topic_the_program_counts_is_never_suggested() -> None:
    counted = RULES.model_copy(
        update={
            "categories": tuple(
                c.model_copy(update={"counts": True}) if c.name == "reception_problem" else c
                for c in RULES.categories
            )
        }
    )
    verdict = calls.classify_text("Bei mir wackelt alles", rules=counted)
    assert verdict.rule != "model"


def test_features_fold_umlauts_and_keep_in_word_pieces() -> None:
    found = features("Kündigung")
    assert "w:kuendigung" in found
    assert "c:kuen" in found


@pytest.mark.parametrize(
    "text",
    [
        "Das Festnetz ist seit gestern stumm, kein Ton in der Leitung.",
        "Mein Router bekommt keine Verbindung mehr, die Lampe leuchtet rot.",
        "Internet zu Hause ist seit heute Morgen komplett weg.",
        "Das Internet ist viel langsamer als im Vertrag steht.",
        "My broadband keeps dropping out every evening.",
        "Calls to my mobile don't go through, people get a busy tone.",
    ],
)
def test_faults_in_everyday_words_do_not_count(text: str) -> None:
    verdict = calls.classify_text(text, rules=RULES)
    assert verdict.counts is False
    assert verdict.category == "reception_problem"


@pytest.mark.parametrize(
    "text",
    [
        "Mein Datenvolumen ist aufgebraucht, kann ich etwas nachbuchen?",
        "Ich möchte meine Adresse ändern.",
        "Ich will nicht kündigen, ich möchte nur meine Kundennummer wissen.",
    ],
)
def test_admin_and_volume_questions_still_count(text: str) -> None:
    verdict = calls.classify_text(text, rules=RULES)
    assert (verdict.category, verdict.counts) == (OTHER, True)
