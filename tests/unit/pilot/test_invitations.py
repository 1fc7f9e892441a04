"""Invitation codes: forged, reused, expired, another customer's, mistyped — each its own answer."""

from __future__ import annotations

from datetime import date

import pytest

from selfcare.pilot.invitations import MESSAGES, Outcome, issue, normalise, verify

SECRET = b"test-secret-not-for-production"
OTHER_SECRET = b"someone-elses-secret"
EXPIRES = date(2025, 3, 31)
TODAY = date(2025, 2, 1)


def code_for(customer: str = "anna", *, secret: bytes = SECRET, nonce: int = 12345) -> str:
    return issue(secret=secret, customer_id=customer, expires_on=EXPIRES, nonce=nonce)


def judge(code: str, customer: str = "anna", **kw: object) -> Outcome:
    values: dict[str, object] = {"secret": SECRET, "customer_id": customer, "today": TODAY}
    return verify(code, **(values | kw))  # type: ignore[arg-type]


def test_a_fresh_code_is_accepted_and_short_enough_to_type() -> None:
    code = code_for()
    assert len(code) == 17  # 14 characters in groups of four
    assert judge(code, issued_to="anna") is Outcome.ACCEPTED


def test_typing_is_forgiving() -> None:
    code = code_for()
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise(sloppy) == code.replace("-", "")
    assert judge(sloppy) is Outcome.ACCEPTED


def test_a_forged_code_is_refused() -> None:
    assert judge(code_for(secret=OTHER_SECRET)) is Outcome.FORGED


def test_a_reused_code_is_refused() -> None:
    assert judge(code_for(), issued_to="anna", used=True) is Outcome.ALREADY_USED


def test_an_expired_code_is_refused() -> None:
    assert judge(code_for(), today=date(2025, 4, 1)) is Outcome.EXPIRED
    assert judge(code_for(), today=EXPIRES) is Outcome.ACCEPTED


def test_another_customers_code_is_refused() -> None:
    assert judge(code_for("ben"), issued_to="ben") is Outcome.NOT_YOURS


@pytest.mark.parametrize("position", range(14))
def test_every_single_typo_is_caught_as_a_typo(position: int) -> None:
    plain = code_for().replace("-", "")
    replacement = "7" if plain[position] != "7" else "8"
    typo = plain[:position] + replacement + plain[position + 1 :]
    assert judge(typo) is Outcome.MISTYPED


@pytest.mark.parametrize("position", range(13))
def test_swapping_neighbours_is_caught_as_a_typo(position: int) -> None:
    plain = code_for().replace("-", "")
    if plain[position] == plain[position + 1]:
        pytest.skip("equal neighbours")
    swapped = plain[:position] + plain[position + 1] + plain[position] + plain[position + 2 :]
    assert judge(swapped) is Outcome.MISTYPED


def test_every_outcome_has_a_message_in_both_languages() -> None:
    for outcome in Outcome:
        assert MESSAGES[outcome]["de"]
        assert MESSAGES[outcome]["en"]
    assert len({m["en"] for m in MESSAGES.values()}) == len(Outcome)
