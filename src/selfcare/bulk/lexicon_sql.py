"""Call classification in bulk: the classifier of `domain.calls` as Ibis expressions.

Public seam (for the bulk engine)::

    classify_texts(texts: ibis Table, *, rules: CallRules) -> Classified

`texts` has a string column `text` and optionally `reason_code` (NULL text reads as "",
as `classify_text(None)` does); the pairs are made distinct. `Classified.table` has one row
per distinct (text, reason_code) with `category`, `counts`, `rule` (`reason_code`,
`lexicon`, `model`, `fallback`), `benefit_of_the_doubt` and `decided_by` (`sql` or
`python`), and gives the same verdict as `classify_text` for every row. Explanations are not
computed here: they are rendered by `classify_text` for the rows that are shown.

What runs in SQL, stage by stage as in `domain.calls`:

1. The reason code, as a join on `upper(trim(code))` (codes in printable ASCII; others go
   to Python, where `str.upper` and `str.strip` would read them differently).
2. The lexicon: the text is normalised in SQL (`lexicon_regex.folding`) and every pattern,
   `unless` and blocker is asked whether it matches. SQL decides when the answer needs no
   position: no exempt pattern matches, or some match while no blocker of their categories
   matches and no negation word occurs anywhere (only lack patterns such as "kein Netz"
   matched, or none of the negation words of `lexicon.reading` is in the text). The
   highest-ranked matching category wins, as in `reading._ranking`.
3. The trained stage (`lexicon_sql_model`), when the lexicon found nothing.

Everything else goes to the Python classifier row by row and is *counted*, by reason, in
`Classified.fallbacks`: texts with characters outside the safe set, a negation word or a
blocker beside a match (the clause-level negation logic and match positions are Python-only),
untranslatable patterns (named in `Classified.untranslatable`), and model decisions that
float rounding could tip. Nothing falls back silently.

Engines: tested on DuckDB. The expressions use only portable Ibis operations, but Spark is
not tested here: its Java regexes take `$1` where DuckDB's RE2 takes `\\1` in the in-word
dash replacement, and Java's `\\b` around non-ASCII characters would need the same proof.
The verdicts are computed once per call (`to_pyarrow`); distinct texts are few beside calls.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfcare.bulk.lexicon_regex import Untranslatable, folding, in_word_dash, to_re2
from selfcare.bulk.lexicon_sql_model import decide, model_tables
from selfcare.domain.callmodel.model import load as load_model
from selfcare.domain.calls import _effective_categories, classify_text
from selfcare.domain.lexicon.prefilter import required_pieces
from selfcare.domain.lexicon.reading import _compiled_topic, _ranking, _topic_key
from selfcare.domain.program import BUILTIN_CATEGORIES, OTHER, CallCategory, CallRules

_READING: Any = importlib.import_module("selfcare.domain.lexicon.reading")
# Words after a match that negate it in `reading` ("Mahnung nicht bekommen", "kündigen will
# ich nicht"); found without a leading \b, since a match may end inside a word.
_NEGATED_AFTER = r"(?:nicht|nie|niemals|keine?|not|never)\W|\s(?:nicht|keine?s?falls|nie|niemals)\b"
# Where `reading._COORDINATED` could carry a negation to the next mention (a superset:
# the word may end another word, as "or" ends "for").
_COORDINATION = r"(?:or|oder|noch|nor)\s"
RESULT_SCHEMA = ibis.schema(
    {
        "text": "string",
        "reason_code": "string",
        "category": "string",
        "counts": "boolean",
        "rule": "string",
        "benefit_of_the_doubt": "boolean",
        "decided_by": "string",
    }
)


@dataclass
class Classified:
    """The verdict per distinct text and how many verdicts came from Python, and why."""

    table: ir.Table
    texts: int
    fallbacks: int
    by_reason: dict[str, int] = field(default_factory=dict)
    untranslatable: tuple[str, ...] = ()

    def report(self) -> str:
        """One line for logs and benchmark JSON: the fallback count is never hidden."""
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(self.by_reason.items())) or "none"
        return f"{self.texts} distinct texts, {self.fallbacks} classified in Python ({reasons})"


@dataclass(frozen=True)
class _Category:
    name: str
    counts: bool
    plain: tuple[str, ...]  # RE2 tests of patterns that negation can cancel
    lack: tuple[str, ...]  # RE2 tests of patterns that are themselves a negation
    blockers: tuple[str, ...]
    untranslatable: tuple[str, ...]


def classify_texts(texts: ir.Table, *, rules: CallRules) -> Classified:
    """Each distinct (text, reason_code) classified as `classify_text` would, in SQL where
    the verdict can be proven there, in Python (counted) where not."""
    base = _distinct(texts)
    categories = tuple(_category(c, rules) for c in _effective_categories(rules))
    model = load_model()
    candidates = tuple(
        c.name for c in _effective_categories(rules) if not c.counts and c.name in model.classes
    )
    decided = _decide(
        _lexicon_facts(_coded(base, rules), categories), categories, rules, candidates
    )
    rows = decided.to_pyarrow().to_pylist()  # one pass; distinct texts are few beside calls
    reasons: Counter[str] = Counter()
    for row in rows:
        reason = row.pop("fallback_reason")
        row["decided_by"] = "sql" if reason is None else "python"
        if reason is not None:
            reasons[reason] += 1
            _in_python(row, rules)
    table = ibis.memtable(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA.to_pyarrow()))
    untranslatable = tuple(u for c in categories for u in c.untranslatable)
    return Classified(table, len(rows), sum(reasons.values()), dict(reasons), untranslatable)


def _distinct(texts: ir.Table) -> ir.Table:
    code = texts.reason_code if "reason_code" in texts.columns else ibis.null("string")
    return texts.select(text=texts.text.fill_null(""), reason_code=code.cast("string")).distinct()


def _coded(base: ir.Table, rules: CallRules) -> ir.Table:
    """Stage 1: the category the reason code names (first configured category wins)."""
    codes: dict[str, str] = {}
    for category in rules.categories:
        for code in category.reason_codes:
            codes.setdefault(code.upper(), category.name)
    given = base.reason_code.notnull() & (base.reason_code != "")
    plain = base.reason_code.re_search(r"\A[ -~]*\z")
    key = (given & plain).ifelse(base.reason_code.strip().upper(), ibis.null("string"))
    table = base.mutate(code_key=key, code_unsafe=given & ~plain)
    mapping = ibis.memtable(
        pa.table(
            {"code_key": list(codes), "code_category": list(codes.values())},
            schema=pa.schema([("code_key", pa.string()), ("code_category", pa.string())]),
        )
    )
    return table.left_join(mapping, "code_key").drop("code_key", "code_key_right")


def _category(category: CallCategory, rules: CallRules) -> _Category:
    compiled, blockers = _compiled_topic(*_topic_key(category))
    plain: list[str] = []
    lack: list[str] = []
    failed: list[str] = []
    for pattern, _regex, _unless in compiled:
        try:
            if required_pieces(pattern.regex) is None:
                raise Untranslatable("may match empty text")
            test = to_re2(pattern.regex)
            unless = to_re2(pattern.unless) if pattern.unless else None
        except Untranslatable as exc:
            failed.append(f"{category.name}: {pattern.regex!r} ({exc})")
            continue
        (lack if pattern.lack else plain).append(f"{test}\x00{unless or ''}")
    translated: list[str] = []
    for blocker in blockers:
        try:
            translated.append(to_re2(blocker.pattern))
        except Untranslatable as exc:
            failed.append(f"{category.name}: blocker {blocker.pattern!r} ({exc})")
    configured = rules.category(category.name)
    counts = configured.counts if configured else category.name not in BUILTIN_CATEGORIES
    return _Category(
        category.name, counts, tuple(plain), tuple(lack), tuple(translated), tuple(failed)
    )


def _matches(folded: ir.StringValue, tests: tuple[str, ...]) -> ir.BooleanValue:
    """Whether any pattern matches, leaving out those whose `unless` matches."""
    hit: ir.BooleanValue = ibis.literal(False)
    for test in tests:
        regex, unless = test.split("\x00")
        one = folded.re_search(regex)
        hit = hit | (one & ~folded.re_search(unless) if unless else one)
    return hit


def _folded(text: ir.StringValue) -> ir.StringValue:
    """`normalise.fold_text` for a safe text: in-word dashes out, then each character folded."""
    fold = folding()
    dash = in_word_dash()
    out = text.re_replace(dash, r"\1\2").re_replace(dash, r"\1\2")
    out = out.translate(*fold.one_to_one)
    for char, spelling in fold.many:
        out = out.replace(char, spelling)
    return out


def _lexicon_facts(table: ir.Table, categories: tuple[_Category, ...]) -> ir.Table:
    fold = folding()
    folded = _folded(table.text)
    table = table.mutate(
        safe=table.text.re_search(rf"\A{fold.safe_class}*\z"),
        blank=~table.text.re_search("[^" + fold.space_class[1:]),
        folded=folded,
    )
    columns: dict[str, ir.Value] = {}
    for index, category in enumerate(categories):
        columns[f"plain_{index}"] = _matches(table.folded, category.plain)
        columns[f"lack_{index}"] = _matches(table.folded, category.lack)
        blocked = [table.folded.re_search(b) for b in category.blockers]
        columns[f"blocked_{index}"] = ibis.or_(*blocked) if blocked else ibis.literal(False)
    negators = to_re2(_READING._NEGATORS.pattern)
    columns["negation"] = table.folded.re_search(negators) | table.folded.re_search(_NEGATED_AFTER)
    columns["coordination"] = table.folded.re_search(_COORDINATION)
    return table.mutate(**columns)


def _decide(
    facts: ir.Table,
    categories: tuple[_Category, ...],
    rules: CallRules,
    candidates: tuple[str, ...],
) -> ir.Table:
    """The verdict where SQL can prove it; otherwise `fallback_reason` says why not."""
    rank = _ranking(_effective_categories(rules))
    hits = {i: facts[f"plain_{i}"] | facts[f"lack_{i}"] for i in range(len(categories))}
    any_plain = ibis.or_(ibis.literal(False), *(facts[f"plain_{i}"] for i in hits))
    any_hit = ibis.or_(ibis.literal(False), *hits.values())
    blocked = ibis.or_(ibis.literal(False), *(hits[i] & facts[f"blocked_{i}"] for i in hits))
    order = sorted(hits, key=lambda i: rank[categories[i].name])
    lexicon = ibis.cases(*((hits[i], categories[i].name) for i in order), else_=None)
    # A lack pattern ("kein Netz") of the best-ranked matching category is never negated
    # unless a negation carries over "oder"/"noch"/"or"/"nor" to it: without such a word the
    # category is present, and negation elsewhere cannot change the verdict.
    top_is_lack = ibis.cases(*((hits[i], facts[f"lack_{i}"]) for i in order), else_=False)
    settled = top_is_lack & ~facts.coordination
    counts_of = {c.name: c.counts for c in categories}
    need_model = facts.code_category.isnull() & facts.safe & ~any_hit & ~facts.blank
    facts = _with_model(facts, facts.filter(need_model), candidates)
    no_model = (
        facts.blank | ibis.literal(not candidates) | (facts.model_p < load_model().doubt_threshold)
    )
    untranslatable = any(c.untranslatable for c in categories)
    reason = ibis.cases(
        (facts.code_category.notnull(), ibis.null("string")),
        (facts.code_unsafe, "reason_code_not_ascii"),
        (ibis.literal(untranslatable), "untranslatable_pattern"),
        (~facts.safe, "characters_outside_safe_set"),
        (blocked, "blocker_beside_match"),
        (any_plain & facts.negation & ~settled, "negation_beside_match"),
        (any_hit, ibis.null("string")),
        (facts.blank | ibis.literal(not candidates), ibis.null("string")),
        (~facts.model_exact, "model_rounding"),
        else_=ibis.null("string"),
    )
    category = ibis.cases(
        (facts.code_category.notnull(), facts.code_category),
        (any_hit, lexicon),
        (no_model, ibis.literal(OTHER)),
        else_=facts.model_class,
    )
    rule = ibis.cases(
        (facts.code_category.notnull(), "reason_code"),
        (any_hit, "lexicon"),
        (no_model, "fallback"),
        else_="model",
    )
    counts = ibis.cases(*((category == n, c) for n, c in counts_of.items()), else_=True)
    counts = (rule == "model").ifelse(False, (rule == "fallback").ifelse(True, counts))
    benefit = (rule == "model") & ~facts.model_sure.fill_null(False)
    return facts.select(
        "text",
        "reason_code",
        category=category,
        counts=counts,
        rule=rule,
        benefit_of_the_doubt=benefit,
        fallback_reason=reason,
    )


def _with_model(facts: ir.Table, need: ir.Table, candidates: tuple[str, ...]) -> ir.Table:
    """The trained stage's columns beside the facts (NULL where it was not asked)."""
    if not candidates:
        return facts.mutate(
            model_class=ibis.null("string"),
            model_p=ibis.null("float64"),
            model_sure=ibis.null("boolean"),
            model_exact=ibis.null("boolean"),
        )
    model = load_model()
    texts = need.select("text", "folded").distinct()
    scored = decide(texts, model_tables(model), model, candidates)
    return facts.left_join(scored, "text").drop("text_right")


def _in_python(row: dict[str, Any], rules: CallRules) -> None:
    """The Python classifier's verdict in place of the one SQL could not prove."""
    verdict = classify_text(row["text"], reason_code=row["reason_code"], rules=rules)
    row["category"] = verdict.category
    row["counts"] = verdict.counts
    row["rule"] = verdict.rule
    row["benefit_of_the_doubt"] = verdict.benefit_of_the_doubt
