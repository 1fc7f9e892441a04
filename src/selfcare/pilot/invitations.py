"""Single-use invitation codes short enough to type, bound to a customer, with an expiry.

A code is 13 Crockford base32 characters plus a check character, shown in groups of four
(`7K3Q-M2XA-9FHD-RT`):

    expiry  3 chars  days since 1970-01-01 (15 bits)
    nonce   4 chars  random (20 bits), makes codes for the same customer differ
    mac     6 chars  HMAC-SHA-256(secret, "expiry:nonce:customer_id"), first 30 bits
    check   1 char   (value of the 13 characters as one number) mod 37, Crockford's symbols

Crockford's alphabet has no I, L, O or U; reading accepts lower case, dashes, spaces and
the look-alikes (O → 0, I/L → 1). The check character catches every single mistyped
character and every swap of two neighbours before any secret is touched, so a typo gets
"mistyped", not "forged". Thirty bits of MAC with rate-limited attempts leave a guesser
one chance in a billion per try.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta
from enum import StrEnum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = ALPHABET + "*~$=U"
EPOCH = date(1970, 1, 1)
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_EXPIRY, _NONCE, _MAC = 3, 4, 6
BODY = _EXPIRY + _NONCE + _MAC


class Outcome(StrEnum):
    """What a presented code turned out to be; each failure has its own message."""

    ACCEPTED = "accepted"
    MISTYPED = "mistyped"
    FORGED = "forged"
    NOT_YOURS = "not_yours"
    EXPIRED = "expired"
    ALREADY_USED = "already_used"
    RATE_LIMITED = "rate_limited"


MESSAGES: dict[Outcome, dict[str, str]] = {
    Outcome.ACCEPTED: {
        "de": "Willkommen im Programm!",
        "en": "Welcome to the program!",
    },
    Outcome.MISTYPED: {
        "de": "Der Code ist nicht vollständig oder enthält einen Tippfehler. Bitte prüfen "
        "Sie ihn Zeichen für Zeichen.",
        "en": "The code is incomplete or has a typo. Please check it character by character.",
    },
    Outcome.FORGED: {
        "de": "Diesen Code haben wir nicht ausgegeben.",
        "en": "We did not issue this code.",
    },
    Outcome.NOT_YOURS: {
        "de": "Dieser Code gehört zu einem anderen Kundenkonto. Bitte nutzen Sie den Code "
        "aus Ihrer eigenen Einladung.",
        "en": "This code belongs to another customer account. Please use the code from your "
        "own invitation.",
    },
    Outcome.EXPIRED: {
        "de": "Dieser Code ist abgelaufen. Bitte wenden Sie sich an uns, wenn Sie noch "
        "teilnehmen möchten.",
        "en": "This code has expired. Please contact us if you would still like to join.",
    },
    Outcome.ALREADY_USED: {
        "de": "Dieser Code wurde bereits eingelöst.",
        "en": "This code has already been used.",
    },
    Outcome.RATE_LIMITED: {
        "de": "Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann "
        "noch einmal.",
        "en": "Too many attempts. Please wait a moment, then try again.",
    },
}


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _decode(text: str) -> int:
    value = 0
    for char in text:
        value = value * 32 + ALPHABET.index(char)
    return value


def _check(body: str) -> str:
    return CHECK_SYMBOLS[_decode(body) % 37]


def _mac(secret: bytes, expiry: str, nonce: str, customer_id: str) -> str:
    digest = hmac.new(secret, f"{expiry}:{nonce}:{customer_id}".encode(), hashlib.sha256)
    return _encode(int.from_bytes(digest.digest()[:4], "big") >> 2, _MAC)


def issue(*, secret: bytes, customer_id: str, expires_on: date, nonce: int | None = None) -> str:
    """A new code for this customer, valid through `expires_on` (shown grouped by four)."""
    expiry = _encode((expires_on - EPOCH).days, _EXPIRY)
    chosen = _encode(secrets.randbits(20) if nonce is None else nonce, _NONCE)
    body = expiry + chosen + _mac(secret, expiry, chosen, customer_id)
    code = body + _check(body)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(code: str) -> str:
    """The code as issued, whatever the customer typed around it."""
    return "".join(code.split()).replace("-", "").upper().translate(_LOOKALIKES)


def verify(
    code: str,
    *,
    secret: bytes,
    customer_id: str,
    today: date,
    issued_to: str | None = None,
    used: bool = False,
) -> Outcome:
    """Judge a presented code; `issued_to` and `used` come from the store of issued codes."""
    plain = normalise(code)
    body, check = plain[:BODY], plain[BODY:]
    if len(plain) != BODY + 1 or any(c not in ALPHABET for c in body) or _check(body) != check:
        return Outcome.MISTYPED
    expiry, nonce, mac = body[:_EXPIRY], body[_EXPIRY : _EXPIRY + _NONCE], body[-_MAC:]
    if not hmac.compare_digest(_mac(secret, expiry, nonce, customer_id), mac):
        mine = issued_to is not None and issued_to != customer_id
        return Outcome.NOT_YOURS if mine else Outcome.FORGED
    if today > EPOCH + timedelta(days=_decode(expiry)):
        return Outcome.EXPIRED
    if used:
        return Outcome.ALREADY_USED
    return Outcome.ACCEPTED


def code_hash(code: str) -> str:
    """How storage knows a code: SHA-256 of its normalised text, never the code itself."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def expiry_of(code: str) -> date | None:
    """The last valid day a well-formed code carries (None when it is not well-formed)."""
    plain = normalise(code)
    if len(plain) != BODY + 1 or any(c not in ALPHABET for c in plain[:BODY]):
        return None
    return EPOCH + timedelta(days=_decode(plain[:_EXPIRY]))
