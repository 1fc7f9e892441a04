"""Program versions: publishing a changed program makes a new version; a diff in words.

A version is the program file as published plus the digest of its rules
(`program/digest.py`). Publishing a file whose rules equal the newest version's is no
new version (a comment changed, nothing else). Versions are never changed or deleted,
and grants carry the digest of the program that made them, so every past grant keeps
naming its version. A running service without SELFCARE_PROGRAM_PATH takes the newest
published version up without a restart (`console/current.py`).

The diff compares the rules as `selfcare program explain` words them: each reward by
its id (added, removed, changed: old sentence, new sentence), then caps, budget, call
rules, the call checker's self-service links, name and time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from selfcare.console.audit import audited
from selfcare.domain.operators import ProgramVersionRecord
from selfcare.domain.program import Program
from selfcare.errors import Conflict, InvalidInput
from selfcare.program.digest import program_digest
from selfcare.program.explain import (
    budget_lines,
    calls_lines,
    cap_line,
    links_lines,
    reward_line,
)
from selfcare.program.load import parse_program
from selfcare.store.ports import UnitOfWorkFactory

MAX_PROGRAM_CHARS = 60_000


@dataclass(frozen=True, slots=True)
class Published:
    """What publishing did: the version now newest, and whether this call made it."""

    version: ProgramVersionRecord
    created: bool
    program: Program


@dataclass(frozen=True, slots=True)
class Change:
    """One difference in words: `kind` is added, removed or changed."""

    kind: str
    topic: str
    before: str | None
    after: str | None


def publish_program(
    *,
    uow: UnitOfWorkFactory,
    text: str,
    actor: str,
    note: str = "",
    source: str = "<program>",
    now: datetime | None = None,
) -> Published:
    """Validate `text` and store it as the next version of its program (audited).

    InvalidProgram names every problem; Conflict when another publisher took the number
    at the same moment (publish again)."""
    if len(text) > MAX_PROGRAM_CHARS:
        raise InvalidInput(f"{source}: a program file has at most {MAX_PROGRAM_CHARS} characters")
    program = parse_program(text, source=source)
    digest = program_digest(program)
    with uow() as work:
        versions = work.console.versions(program.id)
        latest = versions[-1] if versions else None
        if latest is not None and latest.digest == digest:
            return Published(latest, False, program)
        record = ProgramVersionRecord(
            program_id=program.id,
            version=latest.version + 1 if latest else 1,
            digest=digest,
            source_text=text,
            published_at=now or datetime.now(UTC),
            published_by=actor,
            note=note[:2000],
        )
        try:
            work.console.add_version(record)
        except (IntegrityError, ValueError) as exc:
            raise Conflict(f"{program.id}: published by someone else just now; try again") from exc
        audited(
            work,
            actor=actor,
            action="program_publish",
            target=f"{program.id} version {record.version}",
            before=None if latest is None else {"version": latest.version, "digest": latest.digest},
            after={"version": record.version, "digest": digest, "note": record.note},
            now=record.published_at,
        )
        work.commit()
    return Published(record, True, program)


def versions_of(*, uow: UnitOfWorkFactory, program_id: str) -> list[ProgramVersionRecord]:
    """Every published version of a program, oldest first."""
    with uow(read_only=True) as work:
        return work.console.versions(program_id)


def newest_published(*, uow: UnitOfWorkFactory) -> Program | None:
    """The most recently published program (of any id), or None when none was published."""
    with uow(read_only=True) as work:
        latest = work.console.latest_version()
    return None if latest is None else version_program(latest)


def version_program(version: ProgramVersionRecord) -> Program:
    return parse_program(version.source_text, source=f"{version.program_id} v{version.version}")


def version_of_digest(versions: list[ProgramVersionRecord], digest: str | None) -> int | None:
    """The first version with these rules (None: unpublished rules, or a grant before 0007)."""
    return next((v.version for v in versions if v.digest == digest), None)


def diff_programs(old: Program, new: Program, lang: str) -> list[Change]:
    """What changed from `old` to `new`, in the words of `selfcare program explain`."""
    changes: list[Change] = []
    for label, before, after in (
        ("name", old.name, new.name),
        ("timezone", old.timezone, new.timezone),
        ("starts_on", str(old.starts_on or "-"), str(new.starts_on or "-")),
    ):
        if before != after:
            changes.append(Change("changed", label, before, after))
    changes.extend(_reward_changes(old, new, lang))
    for topic, before_lines, after_lines in (
        ("caps", [cap_line(c, lang) for c in old.caps], [cap_line(c, lang) for c in new.caps]),
        ("budget", budget_lines(old, lang), budget_lines(new, lang)),
        ("calls", calls_lines(old.calls, lang), calls_lines(new.calls, lang)),
        ("links", links_lines(old.calls, lang), links_lines(new.calls, lang)),
    ):
        changes.extend(_line_changes(topic, before_lines, after_lines))
    return changes


def _reward_changes(old: Program, new: Program, lang: str) -> list[Change]:
    before = {r.id: reward_line(r, lang) for r in old.rewards}
    after = {r.id: reward_line(r, lang) for r in new.rewards}
    changes = []
    for reward_id in [*before, *(i for i in after if i not in before)]:
        was, now = before.get(reward_id), after.get(reward_id)
        if was == now:
            continue
        kind = "added" if was is None else "removed" if now is None else "changed"
        changes.append(Change(kind, f"reward {reward_id}", was, now))
    return changes


def _line_changes(topic: str, before: list[str], after: list[str]) -> list[Change]:
    gone = [line for line in before if line not in after]
    new = [line for line in after if line not in before]
    if len(gone) == len(new) == 1:
        return [Change("changed", topic, gone[0], new[0])]
    return [Change("removed", topic, line, None) for line in gone] + [
        Change("added", topic, None, line) for line in new
    ]
