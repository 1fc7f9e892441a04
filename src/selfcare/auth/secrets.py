"""Making and hashing secrets: high-entropy random keys, stored only as their SHA-256 digest.

A plain (unsalted) SHA-256 is enough here because the keys carry 256 bits of randomness;
salting and slow hashing protect low-entropy passwords, which these are not.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

ENTROPY_BYTES = 32
MAX_SECRET_LENGTH = 200


class SecretKind(StrEnum):
    """The prefix says what a secret is, so a leaked string can be recognised and revoked."""

    API_KEY = "sck"
    CUSTOMER_TOKEN = "sct"  # noqa: S105 (a prefix, not a secret)
    LOGIN_LINK = "scl"  # one browser login, once; never a bearer credential


def new_secret(kind: SecretKind) -> str:
    """A fresh secret like `sck_…` with 256 random bits (URL-safe, fits a header)."""
    return f"{kind.value}_{secrets.token_urlsafe(ENTROPY_BYTES)}"


def digest(secret: str) -> str:
    """The only form in which a secret is stored: its SHA-256 digest as hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def kind_of(secret: str) -> SecretKind | None:
    """Which kind a presented secret claims to be, by its prefix (None: neither)."""
    prefix, _, rest = secret.partition("_")
    if not rest or len(secret) > MAX_SECRET_LENGTH:
        return None
    try:
        return SecretKind(prefix)
    except ValueError:
        return None
