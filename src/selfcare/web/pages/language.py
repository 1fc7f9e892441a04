"""Which language a page speaks: `?lang=de|en`, else the browser's Accept-Language, else German.

Customers reach the pages from links in letters and portals; an explicit `?lang=` wins so a
link can fix the language, and old browsers still send Accept-Language on every request.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Header, Query

Lang = Literal["de", "en"]
SUPPORTED: tuple[Lang, ...] = ("de", "en")
DEFAULT: Lang = "de"


def from_accept_language(header: str) -> Lang:
    """The supported language the browser prefers most (`en-US,en;q=0.9,de;q=0.8` → en)."""
    best: tuple[float, int, Lang] | None = None
    for order, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        if primary not in SUPPORTED:
            continue
        weight = _quality(params)
        if weight > 0 and (best is None or (weight, -order) > (best[0], best[1])):
            best = (weight, -order, DEFAULT if primary == "de" else "en")
    return best[2] if best is not None else DEFAULT


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def page_language(
    lang: Annotated[str | None, Query(description="de or en", max_length=16)] = None,
    accept_language: Annotated[str, Header()] = "",
) -> Lang:
    """FastAPI dependency: the language of the page to render. A language these pages do
    not speak (`?lang=fr`) falls back to the browser's choice: a page, not an error."""
    chosen = next((known for known in SUPPORTED if known == lang), None)
    return chosen if chosen is not None else from_accept_language(accept_language)
