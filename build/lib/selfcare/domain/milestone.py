"""The next milestone a customer can look forward to: what, how much, and when.

Pure: computed from a customer's progress and the program rules only. The earliest dated
milestone wins (a pending bonus falling due, a running streak completing); without one,
the first self-service task the customer has not done yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from selfcare.domain.program import Program, TaskReward
from selfcare.domain.progress import CustomerProgress, StreakStatus


@dataclass(frozen=True, slots=True)
class Milestone:
    """One upcoming bonus; `on` is None for a task the customer can do any day."""

    kind: str  # grant_due | streak_completes | task_open
    reward: str
    amount_mb: int
    on: date | None
    explanation: str

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "reward": self.reward,
            "amount_mb": self.amount_mb,
            "on": self.on.isoformat() if self.on else None,
            "explanation": self.explanation,
        }


def next_milestone(program: Program, progress: CustomerProgress) -> Milestone | None:
    """The customer's next milestone, or None (not enrolled, or nothing left to earn)."""
    if progress.enrolled_on is None:
        return None
    dated = _dated(program, progress)
    if dated:
        return min(dated, key=lambda m: (m.on or date.max, m.reward))
    return _open_task(program, progress)


def _dated(program: Program, progress: CustomerProgress) -> list[Milestone]:
    found = [
        Milestone("grant_due", p.reward, p.amount_mb, p.due_on, p.explanation)
        for p in progress.pending
        if p.due_on is not None
    ]
    for streak in progress.streaks:
        if streak.status is StreakStatus.RUNNING and streak.completes_on is not None:
            amount = program.reward(streak.reward).amount_mb
            text = (
                f"{amount} MB when the no-hotline window completes on "
                f"{streak.completes_on.isoformat()} without a counted call."
            )
            found.append(
                Milestone("streak_completes", streak.reward, amount, streak.completes_on, text)
            )
    return found


def _open_task(program: Program, progress: CustomerProgress) -> Milestone | None:
    done = {g.reward for g in progress.grants} | {p.reward for p in progress.pending}
    for reward in program.rewards:
        if isinstance(reward, TaskReward) and reward.id not in done:
            title = reward.title.get("en") or reward.event.replace("_", " ")
            text = f"{reward.amount_mb} MB for: {title}."
            return Milestone("task_open", reward.id, reward.amount_mb, None, text)
    return None
