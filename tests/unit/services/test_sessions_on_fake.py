"""Browser sessions and revocation on the fake unit of work: only a hash is kept, logout
and revoking the token end a session at once, listings never show a secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selfcare.auth.principals import CustomerToken, NotAuthenticated
from selfcare.auth.secrets import digest
from selfcare.auth.service import (
    authenticate,
    create_customer_token,
    list_customer_tokens,
    revoke_customer_token,
)
from selfcare.auth.sessions import end_session, open_session, session_customer
from tests.fake_storage import FakeStorage

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _logged_in(storage: FakeStorage) -> tuple[str, str]:
    issued = create_customer_token(uow=storage, customer_id="c1", now=NOW)
    token = authenticate(uow=storage, secret=issued.token, now=NOW)
    assert isinstance(token, CustomerToken)
    opened = open_session(uow=storage, token=token, ttl=timedelta(hours=1), now=NOW)
    return issued.id, opened.secret


def test_a_session_is_kept_as_a_hash_and_names_its_customer_until_it_expires() -> None:
    storage = FakeStorage()
    _, secret = _logged_in(storage)
    [kept] = storage.tables.sessions.values()
    assert kept.session_hash == digest(secret)
    assert secret not in repr(storage.tables)
    assert session_customer(uow=storage, secret=secret, now=NOW).customer_id == "c1"
    with pytest.raises(NotAuthenticated):
        session_customer(uow=storage, secret=secret, now=NOW + timedelta(hours=1))


def test_logout_ends_the_session_once() -> None:
    storage = FakeStorage()
    _, secret = _logged_in(storage)
    assert end_session(uow=storage, secret=secret, now=NOW) is True
    assert end_session(uow=storage, secret=secret, now=NOW) is False
    with pytest.raises(NotAuthenticated):
        session_customer(uow=storage, secret=secret, now=NOW)


def test_revoking_the_token_ends_its_sessions_and_the_listing_shows_when() -> None:
    storage = FakeStorage()
    token_id, secret = _logged_in(storage)
    assert revoke_customer_token(uow=storage, token_id=token_id, now=NOW) is True
    assert revoke_customer_token(uow=storage, token_id="no-such-token", now=NOW) is False
    with pytest.raises(NotAuthenticated):
        session_customer(uow=storage, secret=secret, now=NOW)
    [listed] = list_customer_tokens(uow=storage, customer_id="c1")
    assert (listed.id, listed.revoked_at) == (token_id, NOW)
    assert list_customer_tokens(uow=storage, customer_id="c2") == []
