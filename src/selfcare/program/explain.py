"""A program's rules in plain German or English, for customers and program managers.

The press asked two questions every participant has: is a bonus one-off or monthly, and which
calls count? This module answers both from the program file alone, so the explanation can
never drift from the rules the evaluator applies.
"""

from __future__ import annotations

from typing import Any

from selfcare.domain.calls import CallVerdict
from selfcare.domain.program import (
    BUILTIN_CATEGORIES,
    OTHER,
    CallCategory,
    CallRules,
    Cap,
    Program,
    Reward,
    StreakReward,
    TaskReward,
)
from selfcare.program.explain_texts import BUILTIN_TITLES, CHANNELS, EVENTS, TEXTS


def _lang(lang: str) -> str:
    return "de" if lang == "de" else "en"


def _t(lang: str) -> dict[str, str]:
    return TEXTS[_lang(lang)]


def megabytes(amount: int, lang: str) -> str:
    """1800 as "1.800 MB" in German and "1,800 MB" in English."""
    grouped = f"{amount:,}"
    return (grouped.replace(",", ".") if lang == "de" else grouped) + " MB"


def category_title(category: CallCategory | None, name: str, lang: str) -> str:
    """The topic's name for people: the program's title, else the built-in one, else its id."""
    if category is not None and category.title.get(lang):
        return category.title.get(lang)
    if name in BUILTIN_CATEGORIES:
        return BUILTIN_TITLES[_lang(lang)][BUILTIN_CATEGORIES.index(name)]
    return name.replace("_", " ")


def reward_line(reward: Reward, lang: str) -> str:
    """One reward in words, saying whether it is paid once, monthly or rolling."""
    t = _t(lang)
    title = reward.title.get(lang) or reward.id
    if isinstance(reward, TaskReward):
        prior = t["prior"] if reward.count_prior else t["after"]
        event = EVENTS[_lang(lang)].get(reward.event, reward.event) + f" ({reward.event})"
        return t["task"].format(
            title=title,
            mb=megabytes(reward.amount_mb, lang),
            rec=t[reward.recurrence],
            event=event,
            prior=prior,
        )
    return " ".join(_streak_sentences(reward, title, lang))


def _streak_sentences(reward: StreakReward, title: str, lang: str) -> list[str]:
    t = _t(lang)
    head = t["streak"].format(
        title=title,
        mb=megabytes(reward.amount_mb, lang),
        rec=t[reward.recurrence],
        months=count(reward.months, lang, "calendar month", "Kalendermonat"),
    )
    grace = count(reward.settlement_grace_days, lang, "day", "Tag")
    return [head, t[reward.on_break], t["grace"].format(days=grace)]


def cap_line(cap: Cap, lang: str) -> str:
    t = _t(lang)
    rest = t["carry"] if cap.carry_over and cap.period != "program" else t["no_carry"]
    return t["cap"].format(mb=megabytes(cap.max_mb, lang), period=t[cap.period], rest=rest)


def calls_lines(rules: CallRules, lang: str) -> list[str]:
    """What counts and what does not: channels, outbound, unanswered, topics, hotline pass."""
    t = _t(lang)
    channels = ", ".join(CHANNELS[_lang(lang)].get(c, c) for c in rules.counted_types)
    lines = [t["counted"].format(channels=channels), t["not_counted"], "- " + t["outbound"]]
    lines.append(("- " + t["unanswered"]) if not rules.count_unanswered else "")
    exempt = [c for c in _categories(rules) if not c.counts]
    if exempt:
        topics = "; ".join(_topic_words(c, lang) for c in exempt)
        lines.append("- " + t["topics"].format(topics=topics))
    if rules.hotline_pass_days > 0:
        lines.append(
            "- "
            + t["pass"].format(
                days=count(rules.hotline_pass_days, lang, "calendar day", "Kalendertag")
            )
        )
    if rules.count_unanswered:
        lines.append(t["unanswered_count"])
    counting = [category_title(c, c.name, lang) for c in _categories(rules) if c.counts]
    if counting:
        lines.append(t["still_counting"].format(topics=", ".join(counting)))
    lines.extend([t["others"], t["how"]])
    return [line for line in lines if line]


def links_lines(rules: CallRules, lang: str) -> list[str]:
    """The self-service pages the call checker offers, and for which concerns."""
    t = _t(lang)
    lines = []
    for link in rules.links:
        when = []
        if link.categories:
            topics = ", ".join(
                category_title(rules.category(name), name, lang) for name in link.categories
            )
            when.append(t["link_topics"].format(topics=topics))
        if link.keywords:
            when.append(t["link_words"].format(words=", ".join(link.keywords)))
        title = link.title.get(lang)
        lines.append(t["link"].format(title=title, url=link.url, when=t["link_or"].join(when)))
    return lines


def _categories(rules: CallRules) -> tuple[CallCategory, ...]:
    """The program's categories; without any, the four built-in exempt ones (as classified)."""
    return rules.categories or tuple(CallCategory(name=n) for n in BUILTIN_CATEGORIES)


