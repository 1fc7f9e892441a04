"""Where browser tests keep their screenshots: `SELFCARE_ARTEFACTS` (CI uploads it), else
`test-artefacts/` in the working folder (ignored by git)."""

from __future__ import annotations

import os
from pathlib import Path


def screenshot_dir(suite: str) -> Path:
    """The folder for one suite's screenshots (created)."""
    folder = Path(os.environ.get("SELFCARE_ARTEFACTS", "test-artefacts")) / "screenshots" / suite
    folder.mkdir(parents=True, exist_ok=True)
    return folder
