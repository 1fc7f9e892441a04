"""A readable page instead of problem+json, for a browser that asked for a page.

An API client asks for JSON and gets RFC 9457 problem+json; a customer who opens a page
link (`Accept: text/html`) must not be shown raw JSON. Both get the same status, so caches,
logs and metrics read the same answer either way.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from selfcare.web.errors import problem_response
from selfcare.web.pages.language import Lang
from selfcare.web.pages.layout import current_customer, render_customer_page

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
    lang: Lang,
    links: list[tuple[str, str]] | None = None,
) -> Response:
    """The problem as a page in `lang` (inside the customer layout) for a browser, as
    problem+json for anyone else."""
    if not wants_page(request):
        return problem_response(status, problem, detail, instance=request.url.path)
    title, message = TEXTS[lang][problem]
    return render_customer_page(
        request,
        "speedtest_problem.html",
        lang=lang,
        title=title,
        active="speed",
        customer_id=current_customer(request),
        status_code=status,
        status=status,
        code=problem,
        message=message,
        links=links or [],
    )
