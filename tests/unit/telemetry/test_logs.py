"""Structured logs: JSON lines off a terminal, readable lines on one, never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from selfcare.telemetry.logs import configure_logging, fields, mask

KEY = "sck_Zx9-Q_abcdefghijklmnopqrstuvwxyz012345"
TOKEN = "sct_Tk-42_abcdefghijklmnopqrstuvwxyz0123"
SESSION = "scs_Se_ss-ion0123456789abcdefghijklmnop"
LINK = "scl_Li-nk_abcdefghijklmnopqrstuvwxyz01234"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /login?token={TOKEN}&lang=en", "GET /login?token=sct_***&lang=en"),
        (f"GET /login?token={LINK}", "GET /login?token=scl_***"),
        (f"Authorization: Bearer {KEY}", "Authorization: Bearer ***"),
        (f"authorization: bearer opaque-secret-{KEY}", "authorization: bearer ***"),
        (f"cookie session={SESSION}; lang=de", "cookie session=scs_***; lang=de"),
        ("postgresql://app:s3cr3t@db:5432/selfcare", "postgresql://app:***@db:5432/selfcare"),
        ("no secret in sct or sck_ alone", "no secret in sct or sck_ alone"),
    ],
)
def test_mask_hides_keys_tokens_sessions_bearers_and_database_passwords(
    text: str, expected: str
) -> None:
    assert mask(text) == expected


def test_off_a_terminal_each_record_is_one_json_line_with_its_fields() -> None:
    stream = io.StringIO()
    configure_logging(stream)
    logging.getLogger("selfcare.test").info("request", extra=fields(status=200, route="/x"))
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "request"
    assert (record["level"], record["logger"]) == ("info", "selfcare.test")
    assert (record["status"], record["route"]) == (200, "/x")
    assert record["ts"].endswith("+00:00")


def test_on_a_terminal_records_are_readable_key_value_lines() -> None:
    stream = Terminal()
    configure_logging(stream)
    logging.getLogger("selfcare.test").warning("topup attempt", extra=fields(outcome="rejected"))
    line = stream.getvalue().strip()
    assert "WARNING" in line
    assert line.endswith("selfcare.test topup attempt outcome=rejected")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_secrets_in_messages_fields_and_tracebacks_never_reach_the_log() -> None:
    stream = io.StringIO()
    configure_logging(stream)
    log = logging.getLogger("selfcare.test")
    log.info("login with %s", TOKEN, extra=fields(header=f"Bearer {KEY}"))
    try:
        raise ValueError(f"bad session {SESSION}")
    except ValueError:
        log.exception("failed")
    text = stream.getvalue()
    for secret in (KEY, TOKEN, SESSION):
        assert secret not in text
        assert secret[4:] not in text
    assert "sct_***" in text
    assert "scs_***" in text


def test_configuring_twice_keeps_one_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(first)
    configure_logging(second)
    logging.getLogger("selfcare.test").info("once")
    assert first.getvalue() == ""
    assert len(second.getvalue().splitlines()) == 1
