"""Program files a manager wrote by hand: every mistake named in words they understand."""

from __future__ import annotations

import pytest

from selfcare.errors import InvalidProgram
from selfcare.program.load import parse_program

HEAD = '[program]\nid = "p"\nname = "P"\n'
TASK = '[[rewards]]\nkind = "task"\nid = "portal"\nevent = "portal_registered"\namount_mb = 600\n'


def problem(toml: str) -> str:
    with pytest.raises(InvalidProgram) as caught:
        parse_program(toml, source="p.toml")
    return str(caught.value)


def test_a_small_valid_program_loads() -> None:
    program = parse_program(HEAD + TASK)
    assert program.name == "P"
    assert program.tasks[0].amount_mb == 600


def test_an_unknown_event_type_is_named_with_the_ones_allowed() -> None:
    message = problem(HEAD + TASK.replace("portal_registered", "portal_signup"))
    assert message.startswith("p.toml: rewards[1].event: unknown event type 'portal_signup'")
    assert "portal_registered" in message
    assert "at least 1 item" not in message  # no follow-on noise about the empty list


def test_a_negative_amount_is_rejected_with_its_value() -> None:
    message = problem(HEAD + TASK.replace("600", "-600"))
    assert "rewards[1].amount_mb: must be a positive whole number of MB, got -600" in message


def test_a_category_without_reason_codes_or_keywords_is_rejected() -> None:
    message = problem(HEAD + TASK + '[[calls.categories]]\nname = "roaming"\n')
    assert "calls.categories[1]: category 'roaming' has no reason codes or keywords" in message


def test_a_builtin_category_needs_no_codes_because_it_has_the_lexicon() -> None:
    program = parse_program(HEAD + TASK + '[[calls.categories]]\nname = "dunning"\n')
    assert program.calls.categories[0].name == "dunning"


def test_a_bad_time_zone_is_named() -> None:
    message = problem(HEAD.replace('name = "P"', 'name = "P"\ntimezone = "Berlin"') + TASK)
    assert "program.timezone: unknown time zone 'Berlin'; use an IANA name" in message


def test_a_toml_syntax_error_names_the_line() -> None:
    message = problem(HEAD + '[[rewards]\nkind = "task"\n')
    assert message.startswith("p.toml: not valid TOML:")
    assert "line 4" in message


def test_a_misspelt_setting_is_called_unknown() -> None:
    message = problem(HEAD + TASK.replace("amount_mb", "amount_mbs"))
    assert "rewards[1].amount_mbs: unknown setting (check the spelling)" in message


def test_every_problem_is_listed_on_one_line() -> None:
    toml = HEAD.replace('name = "P"', 'name = "P"\ntimezone = "Mars/Base"') + TASK.replace(
        "600", "-1"
    )
    message = problem(toml)
    assert "\n" not in message
    assert "timezone" in message
    assert "amount_mb" in message
