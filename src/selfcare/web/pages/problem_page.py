"""A readable page instead of problem+json, for a browser that asked for a page.

An API client asks for JSON and gets RFC 9457 problem+json; a customer who opens a page
link (`Accept: text/html`) must not be shown raw JSON. Both get the same status, so caches,
logs and metrics read the same answer either way.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcare.web.errors import problem_response

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape()
)
NO_STORE = {"Cache-Control": "no-store"}

# Title and message per problem, German and English.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "no_evidence": (
            "Noch kein Nachweis",
            "Einen Nachweis gibt es, sobald Ihre Messreihe mindestens eine Messung per "
            "LAN-Kabel enthält und uns Ihre Vertragswerte vorliegen.",
        ),
    },
    "en": {
        "no_evidence": (
            "No evidence yet",
            "The evidence is there as soon as your series holds at least one measurement by "
            "LAN cable and we have your contract figures.",
        ),
    },
}


def wants_page(request: Request) -> bool:
    """A browser navigating to a page names text/html in Accept; API clients do not."""
    return "text/html" in request.headers.get("accept", "")


def problem_page(
    request: Request,
    *,
    status: int,
    problem: str,
    detail: str,
    lang: str,
    links: list[tuple[str, str]] | None = None,
) -> Response:
    """The problem as a page in `lang` for a browser, as problem+json for anyone else."""
    if not wants_page(request):
        return problem_response(status, problem, detail, instance=request.url.path)
    title, message = TEXTS["de" if lang == "de" else "en"][problem]
    html = _ENV.get_template("speedtest_problem.html").render(
        lang=lang, title=title, message=message, status=status, code=problem, links=links or []
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)
