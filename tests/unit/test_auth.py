"""Auth building blocks on their own: scopes, secrets, principals and the credential cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selfcare.auth.cache import CredentialCache
from selfcare.auth.principals import CustomerToken, OperatorKey, Principal
from selfcare.auth.scopes import Scope, format_scopes, parse_scopes
from selfcare.auth.secrets import SecretKind, digest, kind_of, new_secret
from selfcare.errors import InvalidInput, NotAllowed


def test_scopes_are_parsed_from_a_comma_list_and_stored_sorted() -> None:
    scopes = parse_scopes(" grants:read,events:write ,")
    assert scopes == {Scope.GRANTS_READ, Scope.EVENTS_WRITE}
    assert format_scopes(scopes) == "events:write,grants:read"


@pytest.mark.parametrize("text", ["", " , ", "events:write,admin"])
def test_an_empty_or_unknown_scope_list_is_refused_naming_the_allowed_scopes(text: str) -> None:
    with pytest.raises(InvalidInput, match="pilot:admin"):
        parse_scopes(text)


def test_a_new_secret_says_its_kind_and_is_never_the_same_twice() -> None:
    first, second = new_secret(SecretKind.API_KEY), new_secret(SecretKind.API_KEY)
    assert first != second
    assert first.startswith("sck_")
    assert len(first) > 40
    assert kind_of(first) is SecretKind.API_KEY
    assert kind_of(new_secret(SecretKind.CUSTOMER_TOKEN)) is SecretKind.CUSTOMER_TOKEN
    assert kind_of("sck_") is None
    assert kind_of("pwd_x") is None


def test_the_stored_digest_is_sha256_hex() -> None:
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_an_operator_key_may_do_only_what_its_scopes_allow() -> None:
    key = OperatorKey("k1", "portal", frozenset({Scope.GRANTS_READ}))
    key.require(Scope.GRANTS_READ)
    key.require_customer("anyone")
    with pytest.raises(NotAllowed, match="events:write"):
        key.require(Scope.EVENTS_WRITE)
    writer = OperatorKey("k2", "ivr", frozenset({Scope.EVENTS_WRITE}))
    with pytest.raises(NotAllowed):
        writer.require_customer("c1")


def test_a_customer_token_reads_its_own_customer_only_and_holds_no_scope() -> None:
    token = CustomerToken("t1", "c1", None)
    token.require_customer("c1")
    with pytest.raises(NotAllowed):
        token.require_customer("c2")
    with pytest.raises(NotAllowed):
        token.require(Scope.GRANTS_READ)


class CountingCheck:
    """A credential check that counts its calls and knows one secret."""

    def __init__(self, principal: Principal) -> None:
        self.calls = 0
        self.principal = principal

    def __call__(self, secret: str) -> Principal:
        self.calls += 1
        if secret != "good":
            raise NotAllowed("unknown")
        return self.principal


class HandClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_remembers_a_good_check_for_its_ttl_then_checks_again() -> None:
    check = CountingCheck(OperatorKey("k", "n", frozenset()))
    clock = HandClock()
    cache = CredentialCache(check, ttl_s=10, clock=clock)
    cache("good")
    cache("good")
    assert check.calls == 1
    clock.now += 10.5
    cache("good")
    assert check.calls == 2


def test_the_cache_never_remembers_a_refusal() -> None:
    check = CountingCheck(OperatorKey("k", "n", frozenset()))
    cache = CredentialCache(check, ttl_s=10, clock=HandClock())
    for _ in range(2):
        with pytest.raises(NotAllowed):
            cache("bad")
    assert check.calls == 2


def test_the_cache_never_serves_a_token_past_its_expiry() -> None:
    expired = CustomerToken("t", "c1", datetime.now(UTC) - timedelta(seconds=1))
    check = CountingCheck(expired)
    cache = CredentialCache(check, ttl_s=60, clock=HandClock())
    cache("good")
    cache("good")
    assert check.calls == 2
