"""Debian's Chromium for browser tests: where it is, how it starts, and skipping without it.

Browsers are never downloaded at test time; `make test` installs Debian's `chromium`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SELFCARE_CHROMIUM", "/usr/bin/chromium")
# Headless as root on a machine without network: no sandbox, GPU or background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ONE_TBIT_IN_KBPS = 1_000_000_000  # upper bound for a plausible loopback measurement

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"
)
