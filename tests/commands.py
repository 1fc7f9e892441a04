"""The real `selfcare` command run as a subprocess, as an operator types it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def selfcare_json(*args: str, env: Mapping[str, str], cwd: Path | None = None) -> dict[str, Any]:
    """Run `selfcare ARGS --format json`; its one JSON document (a failure shows stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "selfcare", *args, "--format", "json"],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document
