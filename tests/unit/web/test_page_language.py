"""The customer pages pick German or English from `?lang=` or the browser's Accept-Language."""

from __future__ import annotations

import pytest

from selfcare.web.pages.language import from_accept_language, page_language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9,de;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("en;q=0.4, de;q=0.6", "de"),
        ("de;q=0.5, en;q=0.5", "de"),  # equal weight: the first named wins
        ("en;q=0, de;q=0.1", "de"),  # q=0 means "not this one"
        ("EN-gb", "en"),
        ("fr, it", "de"),
        ("", "de"),
        ("en;q=banana, de;q=0.3", "de"),
    ],
)
def test_the_browser_preference_picks_the_language(header: str, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_an_explicit_lang_wins_over_the_browser() -> None:
    assert page_language("de", "en-US,en") == "de"
    assert page_language(None, "en-US,en") == "en"


def test_a_language_the_pages_do_not_speak_falls_back_to_the_browser() -> None:
    assert page_language("fr", "en-US,en") == "en"
    assert page_language("", "") == "de"
