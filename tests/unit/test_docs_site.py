"""The docs site builds from docs/ without a warning: a broken link between pages, a missing
image or a page left out of the navigation fails the build, and so this test.

Sphinx runs in its own process, as `make docs` runs it: in-process, pytest's
`filterwarnings = error` would turn MyST's use of deprecated Sphinx API into failures that
say nothing about the docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"


def test_the_docs_site_builds_without_warnings_and_has_every_page(tmp_path: Path) -> None:
    html = tmp_path / "html"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(html),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    pages = {page.stem for page in DOCS.glob("*.md")}
    built = {page.stem for page in html.glob("*.html")}
    assert pages <= built, f"not built: {sorted(pages - built)}"
    index = (html / "index.html").read_text(encoding="utf-8")
    for page in pages - {"index"}:
        assert f'href="{page}.html"' in index, f"{page} is not in the navigation"
