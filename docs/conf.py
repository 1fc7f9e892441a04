"""Sphinx configuration for the docs site (`make docs` -> docs/_build/html).

The pages stay plain Markdown that reads well on GitHub and in an editor; MyST lets Sphinx
read them as they are, so the site and the repository never hold two versions of a page.
"""

from __future__ import annotations

project = "selfcare"
author = "selfcare"
root_doc = "index"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
# `## Heading` anchors, so links such as `operations.md#backups` resolve and are checked.
myst_heading_anchors = 4
html_theme = "alabaster"
html_title = "selfcare documentation"
html_static_path: list[str] = []


def _link_the_readme_page(app: object, docname: str, source: list[str]) -> None:
    """Pages link to `../README.md` (right on GitHub); on the site that is the included copy."""
    source[0] = source[0].replace("](../README.md)", "](repository-readme.md)")


def setup(app: object) -> dict[str, bool]:
    app.connect("source-read", _link_the_readme_page)  # type: ignore[attr-defined]
    return {"parallel_read_safe": True}
