"""What my bonus and my contacts show, built from the customer's progress, ledger and events.

Plain functions from values to the dictionaries the templates render, in German or
English, so the pages stay thin and every sentence can be tested without a browser. The
evaluator's own explanations are English notes for operators; a customer reads the
sentences here, made from the same facts (rule, category, matched words, dates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from selfcare.domain.calendar import add_months, same_clock_time_later
from selfcare.domain.caps import CAP_EXCEEDED, SETTLEMENT
from selfcare.domain.events import Direction, Event
from selfcare.domain.ledger import GrantRecord, GrantStatus
from selfcare.domain.program import Program, Reward, StreakReward, TaskReward
from selfcare.domain.progress import (
    CallResult,
    CustomerProgress,
    Grant,
    PendingGrant,
    StreakProgress,
    StreakStatus,
)
from selfcare.domain.speedcheck.models import format_day
from selfcare.program.explain import calls_lines, category_title, count, megabytes
from selfcare.program.explain_texts import CHANNELS, EVENTS
from selfcare.program.explain_texts import TEXTS as EXPLAIN
from selfcare.web.pages.customer_texts import TEXTS

MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """Everything the two pages read about one customer, as of `today`."""

    program: Program
    progress: CustomerProgress
    ledger: list[GrantRecord]
    events: list[Event]
    today: date


def period_words(period: str, lang: str) -> str:
    """`2025-06` as "Juni 2025" / "June 2025"; a window's first day (a streak's period)
    as "ab 31.05.2025" / "from 2025-05-31"; anything else (`once`) as nothing."""
    found = _MONTH.match(period)
    if found is None:
        try:
            return TEXTS[lang]["from_day"].format(date=format_day(date.fromisoformat(period), lang))
        except ValueError:
            return ""
    return f"{MONTHS[lang].split()[int(found.group(2)) - 1]} {found.group(1)}"


def _title(program: Program, reward_id: str, lang: str) -> str:
    reward = next((r for r in program.rewards if r.id == reward_id), None)
    return (reward.title.get(lang) if reward else "") or reward_id.replace("_", " ")


def _when(facts: CustomerFacts, event_id: str | None, lang: str) -> str:
    event = next((e for e in facts.events if e.event_id == event_id), None)
    if event is None:
        return event_id or ""
    return format_day(event.occurred_at.astimezone(facts.program.zone).date(), lang)


# ---- my bonus -------------------------------------------------------------------------


def bonus_view(facts: CustomerFacts, lang: str) -> dict[str, Any]:
    """The rewards with their state, the no-hotline window(s), and the data received."""
    ledger = {(g.reward, g.period): g for g in facts.ledger if g.program_id == facts.program.id}
    return {
        "rewards": [_reward_card(facts, r, ledger, lang) for r in facts.program.rewards],
        "windows": [_window(facts, s, lang) for s in facts.progress.streaks],
        "volume": volume_view(facts, lang),
    }


def _reward_card(
    facts: CustomerFacts,
    reward: Reward,
    ledger: dict[tuple[str, str], GrantRecord],
    lang: str,
) -> dict[str, Any]:
    t = TEXTS[lang]
    grants = [g for g in facts.progress.grants if g.reward == reward.id]
    pending = [p for p in facts.progress.pending if p.reward == reward.id]
    lines = [_grant_line(g, reward, ledger.get((g.reward, g.period)), lang) for g in grants]
    lines += [_pending_line(p, facts.program, lang) for p in pending]
    refused = [g for g in grants if _status(ledger.get((g.reward, g.period))) == "rejected"]
    if isinstance(reward, TaskReward) and reward.recurrence == "monthly" and grants:
        this_month = f"{facts.today.year:04d}-{facts.today.month:02d}"
        periods = {g.period for g in grants} | {p.period for p in pending}
        if this_month not in periods:
            lines.append(t["this_month_open"])
    if not grants and not pending:
        lines.append(t["not_yet"])
    state = _card_state(facts, reward, grants, pending, refused)
    return {
        "id": reward.id,
        "title": _title(facts.program, reward.id, lang),
        "amount": megabytes(reward.amount_mb, lang),
        "recurrence": _recurrence(reward, lang),
        "how": _how(reward, lang),
        "state": state,
        "state_label": t[f"state_{state}"],
        "lines": lines,
    }


def _card_state(
    facts: CustomerFacts,
    reward: Reward,
    grants: list[Grant],
    pending: list[PendingGrant],
    refused: list[Grant],
) -> str:
    if grants and len(refused) == len(grants) and not pending:
        return "rejected"
    if grants:
        return "earned"
    if pending:
        return "pending"
    if isinstance(reward, StreakReward):
        streak = next((s for s in facts.progress.streaks if s.reward == reward.id), None)
        if streak is not None and streak.status is StreakStatus.FORFEITED:
            return "forfeited"
        if streak is not None and streak.status in (StreakStatus.RUNNING, StreakStatus.BROKEN):
            return "running"
    return "open"


def _recurrence(reward: Reward, lang: str) -> str:
    t = TEXTS[lang]
    if isinstance(reward, TaskReward):
        return t["task_monthly"] if reward.recurrence == "monthly" else t["task_once"]
    key = "streak_rolling" if reward.recurrence == "rolling" else "streak_once"
    return t[key].format(months=_after_months(reward.months, lang))


def _after_months(n: int, lang: str) -> str:
    """ "nach 9 Kalendermonaten" (German dative) / "after 9 calendar months"."""
    if lang == "de":
        return f"{n} Kalendermonat" if n == 1 else f"{n} Kalendermonaten"
    return count(n, lang, "calendar month", "Kalendermonat")


def _how(reward: Reward, lang: str) -> str:
    if isinstance(reward, StreakReward):
        return ""
    event = EVENTS["de" if lang == "de" else "en"].get(reward.event, reward.event)
    return TEXTS[lang]["how_task"].format(event=event[:1].upper() + event[1:])


def _status(record: GrantRecord | None) -> str:
    return "pending" if record is None else record.status.value


def _grant_line(grant: Grant, reward: Reward, record: GrantRecord | None, lang: str) -> str:
    t = TEXTS[lang]
    line = t["earned_on"].format(date=format_day(grant.granted_on, lang))
    if reward.recurrence != "once":
        line += " " + t["for_period"].format(period=period_words(grant.period, lang))
    return f"{line} – {t['credit_' + _status(record)]}"


def _pending_line(pending: PendingGrant, program: Program, lang: str) -> str:
    t = TEXTS[lang]
    if pending.reason == CAP_EXCEEDED:
        cap = "; ".join(
            f"{megabytes(c.max_mb, lang)} / {EXPLAIN[lang][c.period]}" for c in program.caps
        )
        if pending.due_on is None:
            return t["pending_cap_forever"].format(cap=cap)
        return t["pending_cap"].format(cap=cap, date=format_day(pending.due_on, lang))
    if pending.reason == SETTLEMENT and pending.due_on is not None:
        return t["pending_settlement"].format(date=format_day(pending.due_on, lang))
    return t["pending_other"]


def _window(facts: CustomerFacts, streak: StreakProgress, lang: str) -> dict[str, Any]:
    t = TEXTS[lang]
    reward = facts.program.reward(streak.reward)
    assert isinstance(reward, StreakReward)  # noqa: S101 - streak progress names a streak reward
    done, pct = _elapsed(streak, reward, facts.today)
    lines = _window_lines(facts, streak, reward, lang)
    forfeits = reward.on_break == "forfeit"
    over = streak.status is StreakStatus.FORFEITED or (
        streak.status is StreakStatus.COMPLETED and reward.recurrence == "once"
    )
    return {
        "title": _title(facts.program, reward.id, lang),
        "status": streak.status.value,
        "bar": streak.status in (StreakStatus.RUNNING, StreakStatus.COMPLETED),
        "pct": pct,
        "done_text": t["window_done"].format(done=done, months=reward.months, pct=pct),
        "lines": lines,
        "rule_heading": t["forfeit_heading" if forfeits else "restart_heading"],
        "rules": [] if over else _call_rule_items(facts.program, lang),
    }


def _elapsed(streak: StreakProgress, reward: StreakReward, today: date) -> tuple[int, int]:
    """Whole calendar months done and the share of the window's days passed (percent)."""
    if streak.status is StreakStatus.COMPLETED:
        return reward.months, 100
    start, end = streak.window_start, streak.completes_on
    if streak.status is not StreakStatus.RUNNING or start is None or end is None:
        return 0, 0
    done = sum(1 for k in range(1, reward.months + 1) if add_months(start, k) <= today)
    total = max(1, (end - start).days)
    return done, max(0, min(100, (today - start).days * 100 // total))


def _window_lines(
    facts: CustomerFacts, streak: StreakProgress, reward: StreakReward, lang: str
) -> list[str]:
    t = TEXTS[lang]
    start = format_day(streak.window_start, lang) if streak.window_start else ""
    end = format_day(streak.completes_on, lang) if streak.completes_on else ""
    months = count(reward.months, lang, "calendar month", "Kalendermonat")
    status = streak.status
    if status is StreakStatus.NOT_ENROLLED:
        return [t["window_not_enrolled"]]
    if status is StreakStatus.FORFEITED:
        event = next((e for e in facts.events if e.event_id == streak.broken_by), None)
        if event is not None and event.type.value == "contract_ended":
            return [t["window_forfeited_contract"]]
        return [t["window_forfeited_call"].format(date=_when(facts, streak.broken_by, lang))]
    if status is StreakStatus.COMPLETED:
        return [t["window_completed"].format(months=months, end=end)]
    if status is StreakStatus.BROKEN:
        when = _when(facts, streak.broken_by, lang)
        return [t["window_broken"].format(date=when, start=start, end=end)]
    lines = [t["window_running"].format(start=start, end=end)]
    if streak.completes_on is not None:
        grant_day = streak.completes_on + timedelta(days=reward.settlement_grace_days)
        days = count(reward.settlement_grace_days, lang, "day", "Tag")
        lines.append(t["window_grant"].format(days=days, date=format_day(grant_day, lang)))
    if streak.broken_by:
        lines.append(t["window_restarted"].format(date=_when(facts, streak.broken_by, lang)))
    return lines


def _call_rule_items(program: Program, lang: str) -> list[dict[str, Any]]:
    """The program's call rules in plain words, list items marked (from `program explain`)."""
    items = [{"item": False, "text": TEXTS[lang]["restart_intro"]}]
    for line in calls_lines(program.calls, lang):
        is_item = line.startswith("- ")
        items.append({"item": is_item, "text": line[2:] if is_item else line})
    return items


def volume_view(facts: CustomerFacts, lang: str) -> dict[str, Any]:
    """The ledger's top-ups: what arrived (confirmed), is on its way, or was refused."""
    t = TEXTS[lang]
    sums = dict.fromkeys(GrantStatus, 0)
    for record in facts.ledger:
        sums[record.status] += record.amount_mb
    on_way = sums[GrantStatus.PENDING] + sums[GrantStatus.HELD]
    rows = [
        {
            "date": format_day(r.granted_on, lang),
            "reward": _title(facts.program, r.reward, lang),
            "period": period_words(r.period, lang),
            "amount": megabytes(r.amount_mb, lang),
            "status": r.status.value,
            "status_label": t[f"credit_{r.status.value}"],
        }
        for r in sorted(facts.ledger, key=lambda g: (g.granted_on, g.grant_id))
    ]
    confirmed = sums[GrantStatus.CONFIRMED]
    return {
        "received_mb": confirmed,
        "received": t["volume_total"].format(mb=megabytes(confirmed, lang))
        if confirmed
        else t["volume_none"],
        "on_way": t["volume_on_way"].format(mb=megabytes(on_way, lang)) if on_way else "",
        "rejected": t["volume_rejected"].format(mb=megabytes(sums[GrantStatus.REJECTED], lang))
        if sums[GrantStatus.REJECTED]
        else "",
        "rows": rows,
    }


# ---- my contacts ----------------------------------------------------------------------


def contacts_view(facts: CustomerFacts, lang: str) -> list[dict[str, Any]]:
    """Every contact, newest first, with its verdict and the sentence explaining it."""
    events = {e.event_id: e for e in facts.events}
    breakers = {s.broken_by: s.status for s in facts.progress.streaks if s.broken_by}
    calls = sorted(facts.progress.calls, key=lambda c: (c.occurred_at, c.event_id), reverse=True)
    return [_contact(facts, call, events.get(call.event_id), breakers, lang) for call in calls]


def _contact(
    facts: CustomerFacts,
    call: CallResult,
    event: Event | None,
    breakers: dict[str, StreakStatus],
    lang: str,
) -> dict[str, Any]:
    t = TEXTS[lang]
    zone = facts.program.zone
    local = call.occurred_at.astimezone(zone)
    notes = []
    if call.event_id in breakers:
        forfeited = breakers[call.event_id] is StreakStatus.FORFEITED
        notes.append(t["forfeited_by" if forfeited else "broke_window"])
    return {
        "id": call.event_id,
        "date": format_day(local.date(), lang),
        "time": f"{local:%H:%M}",
        "channel": _channel(event, lang),
        "counts": call.counts,
        "verdict": t["counted" if call.counts else "not_counted"],
        "topic": _topic(facts.program, call.category, lang),
        "sentence": contact_sentence(facts, call, lang),
        "notes": notes,
    }


def _channel(event: Event | None, lang: str) -> str:
    if event is None:
        return ""
    if event.direction is Direction.OUTBOUND:
        return TEXTS[lang]["outbound_channel"]
    return CHANNELS["de" if lang == "de" else "en"].get(event.type.value, event.type.value)


def _topic(program: Program, category: str, lang: str) -> str:
    if category == "other":
        return TEXTS[lang]["topic_other"]
    return category_title(program.calls.category(category), category, lang)


def _quoted(words: tuple[str, ...], lang: str) -> str:
    return ", ".join(EXPLAIN[lang]["quote"].format(w) for w in words)


def contact_sentence(facts: CustomerFacts, call: CallResult, lang: str) -> str:
    """Why a contact counted or not, in the customer's language ("Did not count: Contract
    extension, recognised by the agent's code VVL.")."""
    t = TEXTS[lang]
    verdict = t["verdict_counted" if call.counts else "verdict_not_counted"]
    topic = _topic(facts.program, call.category, lang)
    sentence = _rule_sentence(facts, call, lang).format(
        verdict=verdict,
        topic=topic,
        code=call.matched[0] if call.matched else "",
        words=_quoted(call.matched, lang),
    )
    if "Recorded only after" in call.explanation:
        sentence += " " + t["why_late"]
    return sentence


def _rule_sentence(facts: CustomerFacts, call: CallResult, lang: str) -> str:
    t = TEXTS[lang]
    simple = {
        "reason_code": "why_code",
        "lexicon": "why_words",
        "fallback": "why_fallback",
        "outbound": "why_outbound",
        "not_reached_agent": "why_unanswered",
        "before_enrollment": "why_before",
    }
    if call.rule in simple:
        return t[simple[call.rule]]
    if call.rule == "model":
        return t["why_doubt" if call.explanation.startswith("Probably") else "why_model"]
    if call.rule == "hotline_pass":
        return _pass_sentence(facts, call, lang)
    if call.rule == "channel_not_counted":
        event = next((e for e in facts.events if e.event_id == call.event_id), None)
        channel = _channel(event, lang) if event else ""
        return t["why_channel"].replace("{channel}", channel)
    return "{verdict}."


def _pass_sentence(facts: CustomerFacts, call: CallResult, lang: str) -> str:
    t = TEXTS[lang]
    wanted = call.matched[0] if call.matched else None
    diagnosis = next((e for e in facts.events if e.event_id == wanted), None)
    if diagnosis is None:
        return "{verdict}."
    zone = facts.program.zone
    end = same_clock_time_later(diagnosis.occurred_at, facts.program.calls.hotline_pass_days, zone)
    words = t.get(diagnosis.type.value, diagnosis.type.value)
    return (
        t["why_pass"]
        .replace("{diagnosis}", words)
        .replace("{start}", _at(diagnosis.occurred_at.astimezone(zone), lang))
        .replace("{end}", _at(end.astimezone(zone), lang))
    )


def _at(moment: datetime, lang: str) -> str:
    day = format_day(moment.date(), lang)
    return TEXTS[lang]["at_time"].format(date=day, time=f"{moment:%H:%M}")