def _topic_words(category: CallCategory, lang: str) -> str:
    t = _t(lang)
    how = []
    if category.reason_codes:
        how.append(t["codes"].format(codes=", ".join(category.reason_codes)))
    if category.keywords:
        how.append(t["keywords"].format(words=", ".join(category.keywords)))
    if category.builtin_lexicon and category.name in BUILTIN_CATEGORIES:
        how.append(t["words"])
    return f"{category_title(category, category.name, lang)} ({'; '.join(how)})"


def explain_text(program: Program, lang: str = "en") -> str:
    """The whole program in plain words, as printed by `selfcare program explain`."""
    t = _t(lang)
    lines = [f"{program.name} ({program.id})"]
    if program.description.get(lang):
        lines.append(program.description.get(lang))
    lines.extend([t["calendar"].format(tz=program.timezone), "", t["rewards"]])
    lines.extend("- " + reward_line(r, lang) for r in program.rewards)
    if program.caps:
        lines.extend(["", t["caps"], *("- " + cap_line(c, lang) for c in program.caps)])
    lines.extend(["", t["budget"], *("- " + line for line in budget_lines(program, lang))])
    lines.extend(["", t["calls"], *calls_lines(program.calls, lang)])
    if program.calls.links:
        lines.extend(["", t["links"], *("- " + line for line in links_lines(program.calls, lang))])
    return "\n".join(lines)


def budget_lines(program: Program, lang: str) -> list[str]:
    """The program file's budget (the ledger enforces it) and what counts against it."""
    t = _t(lang)
    budget = program.budget
    lines = [
        t[key].format(mb=megabytes(mb, lang))
        for key, mb in (("budget_total", budget.total_mb), ("budget_monthly", budget.monthly_mb))
        if mb is not None
    ]
    return [*(lines or [t["budget_none"]]), t["budget_rule"]]


def explain_json(program: Program, lang: str = "en") -> dict[str, Any]:
    """The same explanation as data, for pages and scripts."""
    rules = program.calls
    return {
        "program": {"id": program.id, "name": program.name, "timezone": program.timezone},
        "lang": _lang(lang),
        "rewards": [_reward_json(r, lang) for r in program.rewards],
        "caps": [c.model_dump() | {"text": cap_line(c, lang)} for c in program.caps],
        "budget": program.budget.model_dump() | {"text": budget_lines(program, lang)},
        "calls": {
            "counted_types": list(rules.counted_types),
            "count_unanswered": rules.count_unanswered,
            "outbound_counts": False,
            "hotline_pass_days": rules.hotline_pass_days,
            "categories": [_category_json(c, lang) for c in _categories(rules)],
            "links": [
                link.model_dump() | {"text": text}
                for link, text in zip(rules.links, links_lines(rules, lang), strict=True)
            ],
            "text": calls_lines(rules, lang),
        },
        "text": explain_text(program, lang),
    }


def _reward_json(reward: Reward, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": reward.id,
        "kind": reward.kind,
        "title": reward.title.get(lang) or reward.id,
        "amount_mb": reward.amount_mb,
        "recurrence": reward.recurrence,
        "text": reward_line(reward, lang),
    }
    if isinstance(reward, StreakReward):
        data |= {
            "months": reward.months,
            "on_break": reward.on_break,
            "settlement_grace_days": reward.settlement_grace_days,
        }
    else:
        data |= {"event": reward.event, "count_prior": reward.count_prior}
    return data


def _category_json(category: CallCategory, lang: str) -> dict[str, Any]:
    return {
        "name": category.name,
        "title": category_title(category, category.name, lang),
        "counts": category.counts,
        "reason_codes": list(category.reason_codes),
        "keywords": list(category.keywords),
        "builtin_lexicon": category.builtin_lexicon and category.name in BUILTIN_CATEGORIES,
    }


def describe_verdict(verdict: CallVerdict, rules: CallRules, lang: str = "en") -> str:
    """A short answer to "would this call count?" for the call checker."""
    t = _t(lang)
    topic = category_title(rules.category(verdict.category), verdict.category, lang)
    if verdict.rule == "reason_code" and verdict.matched:
        why = t["by_code"].format(code=verdict.matched[0])
    elif verdict.rule == "lexicon":
        why = t["by_words"].format(words=", ".join(t["quote"].format(w) for w in verdict.matched))
    elif verdict.rule == "model":
        key = "doubt" if verdict.benefit_of_the_doubt else "by_model"
        why = t[key].format(words=", ".join(t["quote"].format(w) for w in verdict.matched))
    elif verdict.category == OTHER:
        exempt = [category_title(c, c.name, lang) for c in _categories(rules) if not c.counts]
        return t["does_count"].format(topics=", ".join(exempt)) + " " + t["assumed"]
    else:
        from selfcare.program.reasons import explanation  # reasons builds on this module

        why = explanation(verdict.explanation, lang)
    key = "counts_topic" if verdict.counts else "no_count"
    return t[key].format(topic=topic, why=why) + " " + t["assumed"]


_GERMAN_PLURALS = {"Tag": "Tage", "Kalendertag": "Kalendertage", "Kalendermonat": "Kalendermonate"}


def count(n: int, lang: str, english: str, german: str) -> str:
    """ "1 day" / "3 days", "1 Tag" / "3 Tage": never "1 days"."""
    if _lang(lang) == "de":
        return f"{n} {german if n == 1 else _GERMAN_PLURALS[german]}"
    return f"{n} {english if n == 1 else english + 's'}"
