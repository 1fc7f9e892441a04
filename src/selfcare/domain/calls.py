"""Call classification: reason code first, then the German/English lexicon, then `other`.

Every verdict names the rule that decided it and the words that matched, so a customer can
see why a call did or did not count.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from selfcare.domain.callmodel.features import words as model_words
from selfcare.domain.callmodel.model import likelihoods, reasons
from selfcare.domain.callmodel.model import load as load_model
from selfcare.domain.lexicon.reading import Reading, read
from selfcare.domain.program import BUILTIN_CATEGORIES, OTHER, CallCategory, CallRules


class CallVerdict(BaseModel):
    """The verdict on one contact: its category, whether it counts, and why."""

    model_config = ConfigDict(frozen=True)

    category: str
    counts: bool
    rule: str
    explanation: str
    matched: tuple[str, ...] = ()
    # Set when the words only suggest an exempt topic: the call is counted in the customer's
    # favour (DOMAIN.md section 2, "Benefit of the doubt").
    benefit_of_the_doubt: bool = False


# A customer's calls are classified again at every re-projection (each new event, settle,
# a lookup after the snapshot ran out). About 1 kB per verdict: some 35 MB when full; in
# the time-ordered ingest benchmark 32,768 made projection 20 % faster than 8,192.
CACHED_VERDICTS = 32_768


def classify_text(
    text: str | None, *, reason_code: str | None = None, rules: CallRules
) -> CallVerdict:
    """Classify a contact by its wrap-up reason code, else its text, else as `other`."""
    return _classify(text, reason_code, _Rules.of(rules))


class _Rules:
    """`CallRules` as a verdict's memo key, hashed once: a frozen pydantic model works its
    hash out anew, field by nested field, at every asking (a few per cent of evaluating)."""

    __slots__ = ("hash", "rules")
    last: _Rules | None = None

    def __init__(self, rules: CallRules) -> None:
        self.rules = rules
        self.hash = hash(rules)

    @classmethod
    def of(cls, rules: CallRules) -> _Rules:
        """The key of the rules asked about last (one program at a time, as a rule)."""
        last = cls.last
        if last is None or last.rules is not rules:
            last = cls.last = cls(rules)
        return last

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rules) and (
            other.rules is self.rules or other.rules == self.rules
        )


@lru_cache(maxsize=CACHED_VERDICTS)
def _classify(text: str | None, reason_code: str | None, key: _Rules) -> CallVerdict:
    """The verdict depends on nothing but its arguments (all immutable, `CallRules` frozen
    and hashable) and is itself frozen, so one verdict can answer every later asking."""
    rules = key.rules
    by_code = _by_reason_code(reason_code, rules)
    if by_code is not None:
        return by_code
    categories = _effective_categories(rules)
    reading = read(text or "", categories)
    if reading.category is not None:
        return _verdict(reading.category, rules, "lexicon", reading.matched)
    by_model = _by_model(text or "", rules, _negated_topics(text or "", categories, reading))
    if by_model is not None:
        return by_model
    explanation = "No exempt topic recognised (reason code or words), so the call counts."
    if reading.negated:
        negated = ", ".join(repr(w) for w in reading.negated)
        explanation += (
            f" The words {negated} were read as negated (the customer does not have that concern)."
        )
    return CallVerdict(category=OTHER, counts=True, rule="fallback", explanation=explanation)


def _by_reason_code(reason_code: str | None, rules: CallRules) -> CallVerdict | None:
    if not reason_code:
        return None
    code = reason_code.strip().upper()
    for category in rules.categories:
        if code in (c.upper() for c in category.reason_codes):
            return _verdict(category.name, rules, "reason_code", (reason_code,))
    return None


def _effective_categories(rules: CallRules) -> tuple[CallCategory, ...]:
    """The program's categories; without any, the four built-in exempt ones."""
    if rules.categories:
        return rules.categories
    return tuple(CallCategory(name=name) for name in BUILTIN_CATEGORIES)


def _verdict(category: str, rules: CallRules, rule: str, words: tuple[str, ...]) -> CallVerdict:
    configured = rules.category(category)
    counts = configured.counts if configured is not None else category not in BUILTIN_CATEGORIES
    how = (
        f"the agent's reason code {words[0]!r}"
        if rule == "reason_code"
        else "the words " + ", ".join(repr(w) for w in words)
    )
    verdict = "counts" if counts else "does not count"
    return CallVerdict(
        category=category,
        counts=counts,
        rule=rule,
        explanation=f"Classified as {category} by {how}; this topic {verdict}.",
        matched=words,
    )


def _negated_topics(
    text: str, categories: tuple[CallCategory, ...], reading: Reading
) -> frozenset[str]:
    """The topics the customer explicitly denies ("ich will nicht kündigen"): the model
    must not read them back in."""
    if not reading.negated:
        return frozenset()
    return frozenset(c.name for c in categories if read(text, (c,)).negated)


def _by_model(text: str, rules: CallRules, negated: frozenset[str]) -> CallVerdict | None:
    """The trained stage, asked only when the lexicon found no exempt topic. An exempt topic
    it finds likely enough frees the call; below the sure threshold the verdict says that it
    is only probable and that the call is counted in the customer's favour."""
    model = load_model()
    candidates = [
        c.name
        for c in _effective_categories(rules)
        if not c.counts and c.name in model.classes and c.name not in negated
    ]
    if not candidates or not text.strip():
        return None
    tokens = model_words(text)
    probabilities = likelihoods(model, tokens)
    best = max(candidates, key=probabilities.__getitem__)
    likelihood = probabilities[best]
    if likelihood < model.doubt_threshold:
        return None  # the words that weighed most are only worked out for a verdict
    top = max(probabilities, key=probabilities.__getitem__)
    sure = top == best and likelihood >= model.sure_threshold
    words = reasons(model, tokens, best)
    weighed = ", ".join(repr(w) for w in words) or "the text as a whole"
    if sure:
        explanation = (
            f"Classified as {best} by the trained model {model.version} ({likelihood:.0%}); "
            f"the words that weighed most: {weighed}; this topic does not count."
        )
    else:
        explanation = (
            f"Probably about {best} ({likelihood:.0%} by the trained model {model.version}; "
            f"the words that weighed most: {weighed}); not certain, so counted in your "
            "favour: the call does not count."
        )
    return CallVerdict(
        category=best,
        counts=False,
        rule="model",
        explanation=explanation,
        matched=words,
        benefit_of_the_doubt=not sure,
    )
