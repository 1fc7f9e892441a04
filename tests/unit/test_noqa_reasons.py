"""Every `noqa` says why after it (STYLE.md: every ignore commented): a silenced rule
without a reason cannot be judged later, so this fails on one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOQA = re.compile(r"#\s*noqa\b(?::\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?(?P<why>.*)$")


def silenced_without_reason() -> list[str]:
    found = []
    for folder in ("src", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = NOQA.search(line)
                if match and not re.search(r"[a-z]{3}", match["why"]):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_every_noqa_says_why() -> None:
    assert silenced_without_reason() == []
