"""`[[calls.links]]`: which self-service page the call checker offers for a concern, and
the plain messages for a link that could never be offered or leads nowhere safe."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfcare.console.programs import diff_programs
from selfcare.domain.calls import classify_text
from selfcare.domain.selfservice import links_for
from selfcare.errors import InvalidProgram
from selfcare.program.explain import explain_json, explain_text
from selfcare.program.load import bundled_example, parse_program

HEAD = '[program]\nid = "p"\nname = "P"\n'
TASK = '[[rewards]]\nkind = "task"\nid = "portal"\nevent = "portal_registered"\namount_mb = 600\n'
RULES = bundled_example().calls


def offered(text: str) -> list[str]:
    verdict = classify_text(text, rules=RULES)
    return [link.url.rsplit("/", 1)[1] for link in links_for(RULES, text, verdict.category)]


@pytest.mark.parametrize(
    ("concern", "expected"),
    [
        ("Warum ist meine Rechnung so hoch?", ["rechnung"]),
        ("Rechnungen seit März doppelt", ["rechnung"]),  # a word starting with the keyword
        ("Ich habe mein PASSWORT vergessen", ["passwort"]),
        ("Ich ziehe um, neue Adresse", ["umzug"]),
        ("I want to extend my contract", ["vertrag"]),  # by category, no keyword
        ("Ich habe eine Mahnung bekommen", ["zahlungen"]),
        ("Roaming im Urlaub, welcher Tarif?", ["tarif"]),
        ("Wie spät ist es?", []),
        ("Mein Internet ist langsam", []),  # the page leads to the speed check instead
    ],
)
def test_the_example_program_offers_the_page_that_settles_the_concern(
    concern: str, expected: list[str]
) -> None:
    assert offered(concern) == expected


def test_umlaut_spelling_and_case_do_not_matter() -> None:
    program = parse_program(
        HEAD
        + TASK
        + '[[calls.links]]\nurl = "/gebuehren"\ntitle.de = "Gebühren"\n'
        + 'keywords = ["Gebühr"]\n'
    )
    for text in ("Gebuehren zu hoch", "GEBÜHR", "die gebühren"):
        assert [link.url for link in links_for(program.calls, text, "other")] == ["/gebuehren"]
    assert links_for(program.calls, "Begebühr", "other") == ()  # starts a word, not inside


@given(st.text(max_size=80))
def test_any_text_gets_only_links_of_the_program_each_once(text: str) -> None:
    found = links_for(RULES, text, "other")
    assert len(set(found)) == len(found)
    assert set(found) <= set(RULES.links)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (
            'url = "/x"\ntitle.de = "X"\n',
            "calls.links[1]: link '/x' has no categories or keywords, so it is never offered",
        ),
        (
            'url = "javascript:alert(1)"\ntitle.de = "X"\nkeywords = ["x"]\n',
            "calls.links[1].url: 'javascript:alert(1)' is not a web address",
        ),
        (
            'url = "//evil.example"\ntitle.de = "X"\nkeywords = ["x"]\n',
            "is not a web address",
        ),
        ('url = "/x"\ncategories = ["other"]\n', "calls.links[1].title: is required"),
        (
            'url = "/x"\ntitle.en = "X"\ncategories = ["billing"]\n',
            "link '/x' names unknown categories billing",
        ),
    ],
)
def test_a_link_that_is_never_offered_or_leads_nowhere_safe_is_refused(
    link: str, message: str
) -> None:
    with pytest.raises(InvalidProgram) as caught:
        parse_program(HEAD + TASK + "[[calls.links]]\n" + link, source="p.toml")
    assert message in str(caught.value)


def test_program_explain_lists_the_links_and_a_changed_link_shows_in_the_diff() -> None:
    program = bundled_example()
    text = explain_text(program, "de")
    assert "Vertrag online verlängern: https://kundenportal.example/vertrag – beim Thema " in text
    assert explain_json(program, "en")["calls"]["links"][0]["url"].endswith("/rechnung")
    moved = program.calls.links[0].model_copy(update={"url": "https://portal.example/bill"})
    changed = program.model_copy(
        update={"calls": program.calls.model_copy(update={"links": (moved,)})}
    )
    kinds = {(c.kind, c.topic) for c in diff_programs(program, changed, "en")}
    assert ("changed", "links") in kinds or ("added", "links") in kinds
